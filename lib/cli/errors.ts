import { FledgeError } from '../domain/errors';

/** The user asked for something that cannot work: printed without a stack trace, exit code 2. */
export class UsageError extends FledgeError {}

/** The controller or AWS failed in a way the user did not cause: one line, exit code 3. */
export class ControllerError extends FledgeError {}
