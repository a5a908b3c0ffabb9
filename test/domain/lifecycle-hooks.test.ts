import { hookFunctionName, HOOK_EXCERPT_CHARS, judgeHookResult } from '../../lib/domain/lifecycle-hooks';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { ValidationError } from '../../lib/domain/errors';
import { newTestRequest } from '../helpers/requests';

describe('judgeHookResult', () => {
  it('passes only an answer of Succeeded, keeping its reason', () => {
    expect(judgeHookResult({ response: { status: 'Succeeded', reason: 'checkout journey ok' } }, 60)).toEqual({ passed: true, result: 'succeeded', reason: 'succeeded: checkout journey ok' });
    expect(judgeHookResult({ response: { status: 'Succeeded' } }, 60)).toEqual({ passed: true, result: 'succeeded', reason: 'succeeded' });
  });

  it("fails an answer of Failed with the hook's reason, or says it gave none", () => {
    expect(judgeHookResult({ response: { status: 'Failed', reason: 'payments sandbox unreachable' } }, 60)).toEqual({ passed: false, result: 'failed', reason: 'failed: payments sandbox unreachable' });
    expect(judgeHookResult({ response: { status: 'Failed' } }, 60).reason).toBe('failed: (the hook gave no reason)');
  });

  it.each([[{ status: 'succeeded' }], [{ ok: true }], ['Succeeded'], [null], [undefined], [[{ status: 'Succeeded' }]]])('fails an answer of another shape: %j', (response) => {
    const outcome = judgeHookResult({ response }, 60);
    expect(outcome).toMatchObject({ passed: false, result: 'bad-answer' });
    expect(outcome.reason).toMatch(/^answered .+, not \{ "status": "Succeeded" \| "Failed" \}$/);
  });

  it("fails a function error, named by its errorType, with its message and never its trace", () => {
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: 'Cannot read properties of undefined', trace: ['TypeError: x', '    at handler (/var/task/index.js:3:9)'] });
    const outcome = judgeHookResult({ Error: 'TypeError', Cause: cause }, 60);
    expect(outcome).toEqual({ passed: false, result: 'function-error', reason: 'function error: TypeError: Cannot read properties of undefined', errorType: 'TypeError', errorMessage: 'Cannot read properties of undefined' });
    expect(JSON.stringify(outcome)).not.toContain('/var/task');
  });

  it("fails a crash, out-of-memory or the function's own timeout (Lambda.Unknown)", () => {
    const outcome = judgeHookResult({ Error: 'Lambda.Unknown', Cause: 'The cause could not be determined because Lambda did not return an error type.' }, 60);
    expect(outcome).toMatchObject({ passed: false, result: 'function-error', errorType: 'Lambda.Unknown' });
    expect(outcome.reason).toMatch(/^the function crashed, ran out of memory or hit its own timeout \(Lambda\.Unknown\): The cause could not/);
  });

  it("fails a hook that does not answer within fledge's timeout (States.Timeout), naming the timeout", () => {
    expect(judgeHookResult({ Error: 'States.Timeout', Cause: '' }, 120)).toEqual({ passed: false, result: 'timed-out', reason: 'no answer within its 120 s timeout', errorType: 'States.Timeout' });
  });

  it("fails an invocation Lambda refused (missing, throttled through every retry, not permitted)", () => {
    const outcome = judgeHookResult({ Error: 'Lambda.ResourceNotFoundException', Cause: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-check' }, 60);
    expect(outcome).toMatchObject({ passed: false, result: 'invoke-error', errorType: 'Lambda.ResourceNotFoundException' });
    expect(outcome.reason).toBe('could not be invoked: Lambda.ResourceNotFoundException: Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-check');
  });

  it('keeps the ledger small and the terminal safe: excerpts are cut short and escaped', () => {
    const huge = 'x'.repeat(10_000);
    const answered = judgeHookResult({ response: { status: 'Failed', reason: `\u001b[2J${huge}` } }, 60);
    expect(answered.reason.length).toBeLessThan(HOOK_EXCERPT_CHARS + 20);
    expect(answered.reason).toContain('\\u001b[2J');
    const bad = judgeHookResult({ response: { data: huge } }, 60);
    expect(bad.excerpt?.length).toBeLessThanOrEqual(HOOK_EXCERPT_CHARS);
  });
});

describe('hooks in a rollout request', () => {
  it('accepts a function name, an ARN, and either with a qualifier, and defaults the timeout to 5 minutes', () => {
    const request = parseRolloutRequest(
      newTestRequest({
        hooks: {
          preTraffic: { functionName: 'orders-pre-traffic:live' },
          postTraffic: { functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-post-traffic', timeoutSeconds: 900 },
        },
      }),
    );
    expect(request.hooks).toEqual({
      preTraffic: { functionName: 'orders-pre-traffic:live', timeoutSeconds: 300 },
      postTraffic: { functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-post-traffic', timeoutSeconds: 900 },
    });
  });

  it.each([
    [{ preTraffic: { functionName: 'orders check' } }, 'hooks.preTraffic.functionName: must be a Lambda function name or ARN'],
    [{ postTraffic: { functionName: 'orders-check', timeoutSeconds: 901 } }, 'hooks.postTraffic.timeoutSeconds: must be at most 900 seconds (15 minutes'],
    [{ postTraffic: { functionName: 'orders-check', timeoutSeconds: 0 } }, 'hooks.postTraffic.timeoutSeconds:'],
    [{ postTraffic: { functionName: 'orders-check', timeoutSeconds: 1.5 } }, 'hooks.postTraffic.timeoutSeconds: must be a whole number of seconds'],
    [{ midTraffic: { functionName: 'orders-check' } }, 'hooks.midTraffic: unknown field'],
    [{ preTraffic: { functionName: 'orders-check', qualifier: '3' } }, 'hooks.preTraffic.qualifier: unknown field'],
  ])('refuses %j, naming the field', (hooks, message) => {
    const attempt = () => parseRolloutRequest(newTestRequest({ hooks: hooks as never }));
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
  });
});

describe('hookFunctionName', () => {
  it.each([
    ['orders-check', 'orders-check'],
    ['orders-check:live', 'orders-check'],
    ['orders-check:7', 'orders-check'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders-check', 'orders-check'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders-check:$LATEST', 'orders-check'],
  ])('%s is the function %s', (given, name) => {
    expect(hookFunctionName(given)).toBe(name);
  });
});
