import aslValidator from 'asl-validator';
import { HOOK_INVOKE_STATES, HOOK_RETRIED_ERRORS, ROLLED_BACK_STATE, STATE, TASK_HANDLERS } from '../../lib/constructs/rollout-definition';
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

  it('starts at Preflight, smoke-tests the new versions, runs the pre-traffic hook, then shifts, waits, evaluates and decides in a loop', () => {
    expect(definition.StartAt).toBe(STATE.preflight);
    expect(state(STATE.preflight).Next).toBe(STATE.smokeTest);
    expect(state(STATE.smokeTest).Next).toBe(STATE.hasPreTrafficHook);
    // Only when the request names the hook, and the smoke test did not already decide to roll back.
    expect(state(STATE.hasPreTrafficHook)).toMatchObject({
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.hooks.preTraffic', IsPresent: true }, { Variable: '$.decision', StringEquals: 'advance' }], Next: STATE.preparePreTrafficHook }],
      Default: STATE.decide,
    });
    expect(state(STATE.preparePreTrafficHook).Next).toBe(STATE.preTrafficHook);
    expect(state(STATE.preTrafficHook).Next).toBe(STATE.checkPreTrafficHook);
    expect(state(STATE.checkPreTrafficHook).Next).toBe(STATE.decide);
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
      finalize: STATE.hasPostTrafficHook,
      rollback: STATE.rollback,
    });
    expect(state(STATE.decide).Default).toBe(STATE.unknownDecision);
  });

  it('runs the post-traffic hook, when the request names one, between the last judgment and Finalize; its failure rolls back', () => {
    expect(state(STATE.hasPostTrafficHook)).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.hooks.postTraffic', IsPresent: true, Next: STATE.preparePostTrafficHook }],
      Default: STATE.finalize,
    });
    expect(state(STATE.preparePostTrafficHook).Next).toBe(STATE.postTrafficHook);
    expect(state(STATE.postTrafficHook).Next).toBe(STATE.checkPostTrafficHook);
    expect(state(STATE.checkPostTrafficHook).Next).toBe(STATE.afterPostTrafficHook);
    expect(state(STATE.afterPostTrafficHook)).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.decision', StringEquals: 'rollback', Next: STATE.rollback }],
      Default: STATE.finalize,
    });
  });

  it("invokes the hook functions through Step Functions' own lambda:invoke, for the request's timeout, and judges every ending", () => {
    expect(Object.keys(HOOK_INVOKE_STATES).sort()).toEqual([STATE.postTrafficHook, STATE.preTrafficHook].sort());
    for (const [name, check] of [
      [STATE.preTrafficHook, STATE.checkPreTrafficHook],
      [STATE.postTrafficHook, STATE.checkPostTrafficHook],
    ]) {
      expect(state(name)).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName.$': '$.FunctionName', 'Payload.$': '$.Payload' },
        // The same path in the state input (AWS) and in its Parameters (the local interpreter).
        TimeoutSecondsPath: '$.Payload.timeoutSeconds',
        ResultSelector: { 'response.$': '$.Payload' },
        ResultPath: '$.hookResult',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.hookResult', Next: check }],
      });
      expect(state(name).TimeoutSeconds).toBeUndefined();
      // Lambda's throttling and service errors are retried; the hook's own failures (Lambda.Unknown) are judged, not retried.
      const retried = (state(name).Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect(retried).toEqual(HOOK_RETRIED_ERRORS);
      expect(retried).toContain('Lambda.TooManyRequestsException');
      expect(retried).not.toContain('Lambda.Unknown');
      expect(retried).not.toContain('States.ALL');
    }
  });

  it('sends any error between Preflight and Finalize to Rollback; the bookkeeping tasks end in a Fail state of their own', () => {
    for (const name of [
      STATE.smokeTest,
      STATE.preparePreTrafficHook,
      STATE.checkPreTrafficHook,
      STATE.shift,
      STATE.evaluate,
      STATE.promote,
      STATE.awaitApproval,
      STATE.preparePostTrafficHook,
      STATE.checkPostTrafficHook,
    ]) {
      expect({ name, catch: state(name).Catch }).toEqual({ name, catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.rollback }] });
    }
    expect(state(STATE.preflight).Catch?.[0].Next).toBe(STATE.preflightRejected);
    // A judged release keeps its traffic when only its record fails; a failed restore is still recorded.
    expect(state(STATE.finalize).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.promotedUnrecorded }]);
    expect(state(STATE.rollback).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: STATE.recordRollback }]);
    expect(state(STATE.recordRollback).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.rolledBackUnrecorded }]);
    for (const name of [STATE.promotedUnrecorded, STATE.rolledBackUnrecorded]) expect(state(name)).toMatchObject({ Type: 'Fail', Error: name, CausePath: '$.error.Cause' });
  });

  it('retries transient errors and a handler that died, with backoff, on the tasks that move or judge traffic', () => {
    for (const name of [STATE.preflight, STATE.smokeTest, STATE.preparePreTrafficHook, STATE.checkPreTrafficHook, STATE.shift, STATE.evaluate, STATE.promote]) {
      const retriers = (state(name).Retry ?? []) as { ErrorEquals: string[]; BackoffRate?: number }[];
      const retried = (error: string) => retriers.some((r) => r.ErrorEquals.includes(error) && r.BackoffRate === 2);
      expect({ name, transient: retried('TransientError'), died: retried('Lambda.Unknown') }).toEqual({ name, transient: true, died: true });
    }
  });

  it('retries every error on the tasks that must not give up soon: about 10 minutes to restore, about 21 to record', () => {
    const schedule = (name: string) => {
      const retriers = (state(name).Retry ?? []) as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds?: number }[];
      const all = retriers.find((r) => r.ErrorEquals.includes('States.ALL'));
      if (!all) return { name, retriesAll: false, minutes: 0 };
      // Step Functions applies the first retrier that matches, so the catch-all must be the last.
      expect(retriers[retriers.length - 1]).toBe(all);
      let seconds = 0;
      for (let attempt = 0; attempt < all.MaxAttempts; attempt++) seconds += Math.min(all.IntervalSeconds * all.BackoffRate ** attempt, all.MaxDelaySeconds ?? Infinity);
      return { name, retriesAll: true, minutes: Math.round(seconds / 60) };
    };
    expect(schedule(STATE.rollback)).toEqual({ name: STATE.rollback, retriesAll: true, minutes: 10 });
    expect(schedule(STATE.recordRollback)).toEqual({ name: STATE.recordRollback, retriesAll: true, minutes: 21 });
    expect(schedule(STATE.finalize)).toEqual({ name: STATE.finalize, retriesAll: true, minutes: 21 });
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
    for (const name of Object.keys(HOOK_INVOKE_STATES)) expect(state(name).TimeoutSecondsPath).toBe('$.Payload.timeoutSeconds');
  });
});
