import type { RolloutRecord } from '../../lib/adapters/ledger';
import { evaluationWindow, targetWindows } from '../../lib/controller/evaluation-window';
import { preparePlan } from '../../lib/controller/prepared-plan';
import type { RolloutContext } from '../../lib/controller/rollout-context';
import { planRollout } from '../../lib/domain/plan';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { targetKey } from '../../lib/domain/targets';
import { FLAG_TARGET, newTestRequest } from '../helpers/requests';
import { historyAt } from '../helpers/traffic-history';

const T = (hhmmss: string) => new Date(`2026-03-02T${hhmmss}.000Z`);

/** A progressive rollout of `targets`, shifted to Validation at 09:00:30, Canary at 09:02:40 and Early Adopter at 09:08:10. */
function context(request = newTestRequest()): RolloutContext {
  const parsed = parseRolloutRequest(request);
  const baselines = Object.fromEntries(parsed.targets.map((t) => [targetKey(t), { history: historyAt(50), requestsPerMinute: 3000, slowThresholdMs: 300 }]));
  const { prepared } = preparePlan(parsed, planRollout(parsed), baselines);
  const record = {
    rolloutId: 'r-1',
    createdAt: T('09:00:00').toISOString(),
    phaseStarts: [
      { phase: 'step', stepIndex: 0, weight: 0, at: T('09:00:30').toISOString() },
      { phase: 'step', stepIndex: 1, weight: 1, at: T('09:02:40').toISOString() },
      { phase: 'step', stepIndex: 2, weight: 5, at: T('09:08:10').toISOString() },
    ],
  } as unknown as RolloutRecord;
  const targets = parsed.targets.map((target) => ({ target, captured: { targetKey: targetKey(target), kind: target.kind, stableVersion: '41', newVersion: '42', attributes: {} } }));
  return { record, request: parsed, plan: prepared, targets };
}

const position = { phase: 'step' as const, stepIndex: 2, phaseStartedAt: T('09:08:10'), weight: 5 };

describe('evaluationWindow', () => {
  it('reads the whole rollout, up to the minute in progress, and knows where each judged step began', () => {
    const window = evaluationWindow(context(), position, T('09:12:20'));
    expect(window.from).toEqual(T('09:00:00'));
    expect(window.to).toEqual(T('09:13:00'));
    expect(window.judgedStarts).toEqual([T('09:02:00'), T('09:08:00')]);
    expect(window.judgedPhase).toBe(1);
    expect(window.phaseStart).toEqual(T('09:09:00'));
    // CloudWatch has a minute whole three minutes on (the policy's metric delay).
    expect(window.completeBefore).toEqual(T('09:09:00'));
  });

  it('starts a step’s own figures later for a flag, whose change takes up to 45 s to reach the functions', () => {
    const flag = evaluationWindow(context(newTestRequest({ targets: [FLAG_TARGET] })), { ...position, phaseStartedAt: T('09:08:40') }, T('09:12:20'));
    expect(flag.phaseStart).toEqual(T('09:10:00'));
    const alias = evaluationWindow(context(), { ...position, phaseStartedAt: T('09:08:40') }, T('09:12:20'));
    expect(alias.phaseStart).toEqual(T('09:09:00'));
  });

  it('compares custom metrics at 100% with as long a stretch before the rollout', () => {
    const window = evaluationWindow(context(), { phase: 'step', stepIndex: 5, phaseStartedAt: T('09:30:00'), weight: 100 }, T('09:39:30'));
    expect(window.customBaseline).toEqual({ from: T('08:50:00'), to: T('09:00:00') });
  });
});

describe('targetWindows', () => {
  it('hands the judge each target’s history and what the plan asks of the current step', () => {
    const ctx = context();
    const window = evaluationWindow(ctx, position, T('09:12:20'));
    const [target] = targetWindows(ctx, window, 5, { golden: new Map(), custom: new Map() });
    const planned = ctx.plan.requirements[0].signals.errors!;
    expect(target).toMatchObject({ targetKey: 'lambda:orders-api:live', expectedCanaryShare: 0.05, judgedStarts: [T('09:02:00').toISOString(), T('09:08:00').toISOString()], history: historyAt(50) });
    expect(target.plan?.judgedPhases).toBe(5);
    expect(target.plan?.phaseLabels?.[1]).toBe('Early Adopter (5%)');
    expect(target.plan?.signals.errors).toEqual({ stableRate: planned.stableRate, critical: planned.critical, own: planned.phases[1].own, pooled: planned.phases[1].pooled });
  });

  it('asks nothing of the 0% validation step, which the judge does not hold to a plan', () => {
    const ctx = context();
    const window = evaluationWindow(ctx, { phase: 'step', stepIndex: 0, phaseStartedAt: T('09:00:30'), weight: 0 }, T('09:01:40'));
    expect(targetWindows(ctx, window, 0, { golden: new Map(), custom: new Map() })[0].plan).toBeUndefined();
  });
});
