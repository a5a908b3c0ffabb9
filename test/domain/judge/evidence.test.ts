import { countTotals, failureRatios, logBayesFactor, logFailureEvidence, segmentStartWeights, strongestStart, type CountMinute } from '../../../lib/domain/judge';
import { mulberry32, poisson } from '../../helpers/prng';

const minute = (i: number, canaryEvents: number, canaryTrials: number, baselineEvents = 0, baselineTrials = 0): CountMinute => ({
  minute: String(i).padStart(4, '0'),
  canaryEvents,
  canaryTrials,
  baselineEvents,
  baselineTrials,
});

/** Every minute in segment 0, or in segment 1 from minute `split` on. */
const segments = (split = Infinity) => (m: string) => (Number(m) >= split ? 1 : 0);

describe('logBayesFactor', () => {
  it('is 0 for a ratio of 1, and for a new version with no requests', () => {
    const totals = countTotals([minute(0, 5, 1000, 50, 10_000)], 1, segments());
    expect(logBayesFactor(totals, undefined, 1, 0)).toBeCloseTo(0, 12);
    expect(logBayesFactor(countTotals([minute(0, 0, 0, 50, 10_000)], 1, segments()), undefined, 3, 0)).toBe(0);
  });

  it('grows with the new version’s events', () => {
    const bf = (events: number) => logBayesFactor(countTotals([minute(0, events, 1000, 50, 10_000)], 1, segments()), undefined, 2, 0);
    expect(bf(20)).toBeGreaterThan(bf(10));
    expect(bf(10)).toBeGreaterThan(bf(5));
  });

  it('is the one-sample Poisson likelihood ratio against a known rate when the history is long', () => {
    const prior = { events: 5_000_000, trials: 1_000_000_000 }; // rate 0.5%, known to four digits
    const totals = countTotals([minute(0, 12, 1000)], 1, segments());
    const known = 12 * Math.log(2) - 1000 * 0.005 * (2 - 1);
    expect(logBayesFactor(totals, prior, 2, 0)).toBeCloseTo(known, 2);
  });

  it('compares with the stable version’s own requests when there is no history', () => {
    // The same rates in both versions: weak evidence either way; a canary ten times worse: strong.
    const alike = countTotals([minute(0, 5, 1000, 50, 10_000)], 1, segments());
    const worse = countTotals([minute(0, 50, 1000, 50, 10_000)], 1, segments());
    expect(logBayesFactor(alike, undefined, 2, 0)).toBeLessThan(0);
    expect(logBayesFactor(worse, undefined, 10, 0)).toBeGreaterThan(20);
  });

  it('has mean 1 when the versions are alike: a martingale, so looking often is free', () => {
    const rand = mulberry32(7);
    let sum = 0;
    const runs = 20_000;
    for (let i = 0; i < runs; i++) {
      const p = 0.005;
      const prior = { events: poisson(rand, 36_000 * p), trials: 36_000 };
      const totals = countTotals([minute(0, poisson(rand, 600 * p), 600, poisson(rand, 3000 * p), 3000)], 1, segments());
      sum += Math.exp(logBayesFactor(totals, prior, 2, 0));
    }
    expect(sum / runs).toBeGreaterThan(0.9);
    expect(sum / runs).toBeLessThan(1.1);
  });
});

describe('logFailureEvidence', () => {
  const ratios = failureRatios(2, 0.005);

  it('starts at e-value 1: segments not begun keep their prior weight', () => {
    const none = countTotals([], 3, segments());
    expect(logFailureEvidence(none, undefined, ratios, segmentStartWeights(3), 1)).toBeCloseTo(0, 12);
  });

  it('catches a regression that begins at a later step sooner than evidence pooled from the start would', () => {
    const healthy = Array.from({ length: 20 }, (_, i) => minute(i, 5, 1000, 50, 10_000));
    const bad = Array.from({ length: 3 }, (_, i) => minute(20 + i, 25, 1000, 50, 10_000));
    const data = [...healthy, ...bad];
    const withRestart = logFailureEvidence(countTotals(data, 2, segments(20)), undefined, ratios, segmentStartWeights(2), 2);
    const pooledOnly = logFailureEvidence(countTotals(data, 1, segments()), undefined, ratios, [1], 1);
    expect(withRestart).toBeGreaterThan(pooledOnly + 3);
    expect(strongestStart(countTotals(data, 2, segments(20)), undefined, ratios, segmentStartWeights(2), 2)).toBe(1);
  });
});

describe('failureRatios and segmentStartWeights', () => {
  it('start at the critical ratio and never exceed a 100% rate', () => {
    const ratios = failureRatios(2, 0.1);
    expect(ratios[0].ratio).toBe(2);
    expect(Math.max(...ratios.map((r) => r.ratio))).toBeLessThanOrEqual(10);
    expect(ratios.reduce((t, r) => t + r.weight, 0)).toBeCloseTo(1, 12);
  });

  it('are prior weights that sum to 1, most of it on a regression from the start', () => {
    const weights = segmentStartWeights(5);
    expect(weights.reduce((t, w) => t + w, 0)).toBeCloseTo(1, 12);
    expect(weights[0]).toBeGreaterThan(0.5);
    expect(segmentStartWeights(1)).toEqual([1]);
  });
});
