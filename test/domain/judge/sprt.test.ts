import { bernoulliLlr, evaluateSprt, expectedSampleSize, sprtBoundaries, sprtDecision } from '../../../lib/domain/judge';

describe('Bernoulli SPRT', () => {
  describe('sprtBoundaries', () => {
    it('puts ln A at ln((1 − β)/α) and ln B at ln(β/(1 − α))', () => {
      const { upper, lower } = sprtBoundaries(0.05, 0.2);
      expect(upper).toBeCloseTo(Math.log(16), 12); // 0.8 / 0.05
      expect(lower).toBeCloseTo(-1.5581446, 6); // ln(0.2 / 0.95)
    });

    it('refuses α and β that would let the test decide before any data', () => {
      expect(() => sprtBoundaries(0, 0.05)).toThrow(RangeError);
      expect(() => sprtBoundaries(0.6, 0.5)).toThrow(/α \+ β < 1/);
    });
  });

  describe('bernoulliLlr', () => {
    it('matches the hand-computed value for 3 successes in 100 trials, p0 = 1%, p1 = 2%', () => {
      // 3·ln 2 + 97·ln(0.98/0.99) = 2.079442 − 0.984780
      expect(bernoulliLlr(0.01, 0.02, 3, 100)).toBeCloseTo(1.0946615, 6);
    });

    it('is n·ln((1 − p1)/(1 − p0)) when nothing happened', () => {
      expect(bernoulliLlr(0.001, 0.011, 0, 500)).toBeCloseTo(500 * Math.log(0.989 / 0.999), 9);
    });

    it('is 0 with no trials', () => {
      expect(bernoulliLlr(0.01, 0.02, 0, 0)).toBe(0);
    });

    it('accepts fractional counts, as CloudWatch percentile-rank counts are', () => {
      expect(bernoulliLlr(0.01, 0.02, 1.5, 50)).toBeCloseTo(1.5 * Math.log(2) + 48.5 * Math.log(0.98 / 0.99), 9);
    });

    it('is +∞ for a success when p0 = 0, and finite without one', () => {
      expect(bernoulliLlr(0, 0.01, 1, 10)).toBe(Infinity);
      expect(bernoulliLlr(0, 0.01, 0, 10)).toBeCloseTo(10 * Math.log(0.99), 12);
    });

    it('is −∞ for a failure when p1 = 1, and finite without one', () => {
      expect(bernoulliLlr(0.5, 1, 9, 10)).toBe(-Infinity);
      expect(bernoulliLlr(0.5, 1, 10, 10)).toBeCloseTo(10 * Math.log(2), 12);
    });

    it('rejects impossible inputs instead of returning NaN', () => {
      expect(() => bernoulliLlr(0.02, 0.01, 0, 10)).toThrow(/p0 < p1/);
      expect(() => bernoulliLlr(0.01, 1.2, 0, 10)).toThrow(RangeError);
      expect(() => bernoulliLlr(0, 1, 1, 2)).toThrow(RangeError);
      expect(() => bernoulliLlr(0.01, 0.02, 11, 10)).toThrow(/successes ≤ trials/);
      expect(() => bernoulliLlr(0.01, 0.02, -1, 10)).toThrow(RangeError);
    });
  });

  describe('sprtDecision', () => {
    const boundaries = { lower: -3, upper: 7 };

    it('rejects H0 at or above ln A', () => {
      expect(sprtDecision(7, boundaries)).toBe('reject-h0');
      expect(sprtDecision(Infinity, boundaries)).toBe('reject-h0');
    });

    it('accepts H0 at or below ln B', () => {
      expect(sprtDecision(-3, boundaries)).toBe('accept-h0');
      expect(sprtDecision(-Infinity, boundaries)).toBe('accept-h0');
    });

    it('continues strictly between them', () => {
      expect(sprtDecision(-2.99, boundaries)).toBe('continue');
      expect(sprtDecision(6.99, boundaries)).toBe('continue');
    });
  });

  describe('evaluateSprt', () => {
    const test = { p0: 0.01, p1: 0.02, alpha: 0.05, beta: 0.2 };

    it('rejects H0 when successes pile up', () => {
      // 10·ln 2 + 190·ln(0.98/0.99) = 6.93 − 1.93 = 5.0 ≥ ln 16
      const result = evaluateSprt(test, 10, 200);
      expect(result.llr).toBeCloseTo(10 * Math.log(2) + 190 * Math.log(0.98 / 0.99), 9);
      expect(result.decision).toBe('reject-h0');
    });

    it('accepts H0 after enough clean trials', () => {
      // 160 clean trials: 160·ln(0.98/0.99) = −1.62 ≤ ln(0.2/0.95) = −1.56
      expect(evaluateSprt(test, 0, 160).decision).toBe('accept-h0');
      expect(evaluateSprt(test, 0, 150).decision).toBe('continue');
    });
  });

  describe('expectedSampleSize', () => {
    const design = { p0: 0.01, p1: 0.02, alpha: 0.01, beta: 0.05 };
    const lnA = Math.log(0.95 / 0.01);
    const lnB = Math.log(0.05 / 0.99);

    it("gives Wald's textbook value under H1 from the start", () => {
      const drift = 0.02 * Math.log(2) + 0.98 * Math.log(0.98 / 0.99);
      expect(expectedSampleSize(design, 'h1')).toBeCloseTo((0.95 * lnA + 0.05 * lnB) / drift, 6);
    });

    it("gives Wald's textbook value under H0 from the start", () => {
      const drift = 0.01 * Math.log(2) + 0.99 * Math.log(0.98 / 0.99);
      expect(expectedSampleSize(design, 'h0')).toBeCloseTo((0.01 * lnA + 0.99 * lnB) / drift, 6);
    });

    it('sits 5–20% below the Monte Carlo figure of DESIGN §2 (1% → 2%: ≈ 1,130 requests), as Wald ignores overshoot', () => {
      const wald = expectedSampleSize(design, 'h1');
      expect(wald).toBeGreaterThan(1130 / 1.2);
      expect(wald).toBeLessThan(1130 / 1.05);
    });

    it('shrinks as the LLR nears the boundary the true hypothesis drifts to', () => {
      expect(expectedSampleSize(design, 'h1', 3)).toBeLessThan(expectedSampleSize(design, 'h1', 0));
      expect(expectedSampleSize(design, 'h0', -2)).toBeLessThan(expectedSampleSize(design, 'h0', 0));
      expect(expectedSampleSize(design, 'h0', 3)).toBeGreaterThan(expectedSampleSize(design, 'h0', 0));
    });

    it('is 0 once a boundary is reached', () => {
      expect(expectedSampleSize(design, 'h0', lnA)).toBe(0);
      expect(expectedSampleSize(design, 'h1', lnB - 1)).toBe(0);
    });

    it('waits for the first decisive event when p0 = 0', () => {
      expect(expectedSampleSize({ ...design, p0: 0 }, 'h1')).toBeCloseTo(50, 9);
      expect(Number.isFinite(expectedSampleSize({ ...design, p0: 0 }, 'h0'))).toBe(true);
    });
  });
});
