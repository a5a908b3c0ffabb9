import { judgeSaturation } from '../../../lib/domain/judge';
import { BUSY_BASELINE, BUSY_CANARY, newSignalContext, newTargetWindow, steadySeries } from './fixtures';

describe('judgeSaturation', () => {
  const ctx = newSignalContext();

  it('passes a canary that is not throttled once it has ruled out a rise of one point, though the stable version shows none', () => {
    const result = judgeSaturation(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
    expect(result.status).toBe('pass');
    expect(result.statistics).toMatchObject({ canaryThrottles: 0, canaryAttempts: 12_000 });
  });

  it('fails a canary with 3% of its invocations throttled', () => {
    const canary = steadySeries(3, { requests: 1164, throttles: 36 });
    const result = judgeSaturation(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 3) }), ctx);
    expect(result.status).toBe('fail');
    expect(result.statistics).toMatchObject({ canaryThrottles: 108, canaryAttempts: 3600 });
  });

  it('does not fail for one stray throttle in a small window', () => {
    const canary = steadySeries(1, { requests: 59, throttles: 1 });
    expect(judgeSaturation(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 1) }), ctx).status).toBe('continue');
  });

  it('has no data when the canary saw no invocations', () => {
    expect(judgeSaturation(newTargetWindow({ canary: [], baseline: BUSY_BASELINE }), ctx).status).toBe('no-data');
  });

  it('warns when both versions together use more than 80% of the concurrency limit in some minute', () => {
    const canary = steadySeries(10, { requests: 1200, concurrency: 100 });
    const baseline = [...BUSY_BASELINE.slice(0, 9), ...steadySeries(1, { requests: 10_800, concurrency: 750 }, 9)];
    const result = judgeSaturation(newTargetWindow({ canary, baseline }), ctx);
    expect(result.status).toBe('warn');
    expect(result.statistics).toMatchObject({ peakConcurrency: 850, utilisation: 0.85 });
    expect(result.reason).toMatch(/peak concurrency 850 is 85% of 1,000 \(warns above 80%\)/);
  });

  it('uses the policy concurrency limit', () => {
    const result = judgeSaturation(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ saturation: { concurrencyLimit: 350 } }));
    expect(result.status).toBe('warn');
  });

  it('is skipped when the policy disables it', () => {
    expect(judgeSaturation(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ saturation: { enabled: false } })).status).toBe('skipped');
  });
});
