import type { MinuteAggregate } from '../../domain/aggregates';
import { binomialQuantile, lognormalMean, lognormalQuantile, lognormalSurvival, Prng } from './prng';
import type { VersionBehaviour } from './traffic-model';

/**
 * The fleet routes, regresses and publishes traffic in ten-second slices. Lambda routes every
 * request on its own, and CloudWatch fills a minute's datapoint as the records arrive, so a minute
 * is the sum of its slices, and each slice becomes visible, whole, once its own delay has passed.
 * What is visible of a minute is then an unbiased part of it, and its counts only grow.
 */
export const SLICES_PER_MINUTE = 6;
export const SLICE_MS = 60_000 / SLICES_PER_MINUTE;
const SLICE_SECONDS = SLICE_MS / 1000;

/** Up to this many requests in a slice, latencies are drawn one by one (so slow counts agree with the percentiles). */
const MAX_SAMPLED_PER_SLICE = 40;

const PERCENTILES = [0.5, 0.9, 0.99] as const;

/** One cohort's traffic in one slice. */
export interface CohortSlice {
  /** Requests routed to the cohort, throttled or not. */
  readonly routed: number;
  readonly requests: number;
  readonly errors: number;
  readonly throttles: number;
  readonly behaviour: VersionBehaviour;
  /** Sorted latencies when the slice had few requests. */
  readonly sampled: Float64Array | null;
  /** The uniform behind the slow-request count: fixed per slice, so the count never rises with the threshold. */
  readonly slowUniform: number;
  /** Slow counts already drawn, by threshold: the judge asks for the same threshold at every look. */
  readonly slowByThreshold: Map<number, number>;
}

export interface SliceInput {
  readonly seed: number;
  readonly targetKey: string;
  /** Slices since the Unix epoch. */
  readonly slice: number;
  /** Mean total requests per second during the slice. */
  readonly rps: number;
  /** Share of requests routed to the new version, 0–1. */
  readonly canaryShare: number;
  readonly canary: VersionBehaviour;
  readonly stable: VersionBehaviour;
  readonly concurrencyLimit: number;
}

/** Draws one slice of both cohorts. Pure: the same input always gives the same slice. */
export function drawSlice(input: SliceInput): { readonly canary: CohortSlice; readonly baseline: CohortSlice } {
  const { seed, targetKey, slice } = input;
  const total = Prng.for(seed, targetKey, slice, 'total').poisson(input.rps * SLICE_SECONDS);
  // Lambda routes each request at random, so the canary's share varies around its weight.
  const canaryRouted = Prng.for(seed, targetKey, slice, 'split').binomial(total, input.canaryShare);
  const routed = { canary: canaryRouted, baseline: total - canaryRouted };
  // Little's law over both versions: demand above the concurrency limit is throttled.
  const demand = meanConcurrency(routed.canary, input.canary) + meanConcurrency(routed.baseline, input.stable);
  const overload = demand > input.concurrencyLimit ? 1 - input.concurrencyLimit / demand : 0;
  const cohort = (name: 'canary' | 'baseline', count: number, behaviour: VersionBehaviour): CohortSlice => {
    const stream = (purpose: string) => Prng.for(seed, targetKey, slice, name, purpose);
    const throttleProbability = 1 - (1 - behaviour.throttleRate) * (1 - overload);
    // Throttled requests never run: Lambda counts them in Throttles, not in Invocations.
    const throttles = stream('throttles').binomial(count, throttleProbability);
    const requests = count - throttles;
    const errors = stream('errors').binomial(requests, behaviour.errorRate);
    let sampled: Float64Array | null = null;
    if (requests <= MAX_SAMPLED_PER_SLICE) {
      const rng = stream('latency');
      sampled = new Float64Array(requests);
      for (let i = 0; i < requests; i++) sampled[i] = rng.lognormal(behaviour.latency.medianMs, behaviour.latency.sigma);
      sampled.sort();
    }
    return { routed: count, requests, errors, throttles, behaviour, sampled, slowUniform: stream('slow').next(), slowByThreshold: new Map() };
  };
  return { canary: cohort('canary', routed.canary, input.canary), baseline: cohort('baseline', routed.baseline, input.stable) };
}

/** Requests of a slice slower than the threshold. */
export function slowRequests(slice: CohortSlice, thresholdMs: number): number {
  if (slice.sampled) return countAbove(slice.sampled, thresholdMs);
  const cached = slice.slowByThreshold.get(thresholdMs);
  if (cached !== undefined) return cached;
  const { medianMs, sigma } = slice.behaviour.latency;
  const slow = binomialQuantile(slice.requests, lognormalSurvival(thresholdMs, medianMs, sigma), slice.slowUniform);
  slice.slowByThreshold.set(thresholdMs, slow);
  return slow;
}

export interface MinuteContext {
  readonly seed: number;
  readonly targetKey: string;
  /** Minutes since the Unix epoch. */
  readonly minute: number;
  readonly cohort: 'canary' | 'baseline';
  readonly concurrencyLimit: number;
}

/**
 * A minute as CloudWatch would report it from the slices that have arrived: counts are sums;
 * percentiles are exact when every slice kept its latencies, otherwise quantiles of the busiest
 * slice's distribution with the sampling noise of the requests seen. Undefined when no request
 * was routed to the cohort in those slices (CloudWatch has no datapoint then).
 */
export function aggregateSlices(ctx: MinuteContext, slices: readonly CohortSlice[], slowThresholdMs: number | undefined): MinuteAggregate | undefined {
  let routed = 0;
  let requests = 0;
  let errors = 0;
  let throttles = 0;
  let slow = 0;
  let allSampled = true;
  let busiest: CohortSlice | undefined;
  let peakRate = 0;
  for (const s of slices) {
    routed += s.routed;
    requests += s.requests;
    errors += s.errors;
    throttles += s.throttles;
    if (slowThresholdMs !== undefined) slow += slowRequests(s, slowThresholdMs);
    if (!s.sampled) allSampled = false;
    if (!busiest || s.requests > busiest.requests) busiest = s;
    peakRate = Math.max(peakRate, meanConcurrency(s.requests, s.behaviour));
  }
  if (routed === 0 || !busiest) return undefined;
  const stream = (purpose: string) => Prng.for(ctx.seed, ctx.targetKey, ctx.minute, ctx.cohort, purpose);
  const base = { minute: new Date(ctx.minute * 60_000).toISOString(), requests, errors, throttles, slowRequests: slow };
  if (requests === 0) return base;
  const [p50Ms, p90Ms, p99Ms] = allSampled ? exactPercentiles(slices, requests) : approximatePercentiles(busiest.behaviour, requests, stream('percentiles'));
  // Peak concurrency in the minute: the busiest slice's Little's-law mean plus a Poisson-like peak margin.
  const peak = peakRate + Math.sqrt(peakRate) * (2 + 0.25 * stream('concurrency').normal());
  const concurrency = Math.min(ctx.concurrencyLimit, Math.max(1, Math.ceil(peak)));
  return { ...base, p50Ms: round2(p50Ms), p90Ms: round2(Math.max(p50Ms, p90Ms)), p99Ms: round2(Math.max(p50Ms, p90Ms, p99Ms)), concurrency };
}

function exactPercentiles(slices: readonly CohortSlice[], requests: number): [number, number, number] {
  const all = new Float64Array(requests);
  let at = 0;
  for (const s of slices) {
    all.set(s.sampled as Float64Array, at);
    at += (s.sampled as Float64Array).length;
  }
  all.sort();
  return PERCENTILES.map((q) => all[Math.ceil(q * requests) - 1]) as [number, number, number];
}

/** The empirical q-quantile of n draws sits at F⁻¹(q ± sqrt(q(1-q)/n)): the noise shrinks as more of the minute arrives. */
function approximatePercentiles(behaviour: VersionBehaviour, requests: number, rng: Prng): [number, number, number] {
  return PERCENTILES.map((q) => {
    const noisy = q + Math.sqrt((q * (1 - q)) / requests) * rng.normal();
    const clamped = Math.min(1 - 0.5 / requests, Math.max(0.5 / requests, noisy));
    return lognormalQuantile(clamped, behaviour.latency.medianMs, behaviour.latency.sigma);
  }) as [number, number, number];
}

/** Mean concurrent executions for `requests` in one slice: arrival rate × mean duration. */
function meanConcurrency(requests: number, behaviour: VersionBehaviour): number {
  return (requests / SLICE_SECONDS) * (lognormalMean(behaviour.latency.medianMs, behaviour.latency.sigma) / 1000);
}

/** Count of sorted values strictly above `threshold`, by binary search. */
function countAbove(sorted: Float64Array, threshold: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= threshold) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
