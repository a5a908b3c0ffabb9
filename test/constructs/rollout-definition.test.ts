import aslValidator from 'asl-validator';
import { ROLLED_BACK_STATE, STATE, TASK_HANDLERS } from '../../lib/constructs/rollout-definition';
import { localRolloutDefinition } from '../../lib/local/local-definition';

const definition = localRolloutDefinition();
const states = definition.States;
type AnyState = Record<string, unknown> & { Catch?: { ErrorEquals: string[]; Next: string }[]; Retry?: { ErrorEquals: string[] }[] };
const state = (name: string) => states[name] as AnyState;

describe('the rollout definition', () => {
  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only: the local interpreter ignores JSONata', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const s of Object.values(states)) expect(s.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('starts at Preflight, then shifts, waits, evaluates and decides in a loop', () => {
    expect(definition.StartAt).toBe(STATE.preflight);
    expect(state(STATE.preflight).Next).toBe(STATE.shift);
    expect(state(STATE.shift).Next).toBe(STATE.decide);
    expect(state(STATE.wait)).toMatchObject({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: STATE.evaluate });
    expect(state(STATE.evaluate).Next).toBe(STATE.decide);
  });

  it('routes every decision the handlers can return', () => {
    const choices = (state(STATE.decide).Choices as { StringEquals: string; Next: string }[]).map((c) => [c.StringEquals, c.Next]);
    expect(Object.fromEntries(choices)).toEqual({
      wait: STATE.wait,
      advance: STATE.shift,
      'await-approval': STATE.awaitApproval,
      promote: STATE.promote,
      finalize: STATE.finalize,
      rollback: STATE.rollback,
    });
    expect(state(STATE.decide).Default).toBe(STATE.unknownDecision);
  });

  it('sends any error after preflight to Rollback', () => {
    for (const name of [STATE.shift, STATE.evaluate, STATE.promote, STATE.finalize, STATE.awaitApproval]) {
      expect({ name, catch: state(name).Catch }).toEqual({ name, catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.rollback }] });
    }
    expect(state(STATE.preflight).Catch?.[0].Next).toBe(STATE.preflightRejected);
  });

  it('retries transient errors with backoff on every Lambda task', () => {
    for (const name of Object.keys(TASK_HANDLERS).filter((n) => n !== STATE.awaitApproval)) {
      const retriers = state(name).Retry ?? [];
      expect({ name, transient: retriers.some((r) => r.ErrorEquals.includes('TransientError') && (r as { BackoffRate?: number }).BackoffRate === 2) }).toEqual({
        name,
        transient: true,
      });
    }
  });

  it('ends each kind of rollback in a Fail state named for the reason', () => {
    for (const name of Object.values(ROLLED_BACK_STATE)) expect(state(name)).toMatchObject({ Type: 'Fail', Error: name });
  });

  it('waits for a task token at the approval gate, with a timeout', () => {
    expect(state(STATE.awaitApproval)).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      ResultPath: '$.approval',
      TimeoutSeconds: 86_400,
    });
  });

  it('gives every task a timeout, so a hung handler cannot stall a rollout', () => {
    for (const name of Object.keys(TASK_HANDLERS)) expect(state(name).TimeoutSeconds).toBeGreaterThan(0);
  });
});
