import { preparePlan } from '../../lib/controller/prepared-plan';
import { planRollout } from '../../lib/domain/plan';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { PRESET_STRETCH_SECONDS } from '../../lib/domain/strategies';
import { historyAt } from '../helpers/traffic-history';
import { newTestRequest } from '../helpers/requests';

const key = 'lambda:orders-api:live';
const baselinesAt = (rps: number) => ({ [key]: { requestsPerMinute: rps * 60, history: historyAt(rps), slowThresholdMs: 300 } });

describe('preparePlan', () => {
  it('keeps a preset as it is when the traffic can rule out the critical regression within it', () => {
    const request = parseRolloutRequest(newTestRequest({ strategy: 'progressive' }));
    const plan = planRollout(request);
    const { prepared, shortfalls } = preparePlan(request, plan, baselinesAt(200));
    expect(shortfalls).toEqual([]);
    expect(prepared.steps).toEqual(plan.steps);
    expect(prepared.requirements[0].targetKey).toBe(key);
  });

  it('stretches a preset’s last step at low traffic, so that a healthy release can still be promoted', () => {
    const request = parseRolloutRequest(newTestRequest({ strategy: 'progressive' }));
    const plan = planRollout(request);
    const { prepared, shortfalls } = preparePlan(request, plan, baselinesAt(2));
    const last = prepared.steps.at(-1)!;
    expect(shortfalls).toEqual([]);
    expect(last.maxBakeSeconds).toBeGreaterThan(plan.steps.at(-1)!.maxBakeSeconds);
    expect(last.maxBakeSeconds).toBeLessThanOrEqual(PRESET_STRETCH_SECONDS);
    expect(prepared.maxDurationSeconds - plan.maxDurationSeconds).toBe(last.maxBakeSeconds - plan.steps.at(-1)!.maxBakeSeconds);
  });

  it('leaves a custom strategy’s bakes alone and reports the shortfall instead', () => {
    const request = parseRolloutRequest(newTestRequest({ strategy: { steps: [{ weight: 10, minBakeSeconds: 300, maxBakeSeconds: 600 }, { weight: 100, minBakeSeconds: 300, maxBakeSeconds: 600 }] } }));
    const plan = planRollout(request);
    const { prepared, shortfalls } = preparePlan(request, plan, baselinesAt(2));
    expect(prepared.steps).toEqual(plan.steps);
    expect(shortfalls.some((s) => /errors: at 2 rps this strategy can rule out/.test(s))).toBe(true);
  });

  it('reports a shortfall even a stretched preset cannot cover', () => {
    const request = parseRolloutRequest(newTestRequest({ strategy: 'progressive' }));
    const { prepared, shortfalls } = preparePlan(request, planRollout(request), baselinesAt(0.1));
    expect(prepared.steps.at(-1)!.maxBakeSeconds).toBe(PRESET_STRETCH_SECONDS);
    expect(shortfalls.length).toBeGreaterThan(0);
  });
});
