import { sumOf, type MinuteAggregate } from '../../aggregates';
import type { SignalResult, SignalStatus } from '../../verdict';
import { ms, pct } from '../format';
import { signalPrior } from '../requirements';
import { phaseMinutes, weightedPercentile, type SignalContext, type TargetWindow } from '../window';
import { judgeCountSignal } from './count-signal';
import { skipped } from './skipped';

/**
 * Below this many canary requests in the phase the p99 guard stays quiet: a per-minute p99 of a
 * few hundred requests rests on a handful of tail samples, and the slow-request test already
 * covers that regime with a controlled error rate.
 */
export const MIN_REQUESTS_FOR_P99_GUARD = 2000;

/**
 * Latency as a count of slow requests (one count test for the whole distribution's tail), plus an
 * absolute guard on p99 that fails a grossly slower canary without waiting for the test.
 */
export function judgeLatency(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.latency;
  if (!policy.enabled) return skipped('latency', window.targetKey, 'latency: disabled by policy');
  const percentiles = percentileStatistics(phaseMinutes(window.canary, window), phaseMinutes(window.baseline, window), window.preRolloutP99Ms);
  if (window.slowThresholdMs === undefined) {
    return {
      signal: 'latency',
      targetKey: window.targetKey,
      status: 'no-data',
      statistics: percentiles,
      thresholds: {},
      reason: 'latency: no slow-request threshold (the baseline latency was unknown at preflight), so latency cannot be judged',
    };
  }

  const test = judgeCountSignal(window, ctx, {
    signal: 'latency',
    counts: (m) => ({ events: m.slowRequests, trials: m.requests }),
    prior: signalPrior(window.history, 'latency'),
    eventName: 'SlowRequests',
  });
  const statistics = { ...test.statistics, ...percentiles };
  const thresholds = { ...test.thresholds, slowThresholdMs: window.slowThresholdMs, abortDegradation: policy.abortDegradation };
  const slow = `requests slower than ${ms(window.slowThresholdMs)}: ${test.summary}`;

  const guard = p99Guard(statistics, sumOf(phaseMinutes(window.canary, window), 'requests'), policy.abortDegradation);
  if (guard.degradation !== undefined) statistics.p99Degradation = guard.degradation;
  const status: SignalStatus = guard.fails ? 'fail' : test.status;
  const reason = guard.fails ? `latency: ${guard.reason}` : `latency: ${slow}`;
  return { signal: 'latency', targetKey: window.targetKey, status, statistics, thresholds, reason };
}

/** The current phase's percentiles; the stable version's come from before the rollout once it serves nothing. */
function percentileStatistics(canary: readonly MinuteAggregate[], baseline: readonly MinuteAggregate[], preRolloutP99Ms: number | undefined): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const [cohort, series] of [['canary', canary], ['baseline', baseline]] as const) {
    for (const [field, label] of [['p50Ms', 'P50Ms'], ['p90Ms', 'P90Ms'], ['p99Ms', 'P99Ms']] as const) {
      const value = weightedPercentile(series, field);
      if (value !== undefined) stats[`${cohort}${label}`] = value;
    }
  }
  if (stats.baselineP99Ms === undefined && preRolloutP99Ms !== undefined) stats.baselineP99Ms = preRolloutP99Ms;
  return stats;
}

function p99Guard(stats: Record<string, number>, canaryRequests: number, abortDegradation: number): { fails: boolean; degradation?: number; reason: string } {
  const canary = stats.canaryP99Ms;
  const baseline = stats.baselineP99Ms;
  if (canary === undefined || baseline === undefined || baseline <= 0) return { fails: false, reason: '' };
  const degradation = canary / baseline - 1;
  return {
    fails: canaryRequests >= MIN_REQUESTS_FOR_P99_GUARD && degradation > abortDegradation,
    degradation,
    reason: `canary p99 ${ms(canary)} is ${pct(degradation)} above the baseline's ${ms(baseline)} (aborts above +${pct(abortDegradation)})`,
  };
}
