import { judgeLatency, MIN_REQUESTS_FOR_P99_GUARD } from '../../../lib/domain/judge';
import { BUSY_BASELINE, BUSY_CANARY, newSignalContext, newTargetWindow, steadySeries } from './fixtures';

describe('judgeLatency', () => {
  const ctx = newSignalContext();

  it('passes a canary with as few slow requests as the baseline, and reports both p50/p90/p99', () => {
    const result = judgeLatency(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
    expect(result.status).toBe('pass');
    expect(result.statistics).toMatchObject({ canaryP50Ms: 80, canaryP90Ms: 150, canaryP99Ms: 255, baselineP50Ms: 80, baselineP90Ms: 150, baselineP99Ms: 250 });
    expect(result.thresholds.slowThresholdMs).toBe(300);
  });

  it('fails a canary with 3% slow requests (its p99 is above the threshold)', () => {
    const canary = steadySeries(3, { requests: 1200, slowRequests: 36, p99Ms: 330 });
    const result = judgeLatency(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 3) }), ctx);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^latency: requests slower than 300 ms: canary 3%/);
  });

  it('takes 1% slow requests as critical for a fast stable version, twice the rate for a slow one, when no plan sized it', () => {
    const fast = judgeLatency(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, plan: undefined }), ctx);
    expect(fast.thresholds.critical * fast.statistics.stableRate).toBeCloseTo(0.01, 4);
    const slowBaseline = steadySeries(10, { requests: 10_000, slowRequests: 200 });
    expect(judgeLatency(newTargetWindow({ canary: BUSY_CANARY, baseline: slowBaseline, plan: undefined }), ctx).thresholds.critical).toBe(2);
  });

  it('continues while a window is too small to tell', () => {
    const canary = steadySeries(1, { requests: 60, slowRequests: 0 });
    expect(judgeLatency(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 1) }), ctx).status).toBe('continue');
  });

  it('has no data when the canary served no requests', () => {
    expect(judgeLatency(newTargetWindow({ canary: [], baseline: BUSY_BASELINE }), ctx).status).toBe('no-data');
  });

  it('has no data, and never fails, without a slow-request threshold', () => {
    const canary = steadySeries(10, { requests: 1200, slowRequests: 600, p99Ms: 2000 });
    const result = judgeLatency(newTargetWindow({ canary, baseline: BUSY_BASELINE, slowThresholdMs: undefined }), ctx);
    expect(result.status).toBe('no-data');
    expect(result.reason).toMatch(/no slow-request threshold/);
    expect(result.statistics.canaryP99Ms).toBe(2000);
  });

  describe('p99 guard', () => {
    // Slow requests look healthy here: only the p99 guard can see the regression.
    const slowTail = (requests: number) => steadySeries(2, { requests: requests / 2, slowRequests: 0, p99Ms: 400 });

    it(`fails a canary whose p99 is more than 50% above the baseline's once it has ${MIN_REQUESTS_FOR_P99_GUARD} requests`, () => {
      const result = judgeLatency(newTargetWindow({ canary: slowTail(MIN_REQUESTS_FOR_P99_GUARD), baseline: BUSY_BASELINE.slice(0, 2) }), ctx);
      expect(result.status).toBe('fail');
      expect(result.statistics.p99Degradation).toBeCloseTo(0.6, 12);
      expect(result.reason).toBe("latency: canary p99 400 ms is 60% above the baseline's 250 ms (aborts above +50%)");
    });

    it('stays quiet below that many requests, where a p99 rests on a few samples', () => {
      const result = judgeLatency(newTargetWindow({ canary: slowTail(MIN_REQUESTS_FOR_P99_GUARD - 2), baseline: BUSY_BASELINE.slice(0, 2) }), ctx);
      expect(result.status).not.toBe('fail');
    });

    it('weights each minute by its requests', () => {
      const canary = [...steadySeries(1, { requests: 3000, p99Ms: 260 }), ...steadySeries(1, { requests: 10, p99Ms: 5000 }, 1)];
      const result = judgeLatency(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 2) }), ctx);
      expect(result.statistics.canaryP99Ms).toBeCloseTo((3000 * 260 + 10 * 5000) / 3010, 9);
      expect(result.status).not.toBe('fail');
    });
  });

  it('is skipped when the policy disables it', () => {
    expect(judgeLatency(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ latency: { enabled: false } })).status).toBe('skipped');
  });
});
