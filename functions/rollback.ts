import { lambdaEntry } from '../lib/runtime/lambda-entry';
import { routerFor, type RestoreResult } from '../lib/adapters/traffic/traffic-router';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { plainJson } from '../lib/controller/json';
import { loadRollout, ledgerNote } from '../lib/controller/rollout-context';
import type { RollbackReason, RollbackResult, RolloutCursor } from '../lib/domain/cursor';
import { RollbackFailedError } from '../lib/domain/errors';

/**
 * Restores every target to exactly what preflight captured, records why, and releases the locks.
 * It tries every target even when one fails, then fails loudly so the state machine retries it
 * (restores are idempotent) and, in the end, stops in RollbackFailed for a human.
 */
export function makeRollbackHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<RollbackResult> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const reason = rollbackReason(cursor);
    const detail = rollbackDetail(cursor);
    await deps.ledger.appendEvent(cursor.rolloutId, 'rollback-started', { reason, detail, stepIndex: cursor.stepIndex, phase: cursor.phase });

    const failures: string[] = [];
    for (const { target, captured } of ctx.targets) {
      try {
        const result: RestoreResult = await routerFor(deps.routers, target).restore(target, captured);
        await deps.ledger.appendEvent(cursor.rolloutId, 'target-restored', plainJson(result));
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        failures.push(`${captured.targetKey}: ${message}`);
        await deps.ledger.appendEvent(cursor.rolloutId, 'error', { during: 'rollback', targetKey: captured.targetKey, message: ledgerNote(message) });
      }
    }
    if (failures.length > 0) {
      await deps.ledger.updateRollout(cursor.rolloutId, { status: 'ROLLBACK_FAILED' });
      throw new RollbackFailedError(`could not restore ${failures.length} target(s): ${ledgerNote(failures.join('; '))}`);
    }

    const at = deps.clock.now().toISOString();
    await deps.ledger.updateRollout(cursor.rolloutId, {
      status: 'ROLLED_BACK',
      outcome: { decision: 'rolled-back', reason: `${reason}: ${detail}`, at },
      // A gate that was rejected or timed out is closed too.
      ...(ctx.record.pendingApproval ? { pendingApproval: null } : {}),
    });
    await deps.ledger.releaseLocks(cursor.rolloutId, ctx.record.targetKeys);
    await deps.ledger.appendEvent(cursor.rolloutId, 'rolled-back', { reason, detail });
    return { rolloutId: cursor.rolloutId, reason, detail };
  };
}

function rollbackReason(cursor: RolloutCursor): RollbackReason {
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

function rollbackDetail(cursor: RolloutCursor): string {
  if (!cursor.error) return ledgerNote(cursor.note ?? 'no reason recorded');
  return ledgerNote(`${cursor.error.Error}: ${causeMessage(cursor.error.Cause)}`);
}

/** Lambda reports a failed invocation's Cause as JSON; local mode passes the plain message. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('rollback', makeRollbackHandler);
