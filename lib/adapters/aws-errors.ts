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
/**
 * A request that never got an answer: the SDK's own timeout, or the connection failing. The SDK
 * retries these a few times itself; what gets through is retried by the state machine.
 */
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
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
  if (isTransient(error)) return new TransientError(message, { cause: error });
  if (name === 'ResourceConflictException') return new TransientError(`${message} (another update is in progress)`, { cause: error });
  if (name === 'PreconditionFailedException') return new DriftError(`${message} (the target changed since fledge last read it)`, { cause: error });
  if (name === 'ConflictException') return new DeploymentInProgressError(message, { cause: error });
  if (ACCESS_DENIED.has(name)) return new AccessDeniedError(`${message} (check the controller role's IAM policy)`, { cause: error });
  if (name === 'ResourceNotFoundException') return new PreconditionError(message, { cause: error });
  return error;
}

/**
 * Only the failures that clear by themselves (throttling, 5xx, the network) become TransientError;
 * every other error is returned as it is. For callers that act on the service's own errors, such
 * as the ledger on ConditionalCheckFailedException.
 */
export function transientOrAsIs(error: unknown, doing: string): unknown {
  if (!(error instanceof Error) || error instanceof FledgeError || !isTransient(error)) return error;
  return new TransientError(`${doing}: ${error.name}: ${error.message}`, { cause: error });
}

function isTransient(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return THROTTLING.has(error.name) || NETWORK_NAMES.has(error.name) || (typeof code === 'string' && NETWORK_CODES.has(code));
}

/** Runs one AWS call and classifies its failure. */
export async function awsCall<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, doing);
  }
}
