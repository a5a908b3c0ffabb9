import { normalQuantile } from '../../lib/domain/normal';
import { binomialQuantile, poissonQuantile } from '../../lib/local/fleet/prng';

/** Seeded uniforms for Monte Carlo tests: the fleet's generator, so both share one implementation. */
export { mulberry32 } from '../../lib/local/fleet/prng';

/** Standard normal draw, by inversion. */
export function gaussian(rand: () => number): number {
  return normalQuantile(rand());
}

/** Binomial(n, p) draw, by inversion (exact for small means). */
export function binomial(rand: () => number, n: number, p: number): number {
  return binomialQuantile(n, p, rand());
}

/** Poisson(mean) draw, by inversion (exact for small means). */
export function poisson(rand: () => number, mean: number): number {
  return poissonQuantile(mean, rand());
}
