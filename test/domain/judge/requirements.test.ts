import { criticalRatio, planTarget, shortfallMessages } from '../../../lib/domain/judge';
import { planRollout } from '../../../lib/domain/plan';
import { DEFAULT_POLICY } from '../../../lib/domain/policy';
import { parseRolloutRequest } from '../../../lib/domain/rollout-request';
import { newTestRequest } from '../../helpers/requests';
import { historyAt } from '../../helpers/traffic-history';

const progressive = planRollout(parseRolloutRequest(newTestRequest({ strategy: 'progressive' }))).judgedPhases;
const key = 'lambda:orders:live';

describe('criticalRatio', () => {
  it('is the larger of the relative and the absolute rise for errors', () => {
    expect(criticalRatio(DEFAULT_POLICY, 'errors', 0.005)).toBeCloseTo(2, 12);
    expect(criticalRatio(DEFAULT_POLICY, 'errors', 0.05)).toBeCloseTo(1.5, 12);
  });

  it('puts slow requests at 1% or twice the stable share, and throttles one point above the stable rate', () => {
    expect(criticalRatio(DEFAULT_POLICY, 'latency', 0.0035)).toBeCloseTo(0.01 / 0.0035, 12);
    expect(criticalRatio(DEFAULT_POLICY, 'latency', 0.02)).toBe(2);
    expect(criticalRatio(DEFAULT_POLICY, 'saturation', 0.0001)).toBeCloseTo(101, 9);
  });
});

describe('planTarget', () => {
  it('holds the last step to the critical regression, and asks nothing of its own of a 1% step at 2 rps', () => {
    const plan = planTarget(key, DEFAULT_POLICY, progressive, historyAt(200), 1);
    const errors = plan.signals.errors!;
    expect(errors.critical).toBeCloseTo(2, 1);
    expect(errors.shortOfCritical).toBe(false);
    expect(errors.phases.at(-1)?.pooled).toBe(errors.critical);
    expect(plan.requestsPerMinute).toBe(12_000);
    expect(planTarget(key, DEFAULT_POLICY, progressive, historyAt(2), 1).signals.errors!.phases[0].own).toBeUndefined();
  });

  it('asks more of busy functions: every requirement at 1000 rps is at least as strict as at 10 rps', () => {
    const busy = planTarget(key, DEFAULT_POLICY, progressive, historyAt(1000), 1).signals.errors!.phases;
    const quiet = planTarget(key, DEFAULT_POLICY, progressive, historyAt(10), 1).signals.errors!.phases;
    busy.forEach((phase, i) => {
      expect(phase.own).toBeDefined();
      if (quiet[i].own !== undefined) expect(phase.own as number).toBeLessThanOrEqual(quiet[i].own as number);
    });
    expect(busy[0].catches as number).toBeLessThan(quiet[0].catches ?? Infinity);
  });

  it('never asks for less than the critical regression can be: requirements are ratios at or above it', () => {
    const plan = planTarget(key, DEFAULT_POLICY, progressive, historyAt(50), 1).signals.latency!;
    for (const phase of plan.phases) for (const r of [phase.own, phase.pooled]) if (r !== undefined) expect(r).toBeGreaterThanOrEqual(plan.critical);
  });

  it('flags a strategy too short for the traffic, and still holds it to the critical regression', () => {
    const short = planRollout(parseRolloutRequest(newTestRequest({ strategy: 'canary-10-5m' }))).judgedPhases;
    const plan = planTarget(key, DEFAULT_POLICY, short, historyAt(0.5), 1);
    const errors = plan.signals.errors!;
    expect(errors.shortOfCritical).toBe(true);
    expect(errors.phases.at(-1)?.pooled).toBe(errors.critical);
    expect(errors.finalRuleOut ?? Infinity).toBeGreaterThan(errors.critical);
    const [message] = shortfallMessages([plan], short);
    expect(message).toMatch(/^lambda:orders:live errors: at 0.5 rps this strategy can rule out ×[\d.]+ \([\d.]+%\), not the critical ×1.9 \(1%\); ruling that out reliably takes about [\d,]+ canary requests, \d+ min at 100%$/);
  });

  it('sizes nothing without traffic before the rollout: only the last phase is held to the critical regression', () => {
    const plan = planTarget(key, DEFAULT_POLICY, progressive, undefined, 1).signals.errors!;
    expect(plan.phases.slice(0, -1).every((p) => p.own === undefined && p.pooled === undefined)).toBe(true);
    expect(plan.phases.at(-1)?.pooled).toBe(plan.critical);
  });
});
