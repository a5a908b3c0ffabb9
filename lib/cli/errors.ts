import { FledgeError } from '../domain/errors';

/** The user asked for something that cannot work: printed without a stack trace, exit code 2. */
export class UsageError extends FledgeError {}
