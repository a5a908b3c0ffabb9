import { judgeErrors } from '../../../lib/domain/judge';
import { BUSY_BASELINE, BUSY_CANARY, newSignalContext, newTargetWindow, steadySeries } from './fixtures';

describe('judgeErrors', () => {
  const ctx = newSignalContext();

  it('passes a canary with the same error rate as the baseline', () => {
    const result = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
    expect(result).toMatchObject({ signal: 'errors', targetKey: 'lambda:orders:live', status: 'pass' });
    expect(result.reason).toMatch(/^error rate: canary 0.5% \(60 of 12,000\) vs baseline 0.5% of 108,000: below the critical/);
  });

  it('fails a canary with three times the error rate within three minutes', () => {
    const canary = steadySeries(3, { requests: 1200, errors: 18 });
    const result = judgeErrors(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 3) }), ctx);
    expect(result.status).toBe('fail');
    expect(result.statistics.llr).toBeGreaterThanOrEqual(result.thresholds.upperBoundary);
  });

  it('continues while a window is too small to tell', () => {
    const canary = steadySeries(1, { requests: 60, errors: 1 });
    const baseline = steadySeries(1, { requests: 540, errors: 3 });
    expect(judgeErrors(newTargetWindow({ canary, baseline }), ctx).status).toBe('continue');
  });

  it('has no data when the canary served no requests', () => {
    const result = judgeErrors(newTargetWindow({ canary: [], baseline: BUSY_BASELINE }), ctx);
    expect(result.status).toBe('no-data');
  });

  it('sets p1 to a 50% relative rise when that exceeds the absolute floor', () => {
    const baseline = steadySeries(100, { requests: 100_000, errors: 2000 });
    const { thresholds } = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline }), ctx);
    expect(thresholds.p1).toBeCloseTo(thresholds.p0 * 1.5, 12);
  });

  it('sets p1 to p0 + 0.5 points when the baseline rate is tiny', () => {
    const baseline = steadySeries(100, { requests: 100_000, errors: 100 });
    const { thresholds } = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline }), ctx);
    expect(thresholds.p1).toBeCloseTo(thresholds.p0 + 0.005, 12);
  });

  it('is skipped when the policy disables it', () => {
    const result = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ errors: { enabled: false } }));
    expect(result.status).toBe('skipped');
  });
});
