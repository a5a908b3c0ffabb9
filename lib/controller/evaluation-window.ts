import type { CustomMetricQuery, MetricBatch, MetricQuery, MetricResults } from '../adapters/metrics/metric-provider';
import { ceilToMinute, floorToMinute } from '../domain/clock';
import { WHOLE_RELEASE, type CustomMetricWindow, type TargetWindow } from '../domain/judge';
import { targetKey } from '../domain/targets';
import type { RolloutContext } from './rollout-context';

export interface EvaluationWindow {
  /** First judged minute (inclusive). */
  readonly from: Date;
  /** End of the last judged minute (exclusive): the newest complete, published minute. */
  readonly to: Date;
  /** Where the baseline comes from: the stable version now, or its pre-rollout history at 100%. */
  readonly baseline: { readonly from: Date; readonly to: Date; readonly historical: boolean };
}

/**
 * The window an evaluation judges. It starts at the first whole minute after the shift (a minute
 * split between two weights would mix them) and ends before the newest minutes, which CloudWatch
 * has not finished publishing.
 */
export function evaluationWindow(ctx: RolloutContext, phaseStartedAt: Date, weight: number, now: Date): EvaluationWindow {
  const from = ceilToMinute(phaseStartedAt);
  const latest = floorToMinute(new Date(now.getTime() - ctx.request.policy.metricDelaySeconds * 1000));
  const to = latest > from ? latest : from;
  if (weight < 100) return { from, to, baseline: { from, to, historical: false } };
  // At 100% the stable version serves nothing: compare with the same length of time before the rollout.
  const rolloutStart = floorToMinute(new Date(ctx.record.createdAt));
  const length = to.getTime() - from.getTime();
  return { from, to, baseline: { from: new Date(rolloutStart.getTime() - length), to: rolloutStart, historical: true } };
}

/** One batch of queries for every signal of every target: the metric provider turns it into one call. */
export function evaluationBatch(ctx: RolloutContext, window: EvaluationWindow): MetricBatch {
  return { golden: goldenQueries(ctx, window), custom: customQueries(ctx, window) };
}

function goldenQueries(ctx: RolloutContext, window: EvaluationWindow): MetricQuery[] {
  return ctx.targets.flatMap(({ target, captured }, i) => {
    const slowThresholdMs = ctx.plan.baselines[captured.targetKey]?.slowThresholdMs;
    return [
      { id: `${i}:canary`, target, cohort: 'canary', version: captured.newVersion, from: window.from, to: window.to, slowThresholdMs },
      {
        id: `${i}:baseline`,
        target,
        cohort: 'baseline',
        version: captured.stableVersion,
        from: window.baseline.from,
        to: window.baseline.to,
        slowThresholdMs,
      },
    ] satisfies MetricQuery[];
  });
}

/**
 * A custom metric with a version dimension is read per target, for both versions (the baseline
 * from history at 100%); one without is read once, as a whole, over the canary's window.
 */
function customQueries(ctx: RolloutContext, window: EvaluationWindow): CustomMetricQuery[] {
  return ctx.request.policy.customMetrics.flatMap((metric, m): CustomMetricQuery[] => {
    if (!metric.versionDimension) return [{ id: `custom${m}`, metric, from: window.from, to: window.to }];
    return ctx.targets.flatMap(({ captured }, i) => [
      { id: `custom${m}:${i}:canary`, metric, version: captured.newVersion, from: window.from, to: window.to },
      { id: `custom${m}:${i}:baseline`, metric, version: captured.stableVersion, from: window.baseline.from, to: window.baseline.to },
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
      expectedCanaryShare: window.baseline.historical ? 1 : weight / 100,
      slowThresholdMs: profile.slowThresholdMs,
      preRolloutRequestsPerMinute: profile.requestsPerMinute,
    };
  });
}
