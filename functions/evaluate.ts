import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { plainJson } from '../lib/controller/json';
import { lookAtRollout } from '../lib/controller/look';
import { minutesToRecord } from '../lib/controller/recorded-minutes';
import { cursorFor, loadRollout, ledgerNote } from '../lib/controller/rollout-context';
import type { RolloutCursor } from '../lib/domain/cursor';

/**
 * One look at the data: fetch the window's aggregates in one batch, judge them, decide the next
 * move, and record all of it. A control request (abort, promote) waiting in the ledger comes first.
 */
export function makeEvaluateHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<RolloutCursor> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const control = ctx.record.control;
    const look = await lookAtRollout({
      ctx,
      phase: cursor.phase,
      stepIndex: cursor.stepIndex,
      phaseStartedAt: new Date(cursor.phaseStartedAt),
      now: deps.clock.now(),
      metrics: deps.metrics,
      alarms: deps.alarms,
      control,
    });
    await deps.ledger.appendEvent(cursor.rolloutId, 'evaluation', {
      stepIndex: cursor.stepIndex,
      phase: cursor.phase,
      weight: look.step.weight,
      elapsedSeconds: look.elapsedSeconds,
      window: plainJson(look.window),
      verdict: plainJson(look.verdict),
      minutes: plainJson(minutesToRecord(look.targets, ctx.plan.evaluationIntervalSeconds)),
      decision: look.next.decision,
      reason: look.next.reason,
      ...(control ? { control: plainJson(control) } : {}),
    });
    // Cleared once acted on and recorded, so a retry after a crash still sees it. Clears only the
    // request acted on: one that arrives meanwhile waits for the next evaluation.
    if (control) await deps.ledger.clearControl(cursor.rolloutId, control);

    return cursorFor(ctx, {
      stepIndex: cursor.stepIndex,
      phase: cursor.phase,
      phaseStartedAt: cursor.phaseStartedAt,
      decision: look.next.decision,
      afterApproval: look.next.afterApproval,
      rollbackReason: look.next.rollbackReason,
      note: ledgerNote(look.next.reason),
    });
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('evaluate', makeEvaluateHandler);
