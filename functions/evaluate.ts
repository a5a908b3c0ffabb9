import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { customWindows, evaluationBatch, evaluationWindow, targetWindows } from '../lib/controller/evaluation-window';
import { plainJson } from '../lib/controller/json';
import { cursorFor, loadRollout, ledgerNote, type RolloutContext } from '../lib/controller/rollout-context';
import type { RolloutCursor } from '../lib/domain/cursor';
import { decideNext } from '../lib/domain/decide';
import { judge, type JudgeInput } from '../lib/domain/judge';

/**
 * One look at the data: fetch the window's aggregates in one batch, judge them, decide the next
 * move, and record all of it. A control request (abort, promote) waiting in the ledger comes first.
 */
export function makeEvaluateHandler(deps: ControllerDeps) {
  return async (cursor: RolloutCursor): Promise<RolloutCursor> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const now = deps.clock.now();
    const phaseStartedAt = new Date(cursor.phaseStartedAt);
    const step = judgedStep(ctx, cursor);
    const elapsedSeconds = Math.floor((now.getTime() - phaseStartedAt.getTime()) / 1000);

    const window = evaluationWindow(ctx, phaseStartedAt, step.weight, now);
    const [results, firingAlarms] = await Promise.all([
      deps.metrics.fetch(evaluationBatch(ctx, window)),
      deps.alarms.firing(ctx.request.policy.alarms),
    ]);
    const judgeInput: JudgeInput = {
      policy: ctx.request.policy,
      step,
      elapsedSeconds,
      alphaPerTest: ctx.plan.alphaPerTest,
      targets: targetWindows(ctx, window, step.weight, results),
      firingAlarms,
      custom: customWindows(ctx, results),
    };
    const verdict = judge(judgeInput);

    const control = ctx.record.control;
    // Clears only the request acted on: one that arrives meanwhile waits for the next evaluation.
    if (control) await deps.ledger.clearControl(cursor.rolloutId, control);
    const next = decideNext({
      verdict,
      mode: ctx.request.mode,
      onInconclusive: ctx.request.policy.onInconclusive,
      phase: cursor.phase,
      isLastStep: cursor.stepIndex === ctx.plan.steps.length - 1,
      stepNeedsApproval: cursor.phase === 'step' && ctx.plan.steps[cursor.stepIndex]?.approval === true,
      elapsedSeconds,
      minBakeSeconds: step.minBakeSeconds,
      control,
    });

    await deps.ledger.appendEvent(cursor.rolloutId, 'evaluation', {
      stepIndex: cursor.stepIndex,
      phase: cursor.phase,
      weight: step.weight,
      elapsedSeconds,
      window: plainJson(window),
      verdict: plainJson(verdict),
      decision: next.decision,
      reason: next.reason,
      ...(control ? { control: plainJson(control) } : {}),
    });

    return cursorFor(ctx, {
      stepIndex: cursor.stepIndex,
      phase: cursor.phase,
      phaseStartedAt: cursor.phaseStartedAt,
      decision: next.decision,
      afterApproval: next.afterApproval,
      rollbackReason: next.rollbackReason,
      note: ledgerNote(next.reason),
    });
  };
}

/** The bake being judged: the current step, or the final bake after promotion (judged against history). */
function judgedStep(ctx: RolloutContext, cursor: RolloutCursor): JudgeInput['step'] {
  if (cursor.phase === 'final-bake') {
    const bake = ctx.plan.finalBakeSeconds;
    return { weight: 100, minBakeSeconds: bake, maxBakeSeconds: bake * 2 };
  }
  const step = ctx.plan.steps[cursor.stepIndex];
  return { weight: step.weight, minBakeSeconds: step.minBakeSeconds, maxBakeSeconds: step.maxBakeSeconds, minSamples: step.minSamples };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('evaluate', makeEvaluateHandler);
