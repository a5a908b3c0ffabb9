import { binomialCountTest, MORE_CANARY_REQUESTS, rateUpperBound, type CountTestInput } from '../../../lib/domain/judge';

const ALPHA = 0.01 / 24;

function newCountTest(overrides: Partial<CountTestInput> = {}): CountTestInput {
  return {
    canaryEvents: 6,
    canaryTrials: 1200,
    baselineEvents: 54,
    baselineTrials: 10_800,
    alternative: (p0) => 2 * p0,
    alpha: ALPHA,
    beta: 0.05,
    eventName: 'Errors',
    ...overrides,
  };
}

describe('rateUpperBound', () => {
  it("is Wilson's 97.5% upper bound on Jeffreys-style counts (hand-computed)", () => {
    expect(rateUpperBound(0, 1000)).toBeCloseTo(0.0047661, 6);
    expect(rateUpperBound(50, 10_000)).toBeCloseTo(0.0066414, 6);
  });

  it('is above zero for a baseline with no events, and shrinks as the baseline grows', () => {
    expect(rateUpperBound(0, 1000)).toBeGreaterThan(0);
    expect(rateUpperBound(0, 1_000_000)).toBeLessThan(rateUpperBound(0, 1000));
  });

  it('stays above the observed rate and below 1', () => {
    expect(rateUpperBound(50, 10_000)).toBeGreaterThan(50 / 10_000);
    expect(rateUpperBound(10_000, 10_000)).toBeLessThan(1);
  });
});

describe('binomialCountTest', () => {
  it("tests the canary against the baseline's upper bound and the alternative built on it", () => {
    const result = binomialCountTest(newCountTest());
    expect(result.thresholds.p0).toBeCloseTo(rateUpperBound(54, 10_800), 12);
    expect(result.thresholds.p1).toBeCloseTo(2 * rateUpperBound(54, 10_800), 12);
    expect(result.statistics).toMatchObject({ canaryErrors: 6, canaryRequests: 1200, baselineErrors: 54, baselineRequests: 10_800, canaryRate: 0.005, baselineRate: 0.005 });
  });

  it('passes a canary as healthy as the baseline', () => {
    expect(binomialCountTest(newCountTest({ canaryEvents: 30, canaryTrials: 6000 })).status).toBe('pass');
  });

  it('fails a canary with three times the rate', () => {
    const result = binomialCountTest(newCountTest({ canaryEvents: 54, canaryTrials: 3600 }));
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^canary 1.5% \(54 of 3,600\) vs baseline 0.5% of 10,800: evidence of a rate ≥/);
  });

  describe('at max bake (truncated)', () => {
    // 16 errors in 2,000 requests (0.8%) sits between the boundaries; p1 is about 1.3%.
    const undecided = { canaryEvents: 16, canaryTrials: 2000 };

    it('still continues an undecided test before max bake', () => {
      expect(binomialCountTest(newCountTest(undecided)).status).toBe('continue');
    });

    it("passes when the canary's 95% upper bound is below the critical rate", () => {
      const result = binomialCountTest(newCountTest({ ...undecided, truncated: true }));
      expect(result.status).toBe('pass');
      expect(result.statistics.canaryRateUpperBound).toBeLessThan(result.thresholds.p1);
      expect(result.summary).toMatch(/below the critical [\d.]+% with 95% confidence .*truncated SPRT/);
    });

    it('does not pass when the upper bound reaches the critical rate', () => {
      expect(binomialCountTest(newCountTest({ canaryEvents: 22, canaryTrials: 2000, truncated: true })).status).toBe('continue');
    });

    it('does not pass on little data, however clean: little data is never a pass', () => {
      const result = binomialCountTest(newCountTest({ canaryEvents: 0, canaryTrials: 150, truncated: true }));
      expect(result.status).toBe('continue');
    });
  });

  it('continues on a small window and says how many more canary requests it needs', () => {
    const result = binomialCountTest(newCountTest({ canaryEvents: 1, canaryTrials: 100 }));
    expect(result.status).toBe('continue');
    expect(result.statistics[MORE_CANARY_REQUESTS]).toBeGreaterThan(100);
    expect(result.summary).toMatch(/needs about [\d,]+ more canary requests$/);
  });

  it('has no data without canary trials, but still estimates the requests a decision needs', () => {
    const result = binomialCountTest(newCountTest({ canaryEvents: 0, canaryTrials: 0 }));
    expect(result.status).toBe('no-data');
    expect(result.statistics[MORE_CANARY_REQUESTS]).toBeGreaterThan(0);
  });

  it('has no data without a baseline to compare with', () => {
    const result = binomialCountTest(newCountTest({ baselineEvents: 0, baselineTrials: 0 }));
    expect(result.status).toBe('no-data');
    expect(result.summary).toBe('no baseline requests to compare with');
  });

  it('raises p0 to the floor when the baseline shows (almost) no events', () => {
    const result = binomialCountTest(newCountTest({ baselineEvents: 0, baselineTrials: 1_000_000, p0Floor: 0.001, alternative: (p0) => p0 + 0.01 }));
    expect(result.thresholds.p0).toBe(0.001);
    expect(result.thresholds.p1).toBeCloseTo(0.011, 12);
  });

  it('keeps p1 strictly between p0 and 1 when the alternative would overshoot', () => {
    const result = binomialCountTest(newCountTest({ baselineEvents: 800, baselineTrials: 1000, canaryEvents: 80, canaryTrials: 100 }));
    expect(result.thresholds.p1).toBeLessThan(1);
    expect(result.thresholds.p1).toBeGreaterThan(result.thresholds.p0);
    expect(Number.isFinite(result.statistics.llr)).toBe(true);
  });

  it('refuses more events than trials', () => {
    expect(() => binomialCountTest(newCountTest({ canaryEvents: 11, canaryTrials: 10 }))).toThrow(/canary errors \(11\) exceed/);
  });
});
