import { DriftError, FledgeError, PreconditionError, TransientError } from '../domain/errors';

/** AppConfig allows one deployment per environment at a time; the state machine retries this. */
export class DeploymentInProgressError extends TransientError {}

/** The controller's role lacks a permission. Not retried: it needs a human to fix IAM. */
export class AccessDeniedError extends FledgeError {}

/** AWS error names that mean "try again later". */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'InternalServiceFault',
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnrecognizedClientException']);

/**
 * Turns an AWS SDK error into the state machine's vocabulary (see lib/domain/errors.ts):
 * throttling and conflicts that clear by themselves become retried TransientErrors, a failed
 * RevisionId precondition becomes DriftError, a missing permission becomes AccessDeniedError.
 * `doing` says what was attempted, e.g. "UpdateAlias orders-api:live". Unknown errors pass through.
 */
export function classifyAwsError(error: unknown, doing: string): Error {
  if (!(error instanceof Error)) return new FledgeError(`${doing} failed: ${String(error)}`);
  if (error instanceof FledgeError) return error;
  const name = error.name;
  const message = `${doing}: ${name}: ${error.message}`;
  if (THROTTLING.has(name)) return new TransientError(message, { cause: error });
  if (name === 'ResourceConflictException') return new TransientError(`${message} (another update is in progress)`, { cause: error });
  if (name === 'PreconditionFailedException') return new DriftError(`${message} (the target changed since fledge last read it)`, { cause: error });
  if (name === 'ConflictException') return new DeploymentInProgressError(message, { cause: error });
  if (ACCESS_DENIED.has(name)) return new AccessDeniedError(`${message} (check the controller role's IAM policy)`, { cause: error });
  if (name === 'ResourceNotFoundException') return new PreconditionError(message, { cause: error });
  return error;
}

/** Runs one AWS call and classifies its failure. */
export async function awsCall<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, doing);
  }
}
