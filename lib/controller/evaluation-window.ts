import type { CustomMetricQuery, MetricBatch, MetricQuery, MetricResults } from '../adapters/metrics/metric-provider';
import { ceilToMinute, floorToMinute } from '../domain/clock';
import { WHOLE_RELEASE, type CustomMetricWindow, type TargetPhasePlan, type TargetWindow } from '../domain/judge';
import { judgedPhaseIndex } from '../domain/plan';
import { targetKey } from '../domain/targets';
import type { RolloutContext } from './rollout-context';

export interface EvaluationWindow {
  /** First minute read: the one in which the rollout's first phase began. */
  readonly from: Date;
  /** End of the minute in progress (exclusive): the newest minutes are read while CloudWatch is still filling them. */
  readonly to: Date;
  /** First whole minute of the current phase once its weight has reached the functions: what the traffic share, p99 and custom metrics look at. */
  readonly phaseStart: Date;
  /** Minutes before this are whole; newer ones may still grow. */
  readonly completeBefore: Date;
  /** Where each judged phase (weight above 0) begun so far began, in order. */
  readonly judgedStarts: readonly Date[];
  /** The plan's index of the current phase among the judged ones; -1 for a step it does not judge (0%). */
  readonly judgedPhase: number;
  /** Where a custom metric's stable-version series comes from: the same minutes, or before the rollout at 100%. */
  readonly customBaseline: { readonly from: Date; readonly to: Date };
}

/**
 * How long a flag change takes to reach the functions: the AppConfig Lambda extension polls every
 * 45 s by default. Until then some requests still see the old percentage, so the current phase's
 * own figures (the traffic share above all) start after it. A Lambda alias switches at once.
 */
export const FLAG_PROPAGATION_SECONDS = 45;

export interface PhasePosition {
  readonly phase: 'step' | 'final-bake';
  readonly stepIndex: number;
  readonly phaseStartedAt: Date;
  readonly weight: number;
}

/**
 * The window of one evaluation: everything since the rollout's first shift, so that evidence is
 * kept across steps. The counts of a minute only grow while CloudWatch fills it, and what has
 * arrived is an unbiased part of it, so the judge reads the newest minutes too.
 */
export function evaluationWindow(ctx: RolloutContext, position: PhasePosition, now: Date): EvaluationWindow {
  const starts = ctx.record.phaseStarts ?? [];
  const first = starts.length > 0 ? new Date(starts[0].at) : position.phaseStartedAt;
  const from = floorToMinute(first);
  const to = ceilToMinute(now);
  const propagation = ctx.targets.some((t) => t.target.kind === 'appconfig-flag') ? FLAG_PROPAGATION_SECONDS : 0;
  const phaseStart = ceilToMinute(new Date(position.phaseStartedAt.getTime() + propagation * 1000));
  const completeBefore = floorToMinute(new Date(now.getTime() - ctx.request.policy.metricDelaySeconds * 1000));
  const judgedStarts = starts.filter((s) => s.weight > 0).map((s) => floorToMinute(new Date(s.at)));
  const judgedPhase = judgedPhaseIndex(ctx.plan, position.phase, position.stepIndex);
  if (position.weight < 100) return { from, to, phaseStart, completeBefore, judgedStarts, judgedPhase, customBaseline: { from: phaseStart, to } };
  // At 100% the stable version serves nothing: a custom metric compares with the same length of time before the rollout.
  const rolloutStart = floorToMinute(new Date(ctx.record.createdAt));
  const length = Math.max(0, to.getTime() - phaseStart.getTime());
  return { from, to, phaseStart, completeBefore, judgedStarts, judgedPhase, customBaseline: { from: new Date(rolloutStart.getTime() - length), to: rolloutStart } };
}

/** One batch of queries for every signal of every target: the metric provider turns it into one call. */
export function evaluationBatch(ctx: RolloutContext, window: EvaluationWindow): MetricBatch {
  return { golden: goldenQueries(ctx, window), custom: customQueries(ctx, window) };
}

function goldenQueries(ctx: RolloutContext, window: EvaluationWindow): MetricQuery[] {
  return ctx.targets.flatMap(({ target, captured }, i) => {
    const slowThresholdMs = ctx.plan.baselines[captured.targetKey]?.slowThresholdMs;
    const query = (cohort: 'canary' | 'baseline', version: string): MetricQuery => ({ id: `${i}:${cohort}`, target, cohort, version, from: window.from, to: window.to, slowThresholdMs });
    return [query('canary', captured.newVersion), query('baseline', captured.stableVersion)];
  });
}

/**
 * A custom metric with a version dimension is read per target, for both versions (the stable one
 * from before the rollout at 100%); one without is read once, as a whole, over the current phase.
 */
function customQueries(ctx: RolloutContext, window: EvaluationWindow): CustomMetricQuery[] {
  return ctx.request.policy.customMetrics.flatMap((metric, m): CustomMetricQuery[] => {
    if (!metric.versionDimension) return [{ id: `custom${m}`, metric, from: window.phaseStart, to: window.to }];
    return ctx.targets.flatMap(({ captured }, i) => [
      { id: `custom${m}:${i}:canary`, metric, version: captured.newVersion, from: window.phaseStart, to: window.to },
      { id: `custom${m}:${i}:baseline`, metric, version: captured.stableVersion, from: window.customBaseline.from, to: window.customBaseline.to },
    ]);
  });
}

export function customWindows(ctx: RolloutContext, results: MetricResults): CustomMetricWindow[] {
  return ctx.request.policy.customMetrics.flatMap((metric, m): CustomMetricWindow[] => {
    if (!metric.versionDimension) return [{ metric, targetKey: WHOLE_RELEASE, canary: results.custom.get(`custom${m}`) ?? [] }];
    return ctx.targets.map(({ captured }, i) => ({
      metric,
      targetKey: captured.targetKey,
      canary: results.custom.get(`custom${m}:${i}:canary`) ?? [],
      baseline: results.custom.get(`custom${m}:${i}:baseline`) ?? [],
    }));
  });
}

export function targetWindows(ctx: RolloutContext, window: EvaluationWindow, weight: number, results: MetricResults): TargetWindow[] {
  return ctx.targets.map(({ target }, i) => {
    const key = targetKey(target);
    const profile = ctx.plan.baselines[key] ?? {};
    return {
      targetKey: key,
      canary: results.golden.get(`${i}:canary`) ?? [],
      baseline: results.golden.get(`${i}:baseline`) ?? [],
      expectedCanaryShare: weight / 100,
      phaseStart: window.phaseStart.toISOString(),
      judgedStarts: window.judgedStarts.map((d) => d.toISOString()),
      completeBefore: window.completeBefore.toISOString(),
      slowThresholdMs: profile.slowThresholdMs,
      preRolloutRequestsPerMinute: profile.requestsPerMinute,
      preRolloutP99Ms: profile.p99Ms,
      history: profile.history,
      plan: phasePlan(ctx, i, window.judgedPhase),
    };
  });
}

/** What the plan asks of target `i` in the current judged phase. */
function phasePlan(ctx: RolloutContext, i: number, judgedPhase: number): TargetPhasePlan | undefined {
  const requirements = ctx.plan.requirements?.[i];
  if (!requirements || judgedPhase < 0) return undefined;
  const signals: Record<string, TargetPhasePlan['signals'][keyof TargetPhasePlan['signals']]> = {};
  for (const [signal, plan] of Object.entries(requirements.signals)) {
    const phase = plan.phases[judgedPhase];
    signals[signal] = { stableRate: plan.stableRate, critical: plan.critical, own: phase?.own, pooled: phase?.pooled };
  }
  return { judgedPhases: ctx.plan.judgedPhases.length, phaseLabels: ctx.plan.judgedPhases.map((p) => `${p.name} (${p.weight}%)`), signals };
}
