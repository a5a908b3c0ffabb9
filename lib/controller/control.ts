import type { Ledger } from '../adapters/ledger';
import type { Clock } from '../domain/clock';
import { RolloutStateError } from '../domain/errors';

/**
 * Completes a waiting `.waitForTaskToken` task. In AWS: SendTaskSuccess/SendTaskFailure;
 * in local mode the runner resolves its in-process gate.
 */
export interface TaskTokenSink {
  succeed(taskToken: string, output: Record<string, unknown>): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface ControlDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly tokens: TaskTokenSink;
}

export interface Actor {
  readonly by: string;
  readonly reason: string;
}

/** Passes (or rejects) the manual gate the rollout is waiting at. */
export async function answerApproval(deps: ControlDeps, rolloutId: string, approved: boolean, actor: Actor): Promise<void> {
  const record = await deps.ledger.requireRollout(rolloutId);
  const pending = record.pendingApproval;
  if (record.status !== 'AWAITING_APPROVAL' || !pending) {
    throw new RolloutStateError(`rollout ${rolloutId} is not waiting for approval (status ${record.status})`);
  }
  await deps.ledger.appendEvent(rolloutId, 'approval', { approved, by: actor.by, reason: actor.reason, stepIndex: pending.stepIndex });
  await deps.ledger.updateRollout(rolloutId, { status: 'IN_PROGRESS', pendingApproval: null }, { expectedStatus: 'AWAITING_APPROVAL' });
  if (approved) {
    await deps.tokens.succeed(pending.taskToken, { approved: true, by: actor.by, reason: actor.reason });
  } else {
    await deps.tokens.fail(pending.taskToken, 'ApprovalRejectedError', `rejected by ${actor.by}: ${actor.reason}`);
  }
}

/**
 * Asks the running rollout to roll back (abort) or fast-forward (promote). The next evaluation acts
 * on it; a rollout waiting at a gate is released at once, since no evaluation would come.
 */
export async function requestControl(deps: ControlDeps, rolloutId: string, action: 'abort' | 'promote', actor: Actor): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.ledger.requestControl(rolloutId, { action, reason: actor.reason, requestedBy: actor.by, at });
  await deps.ledger.appendEvent(rolloutId, 'control', { action, by: actor.by, reason: actor.reason, emergency: action === 'promote' });
  const record = await deps.ledger.requireRollout(rolloutId);
  if (record.status !== 'AWAITING_APPROVAL' || !record.pendingApproval) return;
  await deps.ledger.clearControl(rolloutId);
  await deps.ledger.updateRollout(rolloutId, { status: 'IN_PROGRESS', pendingApproval: null }, { expectedStatus: 'AWAITING_APPROVAL' });
  if (action === 'abort') {
    await deps.tokens.fail(record.pendingApproval.taskToken, 'AbortedError', `aborted by ${actor.by}: ${actor.reason}`);
  } else {
    await deps.tokens.succeed(record.pendingApproval.taskToken, { approved: true, by: actor.by, reason: `emergency promotion: ${actor.reason}`, next: 'promote' });
  }
}
