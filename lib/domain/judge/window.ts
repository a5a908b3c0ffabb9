import { sumOf, type MinuteAggregate } from '../aggregates';
import type { Policy } from '../policy';

/** One target's evaluation window: both cohorts over the same minutes (or a historical baseline at 100%). */
export interface TargetWindow {
  readonly targetKey: string;
  readonly canary: readonly MinuteAggregate[];
  readonly baseline: readonly MinuteAggregate[];
  /** Share of requests the canary should get (0..1). 1 means the baseline series is historical (pre-rollout window). */
  readonly expectedCanaryShare: number;
  /** Slow-request threshold used for slowRequests, or undefined when no baseline latency was known. */
  readonly slowThresholdMs?: number;
  /** Pre-rollout total requests per minute, for the traffic-drop warning; undefined when unknown. */
  readonly preRolloutRequestsPerMinute?: number;
}

/** What every signal needs besides its window. */
export interface SignalContext {
  readonly policy: Policy;
  /** α of each sequential test. */
  readonly alpha: number;
  /** β of each sequential test: the policy's missed-regression rate. */
  readonly beta: number;
}

/** The baseline shares the canary's minutes unless it is the pre-rollout history of a 100% step. */
export function baselineIsHistorical(window: TargetWindow): boolean {
  return window.expectedCanaryShare >= 1;
}

/**
 * Request-weighted mean of a per-minute percentile. Weighting keeps a near-empty minute, whose
 * percentile is a single request's latency, from counting as much as a busy one.
 */
export function weightedPercentile(series: readonly MinuteAggregate[], field: 'p50Ms' | 'p90Ms' | 'p99Ms'): number | undefined {
  let weight = 0;
  let total = 0;
  for (const m of series) {
    const value = m[field];
    if (value === undefined || m.requests <= 0) continue;
    weight += m.requests;
    total += m.requests * value;
  }
  return weight > 0 ? total / weight : undefined;
}

/**
 * Minutes from the first to the last minute seen, inclusive. CloudWatch omits minutes without
 * invocations, so counting data points would make a quiet window look busier than it was.
 */
export function spanMinutes(...series: (readonly MinuteAggregate[])[]): number {
  let first = Infinity;
  let last = -Infinity;
  for (const m of series.flat()) {
    const t = Date.parse(m.minute);
    if (Number.isNaN(t)) throw new RangeError(`minute "${m.minute}" is not an ISO timestamp`);
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  return first > last ? 0 : Math.round((last - first) / 60_000) + 1;
}

/** Throws on counts no metric source can produce, so a data bug surfaces as an `error` verdict. */
export function assertValidSeries(series: readonly MinuteAggregate[], label: string): void {
  for (const m of series) {
    for (const field of ['requests', 'errors', 'throttles', 'slowRequests'] as const) {
      const value = m[field];
      if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${label} ${field} at ${m.minute} must be a count ≥ 0; got ${value}`);
    }
  }
  // Checked over the window, not per minute: CloudWatch may file a request and its error a minute apart.
  const requests = sumOf(series, 'requests');
  for (const field of ['errors', 'slowRequests'] as const) {
    const n = sumOf(series, field);
    if (n > requests) throw new RangeError(`${label} has more ${field} (${n}) than requests (${requests}) over the window`);
  }
}
