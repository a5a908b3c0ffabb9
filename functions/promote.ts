import { lambdaEntry } from '../lib/runtime/lambda-entry';
import { routerFor } from '../lib/adapters/traffic/traffic-router';
import { recordPassedGate } from '../lib/controller/approval-record';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { cursorFor, loadRollout, recordPhaseStart, weightInEffect } from '../lib/controller/rollout-context';
import type { RolloutCursor } from '../lib/domain/cursor';

/** Makes the new version the only one serving, then starts the final bake if the strategy has one. */
export function makePromoteHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<RolloutCursor> => {
    await recordPassedGate(deps, cursor);
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const previousWeight = weightInEffect(ctx, cursor.stepIndex);
    for (const { target, captured } of ctx.targets) {
      await routerFor(deps.routers, target).promote(target, captured, previousWeight);
    }
    const now = deps.clock.now();
    const finalBake = ctx.plan.finalBakeSeconds > 0;
    if (finalBake) {
      await recordPhaseStart(deps.ledger, ctx, { phase: 'final-bake', stepIndex: cursor.stepIndex, weight: 100, at: now.toISOString() });
    } else {
      await deps.ledger.updateRollout(cursor.rolloutId, { status: 'IN_PROGRESS' });
    }
    await deps.ledger.appendEvent(cursor.rolloutId, 'promoted', {
      fromStepIndex: cursor.stepIndex,
      reason: cursor.note ?? '',
      finalBakeSeconds: ctx.plan.finalBakeSeconds,
    });
    return cursorFor(ctx, {
      stepIndex: cursor.stepIndex,
      phase: 'final-bake',
      phaseStartedAt: now.toISOString(),
      decision: finalBake ? 'wait' : 'finalize',
      note: cursor.note,
    });
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('promote', makePromoteHandler);
