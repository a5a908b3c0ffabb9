import { binomialQuantile, lognormalCdf, lognormalQuantile, lognormalSurvival, poissonQuantile, Prng } from '../../../lib/local/fleet/prng';
import { normalCdf, normalQuantile } from '../../../lib/domain/normal';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('prng', () => {
  describe('Prng', () => {
    it('repeats the same sequence for the same seed', () => {
      const a = new Prng(123);
      const b = new Prng(123);
      expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    });

    it('gives a different sequence for a different seed', () => {
      const a = new Prng(123);
      const b = new Prng(124);
      expect(Array.from({ length: 5 }, () => a.next())).not.toEqual(Array.from({ length: 5 }, () => b.next()));
    });

    it('derives unrelated streams from neighbouring coordinates', () => {
      const values = [0, 1, 2, 3].map((minute) => Prng.for(42, 'lambda:checkout:live', minute, 'canary').next());
      expect(new Set(values).size).toBe(4);
      expect(Prng.for(42, 'lambda:checkout:live', 1, 'canary').next()).toBe(values[1]);
    });

    it('draws uniforms strictly inside (0, 1)', () => {
      const rng = new Prng(0);
      const draws = Array.from({ length: 10_000 }, () => rng.next());
      expect(Math.min(...draws)).toBeGreaterThan(0);
      expect(Math.max(...draws)).toBeLessThan(1);
    });
  });

  describe('samplers', () => {
    const N = 40_000;

    it('uniform has mean 1/2 and variance 1/12', () => {
      const rng = new Prng(1);
      const { mean, variance } = moments(() => rng.uniform(), N);
      expect(mean).toBeCloseTo(0.5, 2);
      expect(variance).toBeCloseTo(1 / 12, 2);
    });

    it('normal has the requested mean and variance', () => {
      const rng = new Prng(2);
      const { mean, variance } = moments(() => rng.normal(3, 2), N);
      expect(Math.abs(mean - 3)).toBeLessThan(0.05);
      expect(Math.abs(variance - 4)).toBeLessThan(0.15);
    });

    it.each([
      ['small, exact', 4.5],
      ['large, normal approximation', 12_000],
    ])('poisson (%s) has mean and variance equal to its mean', (_label, lambda) => {
      const rng = new Prng(3);
      const { mean, variance } = moments(() => rng.poisson(lambda), N);
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.01);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.05);
    });

    it.each([
      ['small n', 40, 0.1],
      ['large n, rare events (exact)', 12_000, 0.005],
      ['large n, normal approximation', 100_000, 0.3],
      ['p above one half', 200, 0.97],
    ])('binomial (%s) has mean np and variance np(1-p)', (_label, n, p) => {
      const rng = new Prng(4);
      const { mean, variance } = moments(() => rng.binomial(n, p), N);
      expect(Math.abs(mean - n * p) / (n * p)).toBeLessThan(0.01);
      expect(Math.abs(variance - n * p * (1 - p)) / (n * p * (1 - p))).toBeLessThan(0.05);
    });

    it('binomial stays within [0, n]', () => {
      const rng = new Prng(5);
      const draws = Array.from({ length: 5_000 }, () => rng.binomial(1_000, 0.5));
      expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= 1_000)).toBe(true);
    });

    it('lognormal has the requested median and mean median·e^(σ²/2)', () => {
      const rng = new Prng(6);
      const draws = Array.from({ length: N }, () => rng.lognormal(80, 0.5)).sort((a, b) => a - b);
      expect(Math.abs(draws[N / 2] - 80) / 80).toBeLessThan(0.02);
      const mean = draws.reduce((s, x) => s + x, 0) / N;
      expect(Math.abs(mean - 80 * Math.exp(0.125)) / (80 * Math.exp(0.125))).toBeLessThan(0.02);
    });

    it('refuses impossible parameters', () => {
      expect(() => binomialQuantile(10, 1.5, 0.5)).toThrow(RangeError);
      expect(() => binomialQuantile(2.5, 0.5, 0.5)).toThrow(RangeError);
      expect(() => poissonQuantile(-1, 0.5)).toThrow(RangeError);
    });
  });

  describe('binomialQuantile', () => {
    it('is nondecreasing in p for a fixed uniform, so slow counts fall as the threshold rises', () => {
      for (const u of [0.01, 0.3, 0.5, 0.77, 0.999]) {
        let previous = 0;
        for (let p = 0; p <= 1.0001; p += 0.0025) {
          const k = binomialQuantile(12_000, Math.min(1, p), u);
          expect(k).toBeGreaterThanOrEqual(previous);
          previous = k;
        }
      }
    });
  });

  describe('normal distribution', () => {
    it('normalCdf matches tabulated values', () => {
      expect(normalCdf(0)).toBeCloseTo(0.5, 7);
      expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
      expect(normalCdf(-3)).toBeCloseTo(0.0013498980, 8);
      expect(normalCdf(-8) / 6.22096057e-16).toBeCloseTo(1, 5);
    });

    it('normalQuantile inverts normalCdf from the far tails to the centre', () => {
      for (const p of [1e-10, 1e-4, 0.01, 0.02425, 0.3, 0.5, 0.9, 0.99, 1 - 1e-6]) {
        expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 5);
      }
      expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 6);
    });
  });

  describe('lognormal distribution', () => {
    it('lognormalQuantile and lognormalCdf are inverses', () => {
      for (const p of [0.01, 0.5, 0.9, 0.99]) {
        expect(lognormalCdf(lognormalQuantile(p, 80, 0.5), 80, 0.5)).toBeCloseTo(p, 6);
      }
      expect(lognormalQuantile(0.5, 80, 0.5)).toBeCloseTo(80, 6);
    });

    it('lognormalSurvival keeps precision in the far tail', () => {
      expect(lognormalSurvival(80 * Math.exp(0.5 * 8), 80, 0.5) / 6.22096057e-16).toBeCloseTo(1, 5);
      expect(lognormalSurvival(80, 80, 0.5)).toBeCloseTo(0.5, 7);
    });
  });
});
