import { APPROVAL_TIMEOUT_SECONDS, judgedPhaseIndex, MAX_EVALUATION_TICKS, planRollout, withLastStepMaxBake } from '../../lib/domain/plan';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { PRESET_NAMES, PRESET_STRETCH_SECONDS, presetStrategy } from '../../lib/domain/strategies';
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
  it('lists the judged phases: every step with weight above 0, then the final bake', () => {
    const plan = planRollout(parseRolloutRequest(newTestRequest({ strategy: { steps: [{ weight: 0, minBakeSeconds: 0, maxBakeSeconds: 600 }, { weight: 10, minBakeSeconds: 60, maxBakeSeconds: 600 }], finalBakeSeconds: 300 } })));
    expect(plan.judgedPhases.map((p) => [p.phase, p.stepIndex, p.weight, p.minBakeSeconds, p.maxBakeSeconds])).toEqual([
      ['step', 1, 10, 60, 600],
      ['final-bake', 1, 100, 300, 600],
    ]);
    expect(judgedPhaseIndex(plan, 'step', 0)).toBe(-1);
    expect(judgedPhaseIndex(plan, 'final-bake', 1)).toBe(1);
  });

  it('lets presets stretch their last step for low traffic, and custom strategies not', () => {
    expect(planRollout(parseRolloutRequest(newTestRequest({ strategy: 'progressive' }))).stretchLastStepToSeconds).toBe(PRESET_STRETCH_SECONDS);
    expect(planRollout(parseRolloutRequest(newTestRequest({ strategy: { steps: [{ weight: 100, minBakeSeconds: 0, maxBakeSeconds: 60 }] } }))).stretchLastStepToSeconds).toBeUndefined();
  });

  it('stretches the last step and the duration bound together', () => {
    const plan = planRollout(parseRolloutRequest(newTestRequest({ strategy: 'canary-10-5m' })));
    const stretched = withLastStepMaxBake(plan, 3600);
    expect(stretched.steps.at(-1)?.maxBakeSeconds).toBe(3600);
    expect(stretched.judgedPhases.at(-1)?.maxBakeSeconds).toBe(3600);
    expect(stretched.maxDurationSeconds - plan.maxDurationSeconds).toBe(3600 - (plan.steps.at(-1)?.maxBakeSeconds ?? 0));
    expect(withLastStepMaxBake(plan, 60)).toBe(plan);
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
