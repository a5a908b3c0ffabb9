import type { CustomPoint, MinuteAggregate } from '../aggregates';
import type { CustomMetric, Policy } from '../policy';

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

/** The targetKey of a signal about the whole release: alarms, and custom metrics without a version dimension. */
export const WHOLE_RELEASE = '*';

/**
 * One custom metric over the evaluation window. With a version dimension it is read per target:
 * the canary's and the baseline's series; without, once, as a whole (`baseline` absent).
 */
export interface CustomMetricWindow {
  readonly metric: CustomMetric;
  /** The target it was read for, or WHOLE_RELEASE (`*`) for a metric judged as a whole. */
  readonly targetKey: string;
  readonly canary: readonly CustomPoint[];
  readonly baseline?: readonly CustomPoint[];
}

/** What every signal needs besides its window. */
export interface SignalContext {
  readonly policy: Policy;
  /** α of each sequential test. */
  readonly alpha: number;
  /** β of each sequential test: the policy's missed-regression rate. */
  readonly beta: number;
  /** The step has reached its max bake: undecided count tests are truncated (see binomialCountTest). */
  readonly truncated: boolean;
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
  const minutes = series.flat().map((m) => m.minute);
  if (minutes.length === 0) return 0;
  // UTC ISO timestamps sort as text, so only the two ends need parsing; this runs on every look.
  const utc = minutes.every((m) => m.endsWith('Z'));
  const times = utc ? [textMin(minutes), textMax(minutes)].map(parseMinute) : minutes.map(parseMinute);
  return Math.round((Math.max(...times) - Math.min(...times)) / 60_000) + 1;
}

function parseMinute(minute: string): number {
  const t = Date.parse(minute);
  if (Number.isNaN(t)) throw new RangeError(`minute "${minute}" is not an ISO timestamp`);
  return t;
}

function textMin(values: readonly string[]): string {
  return values.reduce((a, b) => (b < a ? b : a));
}

function textMax(values: readonly string[]): string {
  return values.reduce((a, b) => (b > a ? b : a));
}

/** Throws on counts no metric source can produce, so a data bug surfaces as an `error` verdict. */
export function assertValidSeries(series: readonly MinuteAggregate[], label: string): void {
  // One pass, and `>= 0` rather than Number.isFinite per value: this runs on every look, and
  // NaN fails the comparison anyway. An infinite count shows up as an infinite total below.
  const totals = { requests: 0, errors: 0, throttles: 0, slowRequests: 0 };
  for (const m of series) {
    if (!(m.requests >= 0 && m.errors >= 0 && m.throttles >= 0 && m.slowRequests >= 0)) {
      throw new RangeError(`${label} at ${m.minute} has a count that is not ≥ 0: ${JSON.stringify(m)}`);
    }
    totals.requests += m.requests;
    totals.errors += m.errors;
    totals.throttles += m.throttles;
    totals.slowRequests += m.slowRequests;
  }
  for (const [field, total] of Object.entries(totals)) {
    if (!Number.isFinite(total)) throw new RangeError(`${label} ${field} must be finite counts; the window sums to ${total}`);
  }
  // Checked over the window, not per minute: CloudWatch may file a request and its error a minute apart.
  for (const field of ['errors', 'slowRequests'] as const) {
    if (totals[field] > totals.requests) throw new RangeError(`${label} has more ${field} (${totals[field]}) than requests (${totals.requests}) over the window`);
  }
}

/** One minute's contribution to a count test, for replaying the test minute by minute. */
export interface CountIncrement {
  readonly events: number;
  readonly trials: number;
}

/** The canary's per-minute counts in time order: the path a sequential test walked, look by look. */
export function countPath(series: readonly MinuteAggregate[], count: (m: MinuteAggregate) => CountIncrement): CountIncrement[] {
  return [...series].sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0)).map(count);
}
