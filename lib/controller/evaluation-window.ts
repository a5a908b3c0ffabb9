import type { MetricQuery } from '../adapters/metrics/metric-provider';
import type { MinuteAggregate } from '../domain/aggregates';
import { ceilToMinute, floorToMinute } from '../domain/clock';
import type { TargetWindow } from '../domain/judge';
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

/** One batch of queries for every target: the metric provider turns it into one call. */
export function evaluationQueries(ctx: RolloutContext, window: EvaluationWindow): MetricQuery[] {
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

export function targetWindows(
  ctx: RolloutContext,
  window: EvaluationWindow,
  weight: number,
  results: ReadonlyMap<string, readonly MinuteAggregate[]>,
): TargetWindow[] {
  return ctx.targets.map(({ target }, i) => {
    const key = targetKey(target);
    const profile = ctx.plan.baselines[key] ?? {};
    return {
      targetKey: key,
      canary: results.get(`${i}:canary`) ?? [],
      baseline: results.get(`${i}:baseline`) ?? [],
      expectedCanaryShare: window.baseline.historical ? 1 : weight / 100,
      slowThresholdMs: profile.slowThresholdMs,
      preRolloutRequestsPerMinute: profile.requestsPerMinute,
    };
  });
}
