import { FledgeError } from '../domain/errors';
import { ControllerError, UsageError } from './errors';

/**
 * What the CLI says when an AWS call fails: one line that says what to do. The usual causes are
 * the caller's setup (credentials, region, names, IAM), so they are usage errors (exit 2); anything
 * else is AWS or the controller failing (exit 3).
 *
 * `doing` completes "could not …" ("start the rollout"); `action` is the IAM action the call needs.
 */
export async function awsCliCall<T>(doing: string, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, doing, action);
  }
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'AuthorizationError']);
const BAD_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'StateMachineDoesNotExist', 'ExecutionDoesNotExist', 'TaskDoesNotExist']);

export function explainAwsError(error: unknown, doing: string, action: string): Error {
  // fledge's own errors already say what went wrong; the caller decides what they mean to the user.
  if (error instanceof FledgeError) return error;
  if (!(error instanceof Error)) return new ControllerError(`could not ${doing}: ${String(error)}`);
  const { name, message } = error;
  const code = (error as { code?: string }).code;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new UsageError(`could not ${doing}: no AWS credentials found; set AWS_PROFILE (then \`aws sso login\` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; in GitHub Actions use aws-actions/configure-aws-credentials`);
  }
  if (/region is missing/i.test(message)) return new UsageError(`could not ${doing}: no AWS region; set AWS_REGION or pass --region`);
  if (EXPIRED.has(name)) return new UsageError(`could not ${doing}: your AWS credentials have expired; sign in again`);
  if (BAD_CREDENTIALS.has(name)) return new UsageError(`could not ${doing}: AWS does not recognise these credentials (${name}); check AWS_PROFILE or the access keys`);
  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const named = /perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1] ?? action;
    return new UsageError(`could not ${doing}: access denied; the caller needs ${named} (see "Run a rollout from your pipeline" in the README for the policy)`);
  }
  if (name === 'ValidationError' && /does not exist/i.test(message)) {
    return new UsageError(`could not ${doing}: ${message.replace(/\.$/, '')} in this region; deploy the controller (cdk deploy), name it with --stack, or set the region with --region`);
  }
  if (NOT_FOUND.has(name)) return new UsageError(`could not ${doing}: ${message.replace(/\.$/, '')}; check the names and the region`);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return new UsageError(`could not ${doing}: nothing answers at the endpoint (${message}); is \`fledge local up\` running?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new UsageError(`could not ${doing}: cannot resolve the AWS endpoint (${message}); check the network and the region`);
  return new ControllerError(`could not ${doing}: ${name}: ${message}`);
}
