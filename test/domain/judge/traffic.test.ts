import { judgeTraffic } from '../../../lib/domain/judge';
import { spanMinutes } from '../../../lib/domain/judge/window';
import { BUSY_BASELINE, BUSY_CANARY, minuteAt, newMinute, newSignalContext, newTargetWindow, steadySeries } from './fixtures';

describe('judgeTraffic', () => {
  const ctx = newSignalContext();

  describe('canary share', () => {
    it('passes a canary that gets its expected 10%', () => {
      const result = judgeTraffic(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
      expect(result.status).toBe('pass');
      expect(result.statistics.canaryShare).toBeCloseTo(0.1, 12);
    });

    it('fails a starved canary: 2% of requests where 10% were expected', () => {
      const canary = steadySeries(2, { requests: 240 });
      const baseline = steadySeries(2, { requests: 11_760 });
      const result = judgeTraffic(newTargetWindow({ canary, baseline }), ctx);
      expect(result.status).toBe('fail');
      expect(result.thresholds.starvedShare).toBeCloseTo(0.05, 12);
      expect(result.reason).toMatch(/canary got 2% of 24,000 requests, expected 10%: starved, below 5%/);
    });

    it('passes a canary that gets more than its share (only starvation fails)', () => {
      const result = judgeTraffic(newTargetWindow({ canary: steadySeries(2, { requests: 3000 }), baseline: steadySeries(2, { requests: 9000 }) }), ctx);
      expect(result.status).toBe('pass');
    });

    it('holds nothing up while a window is too small to tell: only starvation fails', () => {
      const result = judgeTraffic(newTargetWindow({ canary: steadySeries(1, { requests: 1 }), baseline: steadySeries(1, { requests: 11 }) }), ctx);
      expect(result.status).toBe('pass');
      expect(result.reason).toMatch(/no sign of starvation/);
    });

    it('waits for the step’s requests without blocking when none has arrived yet', () => {
      const result = judgeTraffic(newTargetWindow({ phaseStart: minuteAt(10), canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
      expect(result.status).toBe('pass');
      expect(result.reason).toMatch(/no requests of this step have arrived yet/);
    });

    it('looks at the current step only: a share that was right at the last weight can be starved at this one', () => {
      const before = { canary: steadySeries(5, { requests: 120 }), baseline: steadySeries(5, { requests: 11_880 }) };
      const after = { canary: steadySeries(2, { requests: 120 }, 5), baseline: steadySeries(2, { requests: 11_880 }, 5) };
      const window = newTargetWindow({ phaseStart: minuteAt(5), expectedCanaryShare: 0.25, canary: [...before.canary, ...after.canary], baseline: [...before.baseline, ...after.baseline] });
      expect(judgeTraffic(window, ctx).status).toBe('fail');
    });

    it('is skipped at 100%, where the stable version serves nothing', () => {
      const result = judgeTraffic(newTargetWindow({ expectedCanaryShare: 1, canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
      expect(result.status).toBe('skipped');
      expect(result.reason).toMatch(/stable version serves nothing/);
    });
  });

  describe('total traffic drop', () => {
    it('warns when total traffic is more than 10% below the pre-rollout rate', () => {
      const result = judgeTraffic(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, preRolloutRequestsPerMinute: 15_000 }), ctx);
      expect(result.status).toBe('warn');
      expect(result.statistics.totalDrop).toBeCloseTo(0.2, 12);
      expect(result.reason).toMatch(/total traffic 12,000\/min is 20% below the pre-rollout 15,000\/min/);
    });

    it('does not warn for a drop within the threshold', () => {
      const result = judgeTraffic(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, preRolloutRequestsPerMinute: 13_000 }), ctx);
      expect(result.status).toBe('pass');
    });

    it('does not warn for a 20% dip that is within Poisson noise at low traffic', () => {
      const quiet = judgeTraffic(newTargetWindow({ canary: steadySeries(3, { requests: 8 }), expectedCanaryShare: 1, preRolloutRequestsPerMinute: 10 }), ctx);
      expect(quiet.statistics.totalDrop).toBeCloseTo(0.2, 12);
      expect(quiet.status).toBe('skipped');
    });

    it('counts minutes without data as quiet minutes', () => {
      const canary = [...steadySeries(1, { requests: 12_000 }), ...steadySeries(1, { requests: 12_000 }, 4)];
      const result = judgeTraffic(newTargetWindow({ canary, expectedCanaryShare: 1, preRolloutRequestsPerMinute: 12_000 }), ctx);
      expect(result.statistics.totalRequestsPerMinute).toBeCloseTo(24_000 / 5, 9);
      expect(result.status).toBe('warn');
    });

    it('reads whole minutes only: a minute still filling is not a drop', () => {
      const filling = [...BUSY_CANARY, ...steadySeries(1, { requests: 100 }, 10)];
      const result = judgeTraffic(newTargetWindow({ canary: filling, baseline: BUSY_BASELINE, completeBefore: minuteAt(10), preRolloutRequestsPerMinute: 12_000 }), ctx);
      expect(result.status).toBe('pass');
      expect(result.statistics.totalRequestsPerMinute).toBe(12_000);
    });
  });

  it('is skipped when the policy disables it', () => {
    expect(judgeTraffic(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ traffic: { enabled: false } })).status).toBe('skipped');
  });
});

describe('spanMinutes', () => {
  it('spans first to last minute inclusive, whatever the order and gaps', () => {
    expect(spanMinutes([newMinute(4), newMinute(0)], [newMinute(2)])).toBe(5);
    expect(spanMinutes([])).toBe(0);
  });

  it('reads timestamps with offsets correctly', () => {
    const offset = { ...newMinute(0), minute: '2025-01-01T01:00:00+01:00' }; // = minute 0
    expect(spanMinutes([offset, newMinute(9)])).toBe(10);
  });

  it('refuses a minute that is not a timestamp', () => {
    expect(() => spanMinutes([{ ...newMinute(0), minute: 'yesterday' }])).toThrow(/not an ISO timestamp/);
  });
});
