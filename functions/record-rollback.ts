import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { plainJson } from '../lib/controller/json';
import { ledgerNote } from '../lib/controller/rollout-context';
import { causeMessage } from '../lib/controller/task-failure';
import type { RestoredCursor, RollbackReason, RollbackResult } from '../lib/domain/cursor';
import { TERMINAL_STATUSES } from '../lib/adapters/ledger';

/**
 * Bookkeeping second: once Rollback has put traffic back (or given up), records why, what each
 * target was left in, and the outcome, then releases the locks. The state machine retries it for
 * about twenty minutes, so an outage of the ledger delays the record instead of losing it. A
 * retry after a partial write finds the outcome already set and only finishes the rest.
 */
export function makeRecordRollbackHandler(deps: Pick<ControllerDeps, 'ledger' | 'clock'>) {
  return async (cursor: RestoredCursor): Promise<RollbackResult> => {
    const { rolloutId } = cursor;
    const reason = rollbackReason(cursor);
    const detail = rollbackDetail(cursor);
    const record = await deps.ledger.requireRollout(rolloutId);
    const failed = cursor.rollbackError;
    const at = deps.clock.now().toISOString();

    if (!TERMINAL_STATUSES.includes(record.status)) {
      await deps.ledger.appendEvent(rolloutId, 'rollback-started', { reason, detail, stepIndex: cursor.stepIndex, phase: cursor.phase });
      for (const result of cursor.restored ?? []) await deps.ledger.appendEvent(rolloutId, 'target-restored', plainJson(result));
      if (failed) {
        await deps.ledger.appendEvent(rolloutId, 'error', { during: 'rollback', message: ledgerNote(`${failed.Error}: ${causeMessage(failed.Cause)}`) });
        // The locks stay: a target in an unknown state must not be taken by another rollout before a human looks.
        await deps.ledger.updateRollout(rolloutId, { status: 'ROLLBACK_FAILED', outcome: { decision: 'rollback-failed', reason: ledgerNote(`${reason}: ${detail}; then ${failed.Cause ? causeMessage(failed.Cause) : failed.Error}`), at } });
      } else {
        await deps.ledger.updateRollout(rolloutId, {
          status: 'ROLLED_BACK',
          outcome: { decision: 'rolled-back', reason: `${reason}: ${detail}`, at },
          // A gate that was rejected or timed out is closed too.
          ...(record.pendingApproval ? { pendingApproval: null } : {}),
        });
      }
    }
    if (!failed) {
      await deps.ledger.releaseLocks(rolloutId, record.targetKeys);
      if (record.status !== 'ROLLED_BACK') await deps.ledger.appendEvent(rolloutId, 'rolled-back', { reason, detail });
    }
    return { rolloutId, reason, detail, ...(failed ? { rollbackFailed: failed } : {}) };
  };
}

function rollbackReason(cursor: RestoredCursor): RollbackReason {
  if (!cursor.error) return cursor.rollbackReason ?? 'error';
  switch (cursor.error.Error) {
    case 'ApprovalRejectedError':
      return 'approval-rejected';
    case 'AbortedError':
      return 'aborted';
    default:
      return 'error';
  }
}

function rollbackDetail(cursor: RestoredCursor): string {
  if (!cursor.error) return ledgerNote(cursor.note ?? 'no reason recorded');
  return ledgerNote(`${cursor.error.Error}: ${causeMessage(cursor.error.Cause)}`);
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('record-rollback', makeRecordRollbackHandler);
