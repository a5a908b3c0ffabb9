/**
 * What a failed task's `Cause` says, without the wrapping: Lambda reports a failed invocation's
 * Cause as JSON (`errorType`, `errorMessage` and the stack `trace`, which has no place in a ledger
 * note or a notification); local mode and Fail states pass the plain message.
 */
export function causeMessage(cause: string | null | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown } | null;
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
