/**
 * Named errors are the state machine's vocabulary: Step Functions `Retry` and `Catch`
 * match on `name`, so every class sets it explicitly and keeps it stable.
 */
export class FledgeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The rollout request breaks a rule. Refused before any traffic moves. */
export class ValidationError extends FledgeError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [message],
  ) {
    super(message);
  }
}

/** Another rollout holds the lock on one of the targets. */
export class LockHeldError extends FledgeError {
  constructor(
    readonly targetKey: string,
    readonly heldBy: string,
    readonly expiresAt: string,
  ) {
    super(`target ${targetKey} is locked by rollout ${heldBy} until ${expiresAt}`);
  }
}

/** A target was changed by someone else while the rollout owned it. */
export class DriftError extends FledgeError {}

/** A metric query returned nothing where data was expected. */
export class NoDataError extends FledgeError {}

/** A human rejected a manual approval gate. */
export class ApprovalRejectedError extends FledgeError {}

/** The rollout record does not exist, or is not in a state that allows the operation. */
export class RolloutStateError extends FledgeError {}

/** A precondition outside fledge's control blocks the rollout (e.g. an alarm already in ALARM). */
export class PreconditionError extends FledgeError {}

/** A condition expected to clear on its own (throttling, a deployment in progress). The state machine retries it. */
export class TransientError extends FledgeError {}

/** Restoring at least one target failed; the rollout needs a human. */
export class RollbackFailedError extends FledgeError {}

/** Someone aborted the rollout while it waited at an approval gate. */
export class AbortedError extends FledgeError {}
