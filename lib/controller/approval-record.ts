import type { RolloutCursor } from '../domain/cursor';
import type { ControllerDeps } from './dependencies';

/**
 * Closes the approval gate in the ledger once the execution has passed it. `fledge` records the
 * answer when it sends it; a human who answered with `aws stepfunctions send-task-success` did
 * not, so the state after the gate records what the task token carried.
 */
export async function recordPassedGate(deps: ControllerDeps, cursor: RolloutCursor): Promise<void> {
  if (!cursor.approval) return;
  const record = await deps.ledger.requireRollout(cursor.rolloutId);
  if (!record.pendingApproval) return;
  await deps.ledger.appendEvent(cursor.rolloutId, 'approval', {
    approved: true,
    by: cursor.approval.by ?? 'unknown (task token answered outside fledge)',
    reason: cursor.approval.reason ?? '',
    stepIndex: record.pendingApproval.stepIndex,
  });
  await deps.ledger.updateRollout(cursor.rolloutId, { status: 'IN_PROGRESS', pendingApproval: null });
}
