import type { MetricProvider, MetricQuery } from '../adapters/metrics/metric-provider';
import { floorToMinute, MINUTE_MS } from '../domain/clock';
import type { MinuteAggregate } from '../domain/aggregates';
import type { TrafficHistory } from '../domain/judge';
import type { Policy } from '../domain/policy';
import { recorded } from './recorded-minutes';
import type { BaselineProfile, TargetContext } from './rollout-context';

/**
 * How much stable-version history preflight reads. It sets the latency threshold and the traffic
 * level, and it is the prior of every stable rate the judge estimates: an hour is long enough to
 * know a busy function's rates well, and short enough to be the same time of day.
 */
export const BASELINE_LOOKBACK_MINUTES = 60;

/** Minutes of the lookback the report draws before the first shift, for context. */
export const LEAD_IN_MINUTES = 10;

/**
 * Measures each target's stable version before traffic moves, over whole minutes only. The
 * slow-request threshold is fixed here, once, because CloudWatch's percentile-rank query needs it
 * up front (`PR(:T)`): a second read counts the history's slow requests at that threshold.
 */
export async function measureBaselines(
  metrics: MetricProvider,
  policy: Policy,
  targets: readonly TargetContext[],
  now: Date,
): Promise<Record<string, BaselineProfile>> {
  const to = floorToMinute(new Date(now.getTime() - policy.metricDelaySeconds * 1000));
  const from = new Date(to.getTime() - BASELINE_LOOKBACK_MINUTES * MINUTE_MS);
  const query = (slowThresholds: readonly (number | undefined)[]) =>
    metrics.fetch({
      golden: targets.map(({ target, captured }, i): MetricQuery => ({ id: String(i), target, cohort: 'baseline', version: captured.stableVersion, from, to, slowThresholdMs: slowThresholds[i] })),
    });

  const fixed = policy.latency.thresholdMs;
  const { golden: first } = await query(targets.map(() => fixed));
  const p99s = targets.map((_, i) => weightedP99(first.get(String(i)) ?? []));
  const thresholds = p99s.map((p99) => fixed ?? (p99 !== undefined ? p99 * (1 + policy.latency.maxDegradation) : undefined));
  const needsSlowCounts = fixed === undefined && thresholds.some((t) => t !== undefined);
  const { golden: withSlow } = needsSlowCounts ? await query(thresholds) : { golden: first };

  return Object.fromEntries(
    targets.map(({ captured }, i) => {
      const minutes = withSlow.get(String(i)) ?? [];
      const history = historyOf(minutes);
      const profile: BaselineProfile = {
        requestsPerMinute: history.requests > 0 ? history.requests / BASELINE_LOOKBACK_MINUTES : undefined,
        p99Ms: p99s[i],
        slowThresholdMs: thresholds[i],
        history,
        leadIn: minutes.slice(-LEAD_IN_MINUTES).map(recorded),
      };
      return [captured.targetKey, profile];
    }),
  );
}

function historyOf(minutes: readonly MinuteAggregate[]): TrafficHistory {
  const sum = (field: 'requests' | 'errors' | 'slowRequests' | 'throttles') => minutes.reduce((t, m) => t + m[field], 0);
  return { minutes: BASELINE_LOOKBACK_MINUTES, requests: sum('requests'), errors: sum('errors'), slowRequests: sum('slowRequests'), throttles: sum('throttles') };
}

/** Request-weighted p99 of the history, or undefined when it had no traffic. */
function weightedP99(minutes: readonly MinuteAggregate[]): number | undefined {
  const withP99 = minutes.filter((m) => m.p99Ms !== undefined && m.requests > 0);
  const weight = withP99.reduce((t, m) => t + m.requests, 0);
  return weight > 0 ? withP99.reduce((t, m) => t + (m.p99Ms as number) * m.requests, 0) / weight : undefined;
}
