import { judgeCustomMetric } from '../../../lib/domain/judge';
import { customPoints, newCustomMetric, newCustomWindow } from './fixtures';

describe('judgeCustomMetric', () => {
  describe('no data', () => {
    it('has no data while the canary has fewer points than minDatapoints, however far past a bound they are', () => {
      const result = judgeCustomMetric(newCustomWindow({ canary: customPoints(50, 60) }));
      expect(result).toMatchObject({ signal: 'custom', targetKey: 'lambda:orders:live', status: 'no-data', statistics: { 'checkout_errors.canaryDatapoints': 2 } });
      expect(result.reason).toBe('checkout_errors: 2 of the 3 canary datapoints needed (minDatapoints)');
    });

    it('has no data with an empty canary series', () => {
      expect(judgeCustomMetric(newCustomWindow({ canary: [] })).status).toBe('no-data');
    });

    it('has no data for maxIncrease while the baseline has fewer points than minDatapoints', () => {
      const metric = newCustomMetric({ max: undefined, maxIncrease: 0.2 });
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(2, 2, 2), baseline: customPoints(2, 2) }));
      expect(result.status).toBe('no-data');
      expect(result.reason).toMatch(/^checkout_errors: canary mean 2 over 3 datapoints, but the baseline has 2 of the 3 datapoints needed to compare \(minDatapoints\)$/);
    });

    it('follows the metric’s own minDatapoints', () => {
      const metric = newCustomMetric({ minDatapoints: 5 });
      expect(judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(1, 1, 1, 1) })).status).toBe('no-data');
      expect(judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(1, 1, 1, 1, 1) })).status).toBe('pass');
    });
  });

  describe('absolute bounds', () => {
    it('passes a canary mean within max and min, reporting the mean and the bounds under the metric’s name', () => {
      const metric = newCustomMetric({ min: 1, max: 10 });
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(2, 4, 6) }));
      expect(result.status).toBe('pass');
      expect(result.statistics).toEqual({ 'checkout_errors.canaryMean': 4, 'checkout_errors.canaryDatapoints': 3 });
      expect(result.thresholds).toEqual({ 'checkout_errors.min': 1, 'checkout_errors.max': 10, 'checkout_errors.minDatapoints': 3 });
      expect(result.reason).toBe('checkout_errors: canary mean 4 over 3 datapoints is within min 1 and max 10');
    });

    it('fails when the canary mean is above max, even if single points are not', () => {
      const result = judgeCustomMetric(newCustomWindow({ canary: customPoints(9, 10, 12) }));
      expect(result.status).toBe('fail');
      expect(result.reason).toBe('checkout_errors: canary mean 10.3 over 3 datapoints is above the max 10');
    });

    it('passes when one point is above max but the mean is not', () => {
      expect(judgeCustomMetric(newCustomWindow({ canary: customPoints(1, 1, 25) })).status).toBe('pass');
    });

    it('fails when the canary mean is below min', () => {
      const metric = newCustomMetric({ max: undefined, min: 0.95, name: 'checkout_success' });
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(0.9, 0.92, 0.94) }));
      expect(result.status).toBe('fail');
      expect(result.reason).toBe('checkout_success: canary mean 0.92 over 3 datapoints is below the min 0.95');
    });

    it('fails on an absolute bound before the baseline has enough points for maxIncrease', () => {
      const metric = newCustomMetric({ maxIncrease: 0.2 });
      expect(judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(20, 20, 20), baseline: [] })).status).toBe('fail');
    });
  });

  describe('maxIncrease over the baseline', () => {
    const metric = newCustomMetric({ max: undefined, maxIncrease: 0.2 });

    it('fails when the canary mean is more than maxIncrease above the baseline mean', () => {
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(12, 13, 14), baseline: customPoints(10, 10, 10) }));
      expect(result.status).toBe('fail');
      expect(result.statistics).toMatchObject({ 'checkout_errors.canaryMean': 13, 'checkout_errors.baselineMean': 10 });
      expect(result.statistics['checkout_errors.increase']).toBeCloseTo(0.3, 12);
      expect(result.thresholds).toMatchObject({ 'checkout_errors.maxIncrease': 0.2, 'checkout_errors.limitFromBaseline': 12 });
      expect(result.reason).toBe('checkout_errors: canary mean 13 over 3 datapoints is +30% vs the baseline mean 10 over 3 (fails above +20%)');
    });

    it('passes a rise within maxIncrease', () => {
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(11, 11, 11), baseline: customPoints(10, 10, 10) }));
      expect(result.status).toBe('pass');
      expect(result.reason).toBe('checkout_errors: canary mean 11 over 3 datapoints, +10% vs the baseline mean 10 over 3 (fails above +20%)');
    });

    it('passes a canary below the baseline', () => {
      const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(5, 5, 5), baseline: customPoints(10, 10, 10) }));
      expect(result.status).toBe('pass');
      expect(result.reason).toMatch(/-50% vs the baseline mean 10/);
    });

    describe('with a baseline mean ≤ 0, where a relative rise has no meaning', () => {
      it('passes when both means are 0', () => {
        const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(0, 0, 0), baseline: customPoints(0, 0, 0) }));
        expect(result.status).toBe('pass');
        expect(result.reason).toBe('checkout_errors: canary mean 0 over 3 datapoints, not above the baseline mean 0 over 3');
        expect(result.statistics).not.toHaveProperty('checkout_errors.increase');
      });

      it('warns, neither failing nor passing in silence, when the canary rises above a baseline mean of 0', () => {
        const result = judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(0, 1, 2), baseline: customPoints(0, 0, 0) }));
        expect(result.status).toBe('warn');
        expect(result.reason).toMatch(/^checkout_errors: canary mean 1 over 3 datapoints, above the baseline mean 0 over 3; .* maxIncrease was not checked \(set max to bound it\)$/);
      });

      it('still fails on max', () => {
        const bounded = newCustomMetric({ max: 0.5, maxIncrease: 0.2 });
        expect(judgeCustomMetric(newCustomWindow({ metric: bounded, canary: customPoints(0, 1, 2), baseline: customPoints(0, 0, 0) })).status).toBe('fail');
      });

      it('treats a negative baseline mean the same way', () => {
        expect(judgeCustomMetric(newCustomWindow({ metric, canary: customPoints(-1, -1, -1), baseline: customPoints(-2, -2, -2) })).status).toBe('warn');
      });
    });
  });

  describe('bad input', () => {
    it('throws on a value that is not a finite number', () => {
      expect(() => judgeCustomMetric(newCustomWindow({ canary: customPoints(1, Number.NaN, 3) }))).toThrow(/checkout_errors on lambda:orders:live canary at 2025-01-01T00:01:00.000Z has a value that is not a finite number: NaN/);
    });

    it('throws when maxIncrease has no baseline series to compare with', () => {
      const metric = newCustomMetric({ maxIncrease: 0.2 });
      expect(() => judgeCustomMetric(newCustomWindow({ metric, baseline: undefined }))).toThrow(/no baseline series was read/);
    });
  });
});
