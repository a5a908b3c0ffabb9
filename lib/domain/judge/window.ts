import type { CustomPoint, MinuteAggregate } from '../aggregates';
import type { CustomMetric, Policy } from '../policy';
import type { CountSignal, TrafficHistory } from './requirements';

/**
 * One target's evidence at a look: both versions' minutes since the rollout's first step began
 * (the newest may still be filling), where each judged phase began, and what the plan asks of the
 * current one.
 */
export interface TargetWindow {
  readonly targetKey: string;
  readonly canary: readonly MinuteAggregate[];
  readonly baseline: readonly MinuteAggregate[];
  /** Share of requests the new version should get in the current phase (0..1). */
  readonly expectedCanaryShare: number;
  /** Start of the current phase: the traffic share, the p99 guard and the validation step look at its minutes. @default - the whole window */
  readonly phaseStart?: string;
  /** Start of each judged phase (weight above 0) begun so far, in order; the last is the current one when it is judged. */
  readonly judgedStarts: readonly string[];
  /** Minutes starting before this are whole in CloudWatch; newer ones may still be filling. @default - every minute is whole */
  readonly completeBefore?: string;
  /** Slow-request threshold used for slowRequests, or undefined when no baseline latency was known. */
  readonly slowThresholdMs?: number;
  /** Pre-rollout total requests per minute, for the traffic-drop warning; undefined when unknown. */
  readonly preRolloutRequestsPerMinute?: number;
  /** The stable version's p99 before the rollout: the p99 guard's reference once it serves nothing. */
  readonly preRolloutP99Ms?: number;
  /** The stable version before the rollout: the prior of every count signal's stable rate. */
  readonly history?: TrafficHistory;
  /** What the plan asks of the current phase. @default - nothing sized: any evidence passes, the critical effect is not required */
  readonly plan?: TargetPhasePlan;
}

/** The plan's part for one target at the current phase. */
export interface TargetPhasePlan {
  /** Judged phases in the whole plan: the change detector's prior over where a regression begins. */
  readonly judgedPhases: number;
  /** Each judged phase's name, for reasons ("since Partial (25%)"). */
  readonly phaseLabels?: readonly string[];
  readonly signals: Readonly<Partial<Record<CountSignal, PhaseSignalPlan>>>;
}

export interface PhaseSignalPlan {
  readonly stableRate: number;
  readonly critical: number;
  readonly own?: number;
  readonly pooled?: number;
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
  /** The false-rollback budget of each signal on this target (see signalAlphas). */
  readonly alphas: Readonly<Record<CountSignal | 'traffic', number>>;
  /** The policy's missed-regression rate: a regression is ruled out at 1/β. */
  readonly beta: number;
}

/** Minutes of the current phase only. */
export function phaseMinutes(series: readonly MinuteAggregate[], window: TargetWindow): readonly MinuteAggregate[] {
  const start = window.phaseStart;
  if (start === undefined) return series;
  const t = minuteTime(start);
  return series.filter((m) => minuteTime(m.minute) >= t);
}

/** Whole minutes only: traffic levels read from a minute still filling would look like a drop. */
export function wholeMinutes(series: readonly MinuteAggregate[], window: TargetWindow): readonly MinuteAggregate[] {
  const before = window.completeBefore;
  if (before === undefined) return series;
  const t = minuteTime(before);
  return series.filter((m) => minuteTime(m.minute) < t);
}

/**
 * Which judged phase a minute belongs to: the last one begun at or before it; -1 before the first
 * (the validation step's minutes, which count for the stable rate only).
 */
export function segmentLocator(starts: readonly string[]): (minute: string) => number {
  const times = starts.map(minuteTime);
  return (minute) => {
    const t = minuteTime(minute);
    let j = -1;
    while (j + 1 < times.length && times[j + 1] <= t) j++;
    return j;
  };
}

/**
 * Milliseconds of an ISO timestamp. The judge reads the same few hundred minutes at every look of
 * every signal, so parsed values are remembered (a bounded cache: minutes are few and repeat).
 */
export function minuteTime(minute: string): number {
  const cached = PARSED.get(minute);
  if (cached !== undefined) return cached;
  const t = Date.parse(minute);
  if (Number.isNaN(t)) throw new RangeError(`minute "${minute}" is not an ISO timestamp`);
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(minute, t);
  return t;
}

const PARSED = new Map<string, number>();
const PARSED_LIMIT = 50_000;

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
  return minuteTime(minute);
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
