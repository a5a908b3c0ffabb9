/** mulberry32: a tiny seeded PRNG, so Monte Carlo tests give the same numbers on every run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Binomial(n, p) draw. Exact inversion while the mean is small (errors, slow requests, throttles:
 * the tails that decide false rollbacks); a rounded normal for large means (request counts), where
 * the approximation error is far below anything the judge can see.
 */
export function binomial(rand: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean > 400) {
    const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian(rand));
    return Math.min(n, Math.max(0, x));
  }
  const ratio = p / (1 - p);
  let prob = Math.pow(1 - p, n);
  let u = rand();
  let x = 0;
  while (u > prob && x < n) {
    u -= prob;
    x += 1;
    prob *= (ratio * (n - x + 1)) / x;
  }
  return x;
}
