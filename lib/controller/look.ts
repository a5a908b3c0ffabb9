import type { AlarmSource, MetricProvider } from '../adapters/metrics/metric-provider';
import type { ControlRequest, DecisionOutput } from '../domain/decide';
import { decideNext } from '../domain/decide';
import type { Phase } from '../domain/cursor';
import { judge, type JudgeInput, type JudgeStep, type TargetWindow } from '../domain/judge';
import { finalBakePhase } from '../domain/plan';
import type { Verdict } from '../domain/verdict';
import { customWindows, evaluationBatch, evaluationWindow, targetWindows, type EvaluationWindow } from './evaluation-window';
import type { RolloutContext } from './rollout-context';

export interface LookInput {
  readonly ctx: RolloutContext;
  readonly phase: Phase;
  readonly stepIndex: number;
  readonly phaseStartedAt: Date;
  readonly now: Date;
  readonly metrics: MetricProvider;
  readonly alarms: AlarmSource;
  /** An abort or promote waiting in the ledger. */
  readonly control?: ControlRequest;
}

export interface Look {
  readonly window: EvaluationWindow;
  /** What the judge was given, per target: the minutes read and the plan's part. */
  readonly targets: readonly TargetWindow[];
  readonly step: JudgeStep;
  readonly elapsedSeconds: number;
  readonly verdict: Verdict;
  readonly next: DecisionOutput;
}

/**
 * One look at a rollout: fetch the window's aggregates in one batch, judge them, and decide the
 * next move. The Evaluate handler records it; the judge benchmark runs it in a loop, so both go
 * through exactly this code.
 */
export async function lookAtRollout(input: LookInput): Promise<Look> {
  const { ctx, now } = input;
  const step = judgedStep(ctx, input.phase, input.stepIndex);
  const elapsedSeconds = Math.floor((now.getTime() - input.phaseStartedAt.getTime()) / 1000);
  const window = evaluationWindow(ctx, { phase: input.phase, stepIndex: input.stepIndex, phaseStartedAt: input.phaseStartedAt, weight: step.weight }, now);
  const [results, firingAlarms] = await Promise.all([input.metrics.fetch(evaluationBatch(ctx, window)), input.alarms.firing(ctx.request.policy.alarms)]);
  const targets = targetWindows(ctx, window, step.weight, results);
  const judgeInput: JudgeInput = {
    policy: ctx.request.policy,
    step,
    elapsedSeconds,
    targets,
    firingAlarms,
    custom: customWindows(ctx, results),
  };
  const verdict = judge(judgeInput);
  const next = decideNext({
    verdict,
    mode: ctx.request.mode,
    onInconclusive: ctx.request.policy.onInconclusive,
    phase: input.phase,
    isLastStep: input.stepIndex === ctx.plan.steps.length - 1,
    stepNeedsApproval: input.phase === 'step' && ctx.plan.steps[input.stepIndex]?.approval === true,
    elapsedSeconds,
    minBakeSeconds: step.minBakeSeconds,
    control: input.control,
  });
  return { window, targets, step, elapsedSeconds, verdict, next };
}

/** The bake being judged: the current step, or the final bake after promotion. */
function judgedStep(ctx: RolloutContext, phase: Phase, stepIndex: number): JudgeStep {
  if (phase === 'final-bake') return finalBakePhase(ctx.plan.finalBakeSeconds);
  const step = ctx.plan.steps[stepIndex];
  return { weight: step.weight, minBakeSeconds: step.minBakeSeconds, maxBakeSeconds: step.maxBakeSeconds, minSamples: step.minSamples };
}
