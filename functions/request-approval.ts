import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import type { RolloutCursor } from '../lib/domain/cursor';
import { APPROVAL_TIMEOUT_SECONDS } from '../lib/domain/plan';

export interface RequestApprovalEvent {
  readonly cursor: RolloutCursor;
  readonly taskToken: string;
}

/**
 * Bookkeeping for a manual gate: stores the task token where `fledge approve` will find it.
 * The execution then waits until someone approves, rejects, or the gate times out.
 */
export function makeRequestApprovalHandler(deps: ControllerDeps) {
  return async ({ cursor, taskToken }: RequestApprovalEvent): Promise<Record<string, never>> => {
    const requestedAt = deps.clock.now().toISOString();
    // One conditional write: the token and the status change together, and only on a running rollout.
    await deps.ledger.updateRollout(
      cursor.rolloutId,
      { status: 'AWAITING_APPROVAL', pendingApproval: { taskToken, stepIndex: cursor.stepIndex, requestedAt } },
      { expectedStatus: 'IN_PROGRESS' },
    );
    await deps.ledger.appendEvent(cursor.rolloutId, 'approval-requested', {
      stepIndex: cursor.stepIndex,
      phase: cursor.phase,
      afterApproval: cursor.afterApproval ?? 'advance',
      reason: cursor.note ?? '',
      timeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    });
    return {};
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('request-approval', makeRequestApprovalHandler);
