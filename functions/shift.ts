import { lambdaEntry } from '../lib/runtime/lambda-entry';
import { routerFor } from '../lib/adapters/traffic/traffic-router';
import { recordPassedGate } from '../lib/controller/approval-record';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { cursorFor, loadRollout, recordPhaseStart, weightInEffect } from '../lib/controller/rollout-context';
import type { RolloutCursor } from '../lib/domain/cursor';
import { RolloutStateError } from '../lib/domain/errors';

/** Moves every target of the release group to the next step's weight, in request order. */
export function makeShiftHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<RolloutCursor> => {
    await recordPassedGate(deps, cursor);
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const stepIndex = cursor.stepIndex + 1;
    const step = ctx.plan.steps[stepIndex];
    if (!step) throw new RolloutStateError(`rollout ${cursor.rolloutId} has no step ${stepIndex} to shift to`);

    const previousWeight = weightInEffect(ctx, cursor.stepIndex);
    // A failure part-way leaves some targets shifted; the state machine's Catch restores them all.
    for (const { target, captured } of ctx.targets) {
      await routerFor(deps.routers, target).setWeight(target, captured, step.weight, previousWeight);
    }
    const now = deps.clock.now();
    await recordPhaseStart(deps.ledger, ctx, { phase: 'step', stepIndex, weight: step.weight, at: now.toISOString() });
    await deps.ledger.appendEvent(cursor.rolloutId, 'shift-applied', {
      stepIndex,
      step: step.name,
      weight: step.weight,
      targets: ctx.targets.map((t) => t.captured.targetKey),
    });
    return cursorFor(ctx, { stepIndex, phase: 'step', phaseStartedAt: now.toISOString(), decision: 'wait' });
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('shift', makeShiftHandler);
