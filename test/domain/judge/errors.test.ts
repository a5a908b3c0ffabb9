import { judgeErrors } from '../../../lib/domain/judge';
import { BUSY_BASELINE, BUSY_CANARY, minuteAt, newSignalContext, newTargetWindow, steadySeries, TEST_PLAN } from './fixtures';

describe('judgeErrors', () => {
  const ctx = newSignalContext();

  it('passes a canary with the stable error rate once it has ruled out the critical regression', () => {
    const result = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), ctx);
    expect(result).toMatchObject({ signal: 'errors', targetKey: 'lambda:orders:live', status: 'pass' });
    expect(result.reason).toMatch(/^error rate: canary 0.5% \(60 of 12,000\) vs stable 0.5% of 108,000: rules out ×2 since the rollout began; change detector/);
    expect(result.statistics.logPooledRuleOut).toBeGreaterThanOrEqual(result.thresholds.logRuleOutThreshold);
  });

  it('fails a canary with three times the error rate within three minutes, with the e-value past 1/α', () => {
    const canary = steadySeries(3, { requests: 1200, errors: 18 });
    const result = judgeErrors(newTargetWindow({ canary, baseline: BUSY_BASELINE.slice(0, 3) }), ctx);
    expect(result.status).toBe('fail');
    expect(result.statistics.logFailEvidence).toBeGreaterThanOrEqual(result.thresholds.logFailThreshold);
    expect(result.reason).toMatch(/evidence of a regression of ×2 or worse \(e-value [\d.e+]+ ≥ 222\)/);
  });

  it('continues while a window is too small to rule anything out, saying how much more it needs', () => {
    const canary = steadySeries(1, { requests: 60, errors: 0 });
    const baseline = steadySeries(1, { requests: 540, errors: 3 });
    const result = judgeErrors(newTargetWindow({ canary, baseline }), ctx);
    expect(result.status).toBe('continue');
    expect(result.statistics.moreCanaryRequests).toBeGreaterThan(1000);
    expect(result.reason).toMatch(/not yet ruling out ×2 since the rollout began .* needs about [\d,]+ more canary requests/);
  });

  it('keeps the evidence of earlier steps: a new step passes on what came before when its own requirement is nothing', () => {
    // Ten busy minutes at 10%, then a step that began at minute 10 and has shown nothing yet.
    const window = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, judgedStarts: [minuteAt(0), minuteAt(10)], plan: { ...TEST_PLAN, judgedPhases: 2 } });
    expect(judgeErrors(window, ctx).status).toBe('pass');
  });

  it('holds a step to its own requirement, which only its own requests can meet', () => {
    const plan = { ...TEST_PLAN, judgedPhases: 2, signals: { errors: { stableRate: 0.005, critical: 2, own: 2 } } };
    const window = newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE, judgedStarts: [minuteAt(0), minuteAt(10)], plan });
    const result = judgeErrors(window, ctx);
    expect(result.status).toBe('continue');
    expect(result.reason).toMatch(/not yet ruling out ×2 at this step/);
  });

  it('names the step a regression began at when it began late, with that step’s rate', () => {
    const healthy = steadySeries(10, { requests: 1200, errors: 6 });
    const bad = steadySeries(3, { requests: 1200, errors: 60 }, 10);
    const plan = { ...TEST_PLAN, judgedPhases: 2, phaseLabels: ['Canary (1%)', 'Partial (25%)'] };
    const window = newTargetWindow({ canary: [...healthy, ...bad], baseline: steadySeries(13, { requests: 10_800, errors: 54 }), judgedStarts: [minuteAt(0), minuteAt(10)], plan });
    const result = judgeErrors(window, ctx);
    expect(result.status).toBe('fail');
    expect(result.statistics.regressionFromPhase).toBe(1);
    expect(result.reason).toMatch(/; since Partial \(25%\): canary 5% \(180 of 3,600\)/);
  });

  it('has no data when the canary served no requests', () => {
    expect(judgeErrors(newTargetWindow({ canary: [], baseline: BUSY_BASELINE }), ctx).status).toBe('no-data');
  });

  it('derives the critical regression from the policy when no plan sized it: the larger of +50% and +0.5 points', () => {
    const busyBaseline = steadySeries(100, { requests: 100_000, errors: 2000 });
    expect(judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: busyBaseline, plan: undefined }), ctx).thresholds.critical).toBeCloseTo(1.5, 3);
    const quiet = steadySeries(100, { requests: 100_000, errors: 100 });
    expect(judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: quiet, plan: undefined }), ctx).thresholds.critical).toBeCloseTo(1 + 0.005 / 0.001, 1);
  });

  it('is skipped when the policy disables it', () => {
    const result = judgeErrors(newTargetWindow({ canary: BUSY_CANARY, baseline: BUSY_BASELINE }), newSignalContext({ errors: { enabled: false } }));
    expect(result.status).toBe('skipped');
  });
});
