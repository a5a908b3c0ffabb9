import { normalCdf } from '../normal';
import { failureRatios, ruleOutAlternatives } from './evidence';

/**
 * Power calculations for the plan: what a number of new-version requests can establish. They use
 * the judge's own decision rules with the stable rate taken as known, as the rule-out test takes
 * it; the change detector, which learns the rate, gets the requests discounted for what the rate
 * is still uncertain by. Poisson counts are exact here, so the figures hold at a handful of
 * events too. The judge never relies on these numbers for its guarantees (those come from Ville's
 * inequality); the plan uses them to size each step's requirement to what its traffic can
 * establish, and to warn when it cannot.
 */

export interface SizingInput {
  /** Expected new-version trials (requests, or attempts for throttles). */
  readonly trials: number;
  /** The stable version's rate of the signal's events. */
  readonly stableRate: number;
  /** Stable-version trials behind that rate (history plus the rollout's own); fewer make it less certain. */
  readonly stableTrials: number;
}

/**
 * Requests whose evidence counts once the stable rate's own uncertainty is allowed for: with the
 * stable version seen B times, n new-version requests are worth about n·B/(B + n) with a known rate.
 */
export function effectiveTrials(input: SizingInput): number {
  const { trials, stableTrials } = input;
  if (trials <= 0) return 0;
  return stableTrials <= 0 ? 0 : (trials * stableTrials) / (stableTrials + trials);
}

/** Chance that a healthy new version has ruled out a regression of `ratio` with these trials. */
export function ruleOutChance(input: SizingInput, ratio: number, beta: number): number {
  if (!(ratio > 1)) return 0;
  const mean = input.trials * input.stableRate;
  if (mean <= 0) return 0;
  // Only the "healthy" alternative is counted: ln E ≈ ln w₁ + mean·(k − 1) − C·ln k, ruled out at ln(1/β).
  const healthy = ruleOutAlternatives(ratio)[0].weight;
  const maxEvents = Math.floor((mean * (ratio - 1) + Math.log(healthy) - Math.log(1 / beta)) / Math.log(ratio));
  return maxEvents < 0 ? 0 : poissonCdf(maxEvents, mean);
}

/**
 * The smallest regression, at or above `floor`, that a healthy new version rules out with
 * probability at least `confidence`; undefined when no regression up to a 100% rate can be.
 */
export function smallestRuledOut(input: SizingInput, floor: number, beta: number, confidence: number): number | undefined {
  const ceiling = 1 / Math.max(input.stableRate, 1e-12);
  if (ruleOutChance(input, floor, beta) >= confidence) return floor;
  if (floor >= ceiling || ruleOutChance(input, ceiling, beta) < confidence) return undefined;
  return bisect(floor, ceiling, (k) => ruleOutChance(input, k, beta) >= confidence);
}

export interface CatchInput extends SizingInput {
  /** The signal's false-rollback budget: the change detector acts at 1/α. */
  readonly alpha: number;
  /** The critical ratio: the detector's smallest alternative. */
  readonly critical: number;
  /** Prior weight of a regression beginning at this step. */
  readonly startWeight: number;
}

/** Chance that a new version `ratio` times worse is caught within these trials (regressed throughout them). */
export function catchChance(input: CatchInput, ratio: number): number {
  const n = effectiveTrials(input);
  const p = input.stableRate;
  if (n <= 0 || p <= 0) return 0;
  const mean = ratio * n * p;
  let best = 0;
  for (const { ratio: k, weight } of failureRatios(input.critical, p)) {
    if (!(k > 1)) continue;
    const needed = Math.ceil((Math.log(1 / input.alpha) - Math.log(input.startWeight * weight) + n * p * (k - 1)) / Math.log(k));
    best = Math.max(best, 1 - poissonCdf(needed - 1, mean));
  }
  return best;
}

/** The smallest regression (rate ratio) caught with probability at least `confidence`; undefined when none up to a 100% rate is. */
export function smallestCaught(input: CatchInput, confidence: number): number | undefined {
  const ceiling = 1 / Math.max(input.stableRate, 1e-12);
  const floor = Math.min(input.critical, ceiling);
  if (catchChance(input, floor) >= confidence) return floor;
  if (catchChance(input, ceiling) < confidence) return undefined;
  return bisect(floor, ceiling, (k) => catchChance(input, k) >= confidence);
}

/**
 * Expected excess events (errors above the stable rate, or slow requests) a regression of `ratio`
 * causes before the change detector acts, at `trialsPerMinute`, plus those served while the
 * metrics arrive (`lagMinutes`). Undefined when it would not be caught within `maxTrials`.
 */
export function expectedExcessEvents(input: CatchInput, ratio: number, trialsPerMinute: number, lagMinutes: number, maxTrials: number): number | undefined {
  const p = input.stableRate;
  if (!(trialsPerMinute > 0) || p <= 0) return undefined;
  // The fewest trials after which a regression this size is caught as often as not.
  const half = bisectTrials(maxTrials, (n) => catchChance({ ...input, trials: n }, ratio) >= 0.5);
  if (half === undefined) return undefined;
  return (half + lagMinutes * trialsPerMinute) * (ratio - 1) * p;
}

/** Trials after which a healthy new version has ruled out `ratio` with probability `confidence`; undefined beyond `maxTrials`. */
export function trialsToRuleOut(input: Omit<SizingInput, 'trials'>, ratio: number, beta: number, confidence: number, maxTrials: number): number | undefined {
  return bisectTrials(maxTrials, (n) => ruleOutChance({ ...input, trials: n }, ratio, beta) >= confidence);
}

/**
 * P(X ≤ k) for X ~ Poisson(mean): summed exactly for small means, and by Wilson and Hilferty's
 * cube-root approximation of the equivalent gamma tail beyond (within a fraction of a percent
 * there, and O(1): the plan evaluates it thousands of times).
 */
export function poissonCdf(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  if (mean > EXACT_POISSON_MEAN) {
    const n = Math.floor(k) + 1;
    const z = 3 * Math.sqrt(n) * (1 - 1 / (9 * n) - Math.cbrt(mean / n));
    return normalCdf(z);
  }
  let term = Math.exp(-mean);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mean / i;
    sum += term;
    if (i > mean && term < 1e-16 * sum) break;
  }
  return Math.min(1, sum);
}

const EXACT_POISSON_MEAN = 30;

/** Smallest x in (lo, hi] where `ok` holds, assuming it is monotone, to 0.5% (ratios are shown to two digits). */
function bisect(lo: number, hi: number, ok: (x: number) => boolean): number {
  for (let i = 0; i < 60 && hi / lo > 1.005; i++) {
    const mid = Math.sqrt(lo * hi);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function bisectTrials(maxTrials: number, ok: (n: number) => boolean): number | undefined {
  if (!(maxTrials > 0) || !ok(maxTrials)) return undefined;
  let lo = 0;
  let hi = maxTrials;
  for (let i = 0; i < 60 && hi - lo > Math.max(1, hi * 0.005); i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
