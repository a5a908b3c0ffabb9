import { APPROVAL_TIMEOUT_SECONDS, MAX_EVALUATION_TICKS, planRollout } from '../../lib/domain/plan';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { PRESET_NAMES, presetStrategy } from '../../lib/domain/strategies';
import { newTestRequest } from '../helpers/requests';

describe('presets', () => {
  it('progressive is the documented ladder, with its step names', () => {
    expect(presetStrategy('progressive').steps.map((s) => [s.name, s.weight])).toEqual([
      ['Validation', 0],
      ['Canary', 1],
      ['Early Adopter', 5],
      ['Partial', 25],
      ['Majority', 75],
      ['Complete', 100],
    ]);
  });

  it('exponential starts at 1% and doubles', () => {
    expect(presetStrategy('exponential').steps.map((s) => s.weight)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
  });

  it('canary-10-5m bakes 10% for at least five minutes, like CodeDeploy Canary10Percent5Minutes', () => {
    expect(presetStrategy('canary-10-5m').steps[0]).toMatchObject({ weight: 10, minBakeSeconds: 300 });
  });

  it.each(PRESET_NAMES)('%s has increasing weights ending at a judged 100%% step', (name) => {
    const weights = presetStrategy(name).steps.map((s) => s.weight);
    expect(weights[weights.length - 1]).toBe(100);
    weights.slice(1).forEach((w, i) => expect(w).toBeGreaterThan(weights[i]));
    // Every preset is itself a valid request.
    expect(() => parseRolloutRequest(newTestRequest({ strategy: name }))).not.toThrow();
  });
});

describe('planRollout', () => {
  it('splits the false-rollback budget over every test of every judged step', () => {
    const plan = planRollout(parseRolloutRequest(newTestRequest({ strategy: 'progressive' })));
    const oneTarget = plan.alphaPerTest;
    const twoTargets = planRollout(
      parseRolloutRequest(
        newTestRequest({
          targets: [
            { kind: 'lambda-alias', functionName: 'a', alias: 'live', newVersion: '2' },
            { kind: 'lambda-alias', functionName: 'b', alias: 'live', newVersion: '2' },
          ],
        }),
      ),
    ).alphaPerTest;
    expect(oneTarget).toBeLessThan(0.01 / 5); // five judged steps (the 0% validation step runs no canary test)
    expect(twoTargets).toBeCloseTo(oneTarget / 2, 12);
  });

  it('keeps the 1-minute interval for ordinary rollouts', () => {
    expect(planRollout(parseRolloutRequest(newTestRequest())).evaluationIntervalSeconds).toBe(60);
  });

  it('widens the interval of week-long rollouts to stay inside the execution-history limit', () => {
    const week = 7 * 24 * 3600;
    const plan = planRollout(
      parseRolloutRequest(newTestRequest({ strategy: { steps: [{ weight: 50, minBakeSeconds: 0, maxBakeSeconds: week }] } })),
    );
    expect(plan.evaluationIntervalSeconds).toBeGreaterThan(60);
    expect(week / plan.evaluationIntervalSeconds).toBeLessThanOrEqual(MAX_EVALUATION_TICKS);
  });

  it('lets target locks outlive the longest possible rollout, approvals included', () => {
    const plan = planRollout(
      parseRolloutRequest(
        newTestRequest({ strategy: { steps: [{ weight: 10, minBakeSeconds: 60, maxBakeSeconds: 600, approval: true }] } }),
      ),
    );
    expect(plan.maxDurationSeconds).toBeGreaterThanOrEqual(600 + APPROVAL_TIMEOUT_SECONDS);
  });
});
