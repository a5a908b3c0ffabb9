/**
 * Deterministic randomness for the simulated fleet.
 *
 * Every figure the fleet publishes is drawn from a stream derived from its coordinates
 * (seed, target, minute, cohort, purpose), not from a shared generator, so the numbers do
 * not depend on the order or the number of queries. The samplers are inversions of a
 * single uniform wherever possible: with a fixed uniform, a count is monotone in its
 * probability, which keeps "slow requests above T" monotone in T.
 */

import { normalCdf, normalQuantile } from '../../domain/normal';

const TWO_POW_32 = 4_294_967_296;

/** Means below this are sampled exactly; above it the normal approximation is accurate enough and O(1). */
const EXACT_MEAN_LIMIT = 100;

/**
 * mulberry32: tiny, fast, passes the usual statistical batteries for simulation use.
 * Returns uniforms strictly inside (0, 1), so inversions never see 0 or 1.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32 + 0.5 / TWO_POW_32;
  };
}

/**
 * Hashes coordinates such as (seed, "lambda:fn:live", 28512345, "canary", "errors") to a
 * 32-bit seed. cyrb53-style mixing: neighbouring minutes or similar keys give unrelated seeds.
 */
export function hashParts(parts: readonly (string | number)[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const text = parts.map(String).join('\u241f');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2_654_435_761);
    h2 = Math.imul(h2 ^ ch, 1_597_334_677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2_246_822_507) ^ Math.imul(h2 ^ (h2 >>> 13), 3_266_489_909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2_246_822_507) ^ Math.imul(h1 ^ (h1 >>> 13), 3_266_489_909);
  return (h1 ^ h2) >>> 0;
}

/** A seeded generator with the samplers the fleet needs. */
export class Prng {
  private readonly nextUniform: () => number;

  constructor(seed: number) {
    this.nextUniform = mulberry32(seed);
  }

  /** A generator for one coordinate of the simulation, independent of every other coordinate. */
  static for(...parts: readonly (string | number)[]): Prng {
    return new Prng(hashParts(parts));
  }

  /** Uniform in (0, 1). */
  next(): number {
    return this.nextUniform();
  }

  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  normal(mean = 0, sd = 1): number {
    return mean + sd * normalQuantile(this.next());
  }

  poisson(mean: number): number {
    return poissonQuantile(mean, this.next());
  }

  binomial(n: number, p: number): number {
    return binomialQuantile(n, p, this.next());
  }

  /** Lognormal with the given median (= e^mu) and sigma of the underlying normal. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** P(X <= x) for a lognormal with the given median and sigma. */
export function lognormalCdf(x: number, median: number, sigma: number): number {
  if (x <= 0) return 0;
  if (sigma === 0) return x >= median ? 1 : 0;
  return normalCdf(Math.log(x / median) / sigma);
}

/** P(X > x), computed directly so tiny tails keep their precision. */
export function lognormalSurvival(x: number, median: number, sigma: number): number {
  if (x <= 0) return 1;
  if (sigma === 0) return x < median ? 1 : 0;
  return normalCdf(-Math.log(x / median) / sigma);
}

/** The p-quantile of a lognormal with the given median and sigma. */
export function lognormalQuantile(p: number, median: number, sigma: number): number {
  return median * Math.exp(sigma * normalQuantile(p));
}

/** Mean of a lognormal: median · e^(σ²/2). Little's law needs the mean, not the median. */
export function lognormalMean(median: number, sigma: number): number {
  return median * Math.exp((sigma * sigma) / 2);
}

/**
 * The u-quantile of Poisson(mean): exact inversion for small means, normal approximation
 * with continuity correction for large ones. Nondecreasing in u.
 */
export function poissonQuantile(mean: number, u: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poisson mean must be finite and >= 0, got ${mean}`);
  if (mean === 0) return 0;
  if (mean < EXACT_MEAN_LIMIT) {
    let k = 0;
    let pmf = Math.exp(-mean);
    let cdf = pmf;
    // The cap only guards against rounding leaving cdf a hair below a u close to 1.
    const cap = mean + 20 * Math.sqrt(mean) + 20;
    while (cdf < u && k < cap) {
      k++;
      pmf *= mean / k;
      cdf += pmf;
    }
    return k;
  }
  return Math.max(0, Math.ceil(mean - 0.5 + Math.sqrt(mean) * normalQuantile(u)));
}

/**
 * The u-quantile of Binomial(n, p): exact inversion when n·min(p, 1-p) is small, normal
 * approximation with continuity correction (clamped to [0, n]) otherwise. Nondecreasing in
 * u, and in p for a fixed u, which is what keeps slow-request counts monotone in the threshold.
 */
export function binomialQuantile(n: number, p: number, u: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial n must be an integer >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p must be in [0, 1], got ${p}`);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  // Symmetry keeps the exact branch's starting pmf (1-p)^n away from underflow.
  if (p > 0.5) return n - binomialQuantile(n, 1 - p, 1 - u);
  const mean = n * p;
  if (mean < EXACT_MEAN_LIMIT) {
    const ratio = p / (1 - p);
    let k = 0;
    let pmf = Math.exp(n * Math.log1p(-p));
    let cdf = pmf;
    while (cdf < u && k < n) {
      pmf *= ((n - k) / (k + 1)) * ratio;
      k++;
      cdf += pmf;
    }
    return k;
  }
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(n, Math.max(0, Math.ceil(mean - 0.5 + sd * normalQuantile(u))));
}
