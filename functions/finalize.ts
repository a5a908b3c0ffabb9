import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { loadRollout } from '../lib/controller/rollout-context';
import type { FinalizeResult, RolloutCursor } from '../lib/domain/cursor';

/**
 * Records the promotion as the outcome and releases the target locks. Run again after a partial
 * write (the state machine retries it for about twenty minutes), it finishes only what is missing.
 */
export function makeFinalizeHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<FinalizeResult> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const detail = cursor.note ?? 'all steps passed';
    if (ctx.record.status !== 'PROMOTED') {
      await deps.ledger.updateRollout(cursor.rolloutId, { status: 'PROMOTED', outcome: { decision: 'promoted', reason: detail, at: deps.clock.now().toISOString() } });
    }
    await deps.ledger.releaseLocks(cursor.rolloutId, ctx.record.targetKeys);
    const events = ctx.record.status === 'PROMOTED' ? await deps.ledger.listEvents(cursor.rolloutId) : [];
    if (!events.some((e) => e.type === 'finalized')) await deps.ledger.appendEvent(cursor.rolloutId, 'finalized', { outcome: 'promoted', reason: detail });
    return { rolloutId: cursor.rolloutId, outcome: 'promoted', detail };
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('finalize', makeFinalizeHandler);
