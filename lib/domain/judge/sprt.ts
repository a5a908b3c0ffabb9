/**
 * Wald's sequential probability ratio test (SPRT) for a Bernoulli rate, on counts.
 *
 * H0: rate = p0 (healthy), H1: rate = p1 > p0 (regressed). The judge re-reads the cumulative counts
 * at every evaluation without stopping the test at a pass. That stays valid: under H0 the likelihood
 * ratio is a non-negative martingale, so by Ville's inequality the chance that it *ever* reaches A is
 * at most 1/A ≈ α/(1 − β), however often we look (and likewise for B under H1).
 */

export type SprtDecision = 'accept-h0' | 'reject-h0' | 'continue';

export interface BernoulliSprt {
  /** Healthy rate. 0 is allowed: a single success then rejects H0. */
  readonly p0: number;
  /** Regressed rate, p0 < p1 ≤ 1. 1 is allowed: a single failure then accepts H0. */
  readonly p1: number;
  /** Probability of rejecting H0 when it holds (a false rollback). */
  readonly alpha: number;
  /** Probability of accepting H0 when H1 holds (a missed regression). */
  readonly beta: number;
}

export interface SprtBoundaries {
  /** ln B = ln(β / (1 − α)): at or below it, accept H0. */
  readonly lower: number;
  /** ln A = ln((1 − β) / α): at or above it, reject H0. */
  readonly upper: number;
}

export interface SprtEvaluation extends SprtBoundaries {
  readonly llr: number;
  readonly decision: SprtDecision;
}

export function sprtBoundaries(alpha: number, beta: number): SprtBoundaries {
  // α + β < 1 keeps ln B < 0 < ln A; otherwise the test would decide before seeing any data.
  if (!(alpha > 0 && beta > 0 && alpha + beta < 1)) {
    throw new RangeError(`SPRT needs α > 0, β > 0 and α + β < 1; got α=${alpha}, β=${beta}`);
  }
  return { lower: Math.log(beta / (1 - alpha)), upper: Math.log((1 - beta) / alpha) };
}

/**
 * ln [P(data | p1) / P(data | p0)] for `successes` out of `trials`. Counts may be fractional:
 * CloudWatch's slow-request counts are percentile rank × sample count.
 * Returns ±Infinity when the data is impossible under one hypothesis (p0 = 0 with a success,
 * p1 = 1 with a failure).
 */
export function bernoulliLlr(p0: number, p1: number, successes: number, trials: number): number {
  assertRates(p0, p1);
  assertCounts(successes, trials);
  const failures = trials - successes;
  // log1p keeps the failure term accurate for the tiny rates typical of errors and throttles.
  return weighted(successes, Math.log(p1) - Math.log(p0)) + weighted(failures, Math.log1p(-p1) - Math.log1p(-p0));
}

export function sprtDecision(llr: number, boundaries: SprtBoundaries): SprtDecision {
  if (llr >= boundaries.upper) return 'reject-h0';
  if (llr <= boundaries.lower) return 'accept-h0';
  return 'continue';
}

export function evaluateSprt(test: BernoulliSprt, successes: number, trials: number): SprtEvaluation {
  const boundaries = sprtBoundaries(test.alpha, test.beta);
  const llr = bernoulliLlr(test.p0, test.p1, successes, trials);
  return { ...boundaries, llr, decision: sprtDecision(llr, boundaries) };
}

/**
 * Wald's approximation of how many more trials the test needs to reach a boundary when the true
 * rate is p0 (`'h0'`) or p1 (`'h1'`), starting from the LLR reached so far. It ignores the overshoot
 * past the boundary, so real runs take 5–20% more (DESIGN §2); callers should say "about".
 */
export function expectedSampleSize(test: BernoulliSprt, under: 'h0' | 'h1', fromLlr = 0): number {
  assertRates(test.p0, test.p1);
  const { lower: b, upper: a } = sprtBoundaries(test.alpha, test.beta);
  if (fromLlr <= b || fromLlr >= a) return 0;
  const theta = under === 'h0' ? test.p0 : test.p1;
  const drift = theta * (Math.log(test.p1) - Math.log(test.p0)) + (1 - theta) * (Math.log1p(-test.p1) - Math.log1p(-test.p0));
  if (!Number.isFinite(drift)) {
    // One impossible-under-the-other-hypothesis outcome ends the test: wait for the first one.
    return under === 'h1' ? 1 / test.p1 : 1 / (1 - test.p0);
  }
  // Probability of ending at the lower boundary from `fromLlr`: Wald's OC function, whose exponent
  // h solves E[e^(h·z)] = 1 and is exactly +1 under p0 and −1 under p1.
  const h = under === 'h0' ? 1 : -1;
  const endsLow = (Math.exp(h * a) - Math.exp(h * fromLlr)) / (Math.exp(h * a) - Math.exp(h * b));
  return (endsLow * (b - fromLlr) + (1 - endsLow) * (a - fromLlr)) / drift;
}

/** count × log-ratio, where an outcome never observed contributes nothing even if impossible. */
function weighted(count: number, logRatio: number): number {
  return count === 0 ? 0 : count * logRatio;
}

function assertRates(p0: number, p1: number): void {
  if (!(p0 >= 0 && p0 < p1 && p1 <= 1)) throw new RangeError(`SPRT needs 0 ≤ p0 < p1 ≤ 1; got p0=${p0}, p1=${p1}`);
  // Both extremes at once make any mixed sample impossible under both hypotheses (∞ − ∞).
  if (p0 === 0 && p1 === 1) throw new RangeError('SPRT cannot test p0 = 0 against p1 = 1');
}

function assertCounts(successes: number, trials: number): void {
  if (!(Number.isFinite(trials) && trials >= 0 && Number.isFinite(successes) && successes >= 0 && successes <= trials)) {
    throw new RangeError(`SPRT needs 0 ≤ successes ≤ trials; got ${successes} of ${trials}`);
  }
}
