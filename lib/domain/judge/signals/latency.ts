import { sumOf, type MinuteAggregate } from '../../aggregates';
import type { SignalResult, SignalStatus } from '../../verdict';
import { ms, pct } from '../format';
import { weightedPercentile, type SignalContext, type TargetWindow, countPath } from '../window';
import { binomialCountTest } from './count-test';
import { skipped } from './skipped';

/**
 * Below this many canary requests in the window the p99 guard stays quiet: a per-minute p99 of a
 * few hundred requests rests on a handful of tail samples, and the slow-request test already
 * covers that regime with controlled error rates.
 */
export const MIN_REQUESTS_FOR_P99_GUARD = 2000;

/**
 * A canary whose p99 exceeds the threshold T (baseline p99 × (1 + maxDegradation)) has at least 1%
 * of requests slower than T, whereas a healthy one has well under 1%. So 1% is the critical slow
 * rate, or twice the healthy rate when the baseline itself is already that slow.
 */
const CRITICAL_SLOW_RATE = 0.01;

/**
 * Latency as a count of slow requests (one binomial test for the whole distribution's tail), plus
 * an absolute guard on p99 that fails a grossly slower canary without waiting for the test.
 */
export function judgeLatency(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.latency;
  if (!policy.enabled) return skipped('latency', window.targetKey, 'latency: disabled by policy');
  const percentiles = percentileStatistics(window.canary, window.baseline);
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

  const test = binomialCountTest({
    canaryEvents: sumOf(window.canary, 'slowRequests'),
    canaryTrials: sumOf(window.canary, 'requests'),
    baselineEvents: sumOf(window.baseline, 'slowRequests'),
    baselineTrials: sumOf(window.baseline, 'requests'),
    alternative: (p0) => Math.max(CRITICAL_SLOW_RATE, 2 * p0),
    alpha: ctx.alpha,
    beta: ctx.beta,
    truncated: ctx.truncated,
    canaryPath: countPath(window.canary, (m) => ({ events: m.slowRequests, trials: m.requests })),
    eventName: 'SlowRequests',
  });
  const statistics = { ...test.statistics, ...percentiles };
  const thresholds = { ...test.thresholds, slowThresholdMs: window.slowThresholdMs, abortDegradation: policy.abortDegradation };
  const slow = `requests slower than ${ms(window.slowThresholdMs)}: ${test.summary}`;

  const guard = p99Guard(statistics, policy.abortDegradation);
  if (guard.degradation !== undefined) statistics.p99Degradation = guard.degradation;
  const status: SignalStatus = guard.fails ? 'fail' : test.status;
  const reason = guard.fails ? `latency: ${guard.reason}` : `latency: ${slow}`;
  return { signal: 'latency', targetKey: window.targetKey, status, statistics, thresholds, reason };
}

function percentileStatistics(canary: readonly MinuteAggregate[], baseline: readonly MinuteAggregate[]): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const [cohort, series] of [['canary', canary], ['baseline', baseline]] as const) {
    for (const [field, label] of [['p50Ms', 'P50Ms'], ['p90Ms', 'P90Ms'], ['p99Ms', 'P99Ms']] as const) {
      const value = weightedPercentile(series, field);
      if (value !== undefined) stats[`${cohort}${label}`] = value;
    }
  }
  return stats;
}

function p99Guard(stats: Record<string, number>, abortDegradation: number): { fails: boolean; degradation?: number; reason: string } {
  const canary = stats.canaryP99Ms;
  const baseline = stats.baselineP99Ms;
  if (canary === undefined || baseline === undefined || baseline <= 0) return { fails: false, reason: '' };
  const degradation = canary / baseline - 1;
  const enoughData = (stats.canaryRequests ?? 0) >= MIN_REQUESTS_FOR_P99_GUARD;
  return {
    fails: enoughData && degradation > abortDegradation,
    degradation,
    reason: `canary p99 ${ms(canary)} is ${pct(degradation)} above the baseline's ${ms(baseline)} (aborts above +${pct(abortDegradation)})`,
  };
}
