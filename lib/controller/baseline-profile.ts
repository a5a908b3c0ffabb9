import type { MetricProvider } from '../adapters/metrics/metric-provider';
import { floorToMinute, MINUTE_MS } from '../domain/clock';
import type { Policy } from '../domain/policy';
import type { BaselineProfile, TargetContext } from './rollout-context';

/** How much stable-version history preflight reads to set the latency threshold and the traffic level. */
export const BASELINE_LOOKBACK_MINUTES = 30;

/**
 * Measures each target's stable version before traffic moves. The slow-request threshold is fixed
 * here, once, because CloudWatch's percentile-rank query needs it up front (`PR(:T)`).
 */
export async function measureBaselines(
  metrics: MetricProvider,
  policy: Policy,
  targets: readonly TargetContext[],
  now: Date,
): Promise<Record<string, BaselineProfile>> {
  const to = floorToMinute(new Date(now.getTime() - policy.metricDelaySeconds * 1000));
  const from = new Date(to.getTime() - BASELINE_LOOKBACK_MINUTES * MINUTE_MS);
  const { golden: results } = await metrics.fetch({
    golden: targets.map(({ target, captured }, i) => ({ id: String(i), target, cohort: 'baseline', version: captured.stableVersion, from, to })),
  });
  return Object.fromEntries(
    targets.map(({ captured }, i) => {
      const minutes = results.get(String(i)) ?? [];
      const requests = minutes.reduce((t, m) => t + m.requests, 0);
      const withP99 = minutes.filter((m) => m.p99Ms !== undefined && m.requests > 0);
      const weight = withP99.reduce((t, m) => t + m.requests, 0);
      const p99Ms = weight > 0 ? withP99.reduce((t, m) => t + (m.p99Ms as number) * m.requests, 0) / weight : undefined;
      const profile: BaselineProfile = {
        requestsPerMinute: requests > 0 ? requests / BASELINE_LOOKBACK_MINUTES : undefined,
        p99Ms,
        slowThresholdMs: policy.latency.thresholdMs ?? (p99Ms !== undefined ? p99Ms * (1 + policy.latency.maxDegradation) : undefined),
      };
      return [captured.targetKey, profile];
    }),
  );
}
