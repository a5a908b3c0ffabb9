import { judge, signalAlphas } from '../../../lib/domain/judge';
import { DEFAULT_POLICY, policySchema } from '../../../lib/domain/policy';
import { BUSY_BASELINE, BUSY_CANARY, customPoints, newCustomMetric, newCustomWindow, newJudgeInput, newTargetWindow, steadySeries } from './fixtures';

const healthyTarget = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE });
const failingTarget = newTargetWindow({ targetKey: 'lambda:payments:live', canary: steadySeries(3, { requests: 1200, errors: 36 }), baseline: BUSY_BASELINE.slice(0, 3) });
/** Ten quiet minutes: 1 canary request a minute, nowhere near enough to decide. */
const quietTarget = newTargetWindow({ canary: steadySeries(30, { requests: 1 }), baseline: steadySeries(30, { requests: 11 }) });

describe('judge', () => {
  describe('fail', () => {
    it('fails as soon as any signal fails, even before the minimum bake', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 60, targets: [failingTarget] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toMatch(/^errors failed on lambda:payments:live: error rate: canary 3%/);
    });

    it('fails a release group when one of its targets fails, whatever the others show', () => {
      const noData = newTargetWindow({ targetKey: 'lambda:empty:live' });
      const verdict = judge(newJudgeInput({ step: { weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800, minSamples: 1_000_000 }, targets: [healthyTarget, noData, failingTarget] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toMatch(/lambda:payments:live/);
    });
  });

  describe('no canary data', () => {
    // A quiet function at a 1% step: 12 requests a minute, and none has reached the canary yet.
    const step = { weight: 1, minBakeSeconds: 300, maxBakeSeconds: 1800 };
    const noCanary = newTargetWindow({ expectedCanaryShare: 0.01, canary: [], baseline: steadySeries(30, { requests: 12 }) });

    it('continues before the maximum bake', () => {
      const verdict = judge(newJudgeInput({ step, elapsedSeconds: 600, targets: [noCanary] }));
      expect(verdict.value).toBe('continue');
      expect(verdict.reason).toMatch(/no canary requests yet/);
    });

    it('is inconclusive at the maximum bake, saying how much was seen and roughly how many canary requests are needed', () => {
      const verdict = judge(newJudgeInput({ step, elapsedSeconds: 1800, targets: [noCanary] }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toMatch(/^no canary requests in 1800s at 1% \(baseline: 360 requests\): a decision needs about [\d,]+ canary requests/);
    });

    it('fails the traffic signal when a busy baseline leaves no doubt the canary is starved (routing is broken)', () => {
      const starved = newTargetWindow({ canary: [], baseline: steadySeries(10, { requests: 100 }) });
      const verdict = judge(newJudgeInput({ targets: [starved] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toMatch(/^traffic failed on lambda:orders:live: traffic: canary got 0% of 1,000 requests, expected 10%: starved/);
    });

    it('says so when neither version saw traffic', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 1800, targets: [newTargetWindow()] }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toMatch(/no traffic reached either version/);
    });
  });

  describe('pass', () => {
    it('passes once every signal passes after the minimum bake', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 300, targets: [healthyTarget] }));
      expect(verdict.value).toBe('pass');
      expect(verdict.signals.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
      expect(verdict).toMatchObject({ canaryRequests: 12_000, baselineRequests: 108_000 });
    });

    it('only continues before the minimum bake, however clear the evidence', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 299, targets: [healthyTarget] }));
      expect(verdict.value).toBe('continue');
      expect(verdict.reason).toMatch(/baking 299s of the 300s minimum/);
    });

    it('only continues until the canary has the step’s minSamples', () => {
      const step = { weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800, minSamples: 20_000 };
      const verdict = judge(newJudgeInput({ step, targets: [healthyTarget] }));
      expect(verdict.value).toBe('continue');
      expect(verdict.reason).toMatch(/has 12,000 of the 20,000 canary requests the step requires/);
      expect(judge(newJudgeInput({ step: { ...step, minSamples: 12_000 }, targets: [healthyTarget] })).value).toBe('pass');
    });

    it('does not let a warning block a pass, and names it in the reason', () => {
      const busy = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, preRolloutRequestsPerMinute: 20_000 });
      const verdict = judge(newJudgeInput({ targets: [busy] }));
      expect(verdict.value).toBe('pass');
      expect(verdict.reason).toMatch(/warnings: traffic on lambda:orders:live: traffic: .*below the pre-rollout/);
    });

    it('passes with signals the policy disables, which are reported as skipped', () => {
      const policy = policySchema.parse({ latency: { enabled: false }, saturation: { enabled: false } });
      const noThreshold = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, slowThresholdMs: undefined });
      const verdict = judge(newJudgeInput({ policy, targets: [noThreshold] }));
      expect(verdict.value).toBe('pass');
      expect(verdict.signals.map((s) => [s.signal, s.status])).toEqual([
        ['errors', 'pass'],
        ['latency', 'skipped'],
        ['traffic', 'pass'],
        ['saturation', 'skipped'],
      ]);
    });
  });

  describe('inconclusive', () => {
    it('continues while signals are undecided before the maximum bake', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 1799, targets: [quietTarget] }));
      expect(verdict.value).toBe('continue');
      expect(verdict.reason).toMatch(/^waiting for evidence: errors on lambda:orders:live is undecided/);
    });

    it('is inconclusive at the maximum bake, naming the undecided signals and the canary requests still needed', () => {
      const verdict = judge(newJudgeInput({ elapsedSeconds: 1800, targets: [quietTarget] }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toMatch(/^max bake 1800s reached without a decision: errors on lambda:orders:live is undecided after 30 canary requests, needs about [\d,]+ more canary requests/);
      expect(verdict.reason).toMatch(/a decision needs about [\d,]+ more canary requests, about [\d,]+ more minutes at the current 1 canary requests\/min$/);
    });

    it('never passes without a slow-request threshold: latency has no data, so the step ends inconclusive', () => {
      const noThreshold = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, slowThresholdMs: undefined });
      expect(judge(newJudgeInput({ targets: [noThreshold] })).value).toBe('continue');
      const verdict = judge(newJudgeInput({ elapsedSeconds: 1800, targets: [noThreshold] }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toMatch(/latency on lambda:orders:live has no data \(latency: no slow-request threshold/);
    });
  });

  describe('validation step (0%)', () => {
    const step = { weight: 0, minBakeSeconds: 120, maxBakeSeconds: 600 };
    const validation = (baselineRequests: number) =>
      newTargetWindow({ expectedCanaryShare: 0, baseline: baselineRequests > 0 ? steadySeries(3, { requests: baselineRequests / 3 }) : [] });

    it('passes after the minimum bake when the baseline shows the metric pipeline works', () => {
      const verdict = judge(newJudgeInput({ step, elapsedSeconds: 120, targets: [validation(300)] }));
      expect(verdict.value).toBe('pass');
      expect(verdict.signals.filter((s) => s.status === 'skipped').map((s) => s.signal)).toEqual(['errors', 'latency', 'saturation']);
    });

    it('continues before the minimum bake', () => {
      expect(judge(newJudgeInput({ step, elapsedSeconds: 60, targets: [validation(300)] })).value).toBe('continue');
    });

    it('does not pass without baseline data, and is inconclusive at the maximum bake', () => {
      expect(judge(newJudgeInput({ step, elapsedSeconds: 300, targets: [validation(0)] })).value).toBe('continue');
      const verdict = judge(newJudgeInput({ step, elapsedSeconds: 600, targets: [validation(0)] }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toMatch(/metric pipeline is not proven/);
    });

    it('does not judge the canary, even if it has data', () => {
      const smokeTested = newTargetWindow({ expectedCanaryShare: 0, canary: steadySeries(1, { requests: 10, errors: 10 }), baseline: BUSY_BASELINE });
      expect(judge(newJudgeInput({ step, targets: [smokeTested] })).value).toBe('pass');
    });
  });

  describe('alarms and custom metrics', () => {
    const alarmPolicy = policySchema.parse({ alarms: ['orders-5xx', 'orders-dlq-depth'] });
    const dlq = { name: 'orders-dlq-depth', reason: 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).' };

    it('fails an otherwise passing step when a named alarm is in ALARM, naming the alarm', () => {
      expect(judge(newJudgeInput({ policy: alarmPolicy, targets: [healthyTarget], firingAlarms: [] })).value).toBe('pass');
      const verdict = judge(newJudgeInput({ policy: alarmPolicy, targets: [healthyTarget], firingAlarms: [dlq] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toBe(`alarms failed: alarms: 1 in ALARM: orders-dlq-depth (${dlq.reason})`);
    });

    it('fails on a firing alarm before the minimum bake', () => {
      const verdict = judge(newJudgeInput({ policy: alarmPolicy, elapsedSeconds: 60, targets: [healthyTarget], firingAlarms: [dlq] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toMatch(/orders-dlq-depth/);
    });

    it('records the alarms and each custom metric as signals of their own', () => {
      const custom = [newCustomWindow({ canary: customPoints(1, 1, 1) }), newCustomWindow({ metric: newCustomMetric({ name: 'refunds', versionDimension: undefined }), targetKey: '*', canary: customPoints(0, 0, 0), baseline: undefined })];
      const verdict = judge(newJudgeInput({ policy: alarmPolicy, targets: [healthyTarget], firingAlarms: [], custom }));
      expect(verdict.value).toBe('pass');
      expect(verdict.signals.filter((s) => s.signal === 'alarms' || s.signal === 'custom').map((s) => [s.signal, s.targetKey, s.status])).toEqual([
        ['alarms', '*', 'pass'],
        ['custom', 'lambda:orders:live', 'pass'],
        ['custom', '*', 'pass'],
      ]);
    });

    it('fails a step when a custom metric breaches its bound, naming the metric', () => {
      const verdict = judge(newJudgeInput({ targets: [healthyTarget], custom: [newCustomWindow({ canary: customPoints(20, 20, 20) })] }));
      expect(verdict.value).toBe('fail');
      expect(verdict.reason).toBe('custom failed on lambda:orders:live: checkout_errors: canary mean 20 over 3 datapoints is above the max 10');
    });

    it('does not pass while a custom metric has too few datapoints, and is inconclusive at the maximum bake naming it', () => {
      const custom = [newCustomWindow({ canary: customPoints(1) })];
      const waiting = judge(newJudgeInput({ targets: [healthyTarget], custom }));
      expect(waiting.value).toBe('continue');
      expect(waiting.reason).toMatch(/^waiting for evidence: custom on lambda:orders:live has no data \(checkout_errors: 1 of the 3 canary datapoints needed/);
      const verdict = judge(newJudgeInput({ elapsedSeconds: 1800, targets: [healthyTarget], custom }));
      expect(verdict.value).toBe('inconclusive');
      expect(verdict.reason).toBe('max bake 1800s reached without a decision: custom on lambda:orders:live has no data (checkout_errors: 1 of the 3 canary datapoints needed (minDatapoints))');
    });

    it('names a metric judged as a whole without a target', () => {
      const custom = [newCustomWindow({ metric: newCustomMetric({ versionDimension: undefined }), targetKey: '*', canary: [], baseline: undefined })];
      expect(judge(newJudgeInput({ elapsedSeconds: 1800, targets: [healthyTarget], custom })).reason).toMatch(/without a decision: custom has no data \(checkout_errors: 0 of the 3/);
    });

    it('does not let a custom metric warning block a pass', () => {
      const metric = newCustomMetric({ max: undefined, maxIncrease: 0.2 });
      const custom = [newCustomWindow({ metric, canary: customPoints(1, 1, 1), baseline: customPoints(0, 0, 0) })];
      const verdict = judge(newJudgeInput({ targets: [healthyTarget], custom }));
      expect(verdict.value).toBe('pass');
      expect(verdict.reason).toMatch(/warnings: custom on lambda:orders:live: checkout_errors: canary mean 1 /);
    });

    describe('on a validation step (0%)', () => {
      const step = { weight: 0, minBakeSeconds: 120, maxBakeSeconds: 600 };
      const validation = newTargetWindow({ expectedCanaryShare: 0, baseline: steadySeries(3, { requests: 100 }) });

      it('fails when a named alarm is in ALARM', () => {
        const verdict = judge(newJudgeInput({ policy: alarmPolicy, step, elapsedSeconds: 120, targets: [validation], firingAlarms: [dlq] }));
        expect(verdict.value).toBe('fail');
        expect(verdict.reason).toMatch(/^alarms failed: .*orders-dlq-depth/);
      });

      it('skips custom metrics, which neither block nor fail it', () => {
        const custom = [newCustomWindow({ canary: [] }), newCustomWindow({ metric: newCustomMetric({ versionDimension: undefined }), targetKey: '*', canary: customPoints(99, 99, 99), baseline: undefined })];
        const verdict = judge(newJudgeInput({ policy: alarmPolicy, step, elapsedSeconds: 120, targets: [validation], firingAlarms: [], custom }));
        expect(verdict.value).toBe('pass');
        expect(verdict.signals.filter((s) => s.signal === 'custom').map((s) => s.status)).toEqual(['skipped', 'skipped']);
      });
    });

    it('returns an error verdict for a custom metric read for a target the step does not have', () => {
      const verdict = judge(newJudgeInput({ targets: [healthyTarget], custom: [newCustomWindow({ targetKey: 'lambda:unknown:live' })] }));
      expect(verdict).toMatchObject({ value: 'error', reason: 'RangeError: custom metric checkout_errors was read for lambda:unknown:live, which is not a target of this step' });
    });
  });

  describe('error', () => {
    it('returns an error verdict, never throws, on impossible data', () => {
      const broken = newTargetWindow({ canary: steadySeries(1, { requests: 1, errors: 3 }), baseline: BUSY_BASELINE });
      const verdict = judge(newJudgeInput({ targets: [broken] }));
      expect(verdict).toMatchObject({ value: 'error', signals: [] });
      expect(verdict.reason).toBe('RangeError: lambda:orders:live canary has more errors (3) than requests (1) over the window');
    });

    it('returns an error verdict on negative counts', () => {
      const broken = newTargetWindow({ canary: steadySeries(1, { requests: -5 }) });
      expect(judge(newJudgeInput({ targets: [broken] })).reason).toMatch(/^RangeError: lambda:orders:live canary at 2025-01-01T00:00:00.000Z has a count that is not ≥ 0: .*"requests":-5/);
    });

    it('returns an error verdict on an invalid step', () => {
      expect(judge(newJudgeInput({ step: { weight: 10, minBakeSeconds: 600, maxBakeSeconds: 300 } })).reason).toMatch(/minBakeSeconds ≤ maxBakeSeconds/);
      expect(judge(newJudgeInput({ targets: [] })).reason).toMatch(/no targets/);
    });
  });
});

describe('signalAlphas', () => {
  it('splits the false-rollback budget over signals and targets, never over steps or looks', () => {
    const one = signalAlphas(DEFAULT_POLICY, 1);
    expect(one.errors + one.latency + one.saturation + one.traffic).toBeCloseTo(DEFAULT_POLICY.falseRollbackBudget, 12);
    expect(one.errors).toBeGreaterThan(one.saturation);
    expect(signalAlphas(DEFAULT_POLICY, 3).errors).toBeCloseTo(one.errors / 3, 12);
  });

  it('gives a disabled signal’s share to the others', () => {
    const alphas = signalAlphas(policySchema.parse({ traffic: { enabled: false }, saturation: { enabled: false } }), 1);
    expect(alphas).toMatchObject({ traffic: 0, saturation: 0 });
    expect(alphas.errors + alphas.latency).toBeCloseTo(0.01, 12);
  });
});
