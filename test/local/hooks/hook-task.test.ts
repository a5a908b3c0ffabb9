import type { HookEvent } from '../../../lib/domain/lifecycle-hooks';
import { localHookTask, TaskFailure, type HookRun, type HookRuntime } from '../../../lib/local/hooks/hook-task';
import { VirtualClock } from '../../../lib/local/virtual-clock';

const EVENT: HookEvent = { lifecycleEvent: 'preTraffic', rolloutId: 'r-1', mode: 'enforce', weight: 0, step: null, targets: [], timeoutSeconds: 30 };
const runtime = (run: HookRun | Error): HookRuntime => ({ invoke: async () => (run instanceof Error ? Promise.reject(run) : run) });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

async function failureOf(run: HookRun | Error, clock = new VirtualClock()): Promise<TaskFailure> {
  const failure = await localHookTask(runtime(run), clock)({ FunctionName: 'orders-check', Payload: EVENT }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(TaskFailure);
  return failure as TaskFailure;
}

/** What Step Functions' lambda:invoke integration does with each way a function can answer, as local mode plays it. */
describe('localHookTask', () => {
  it('answers with the function’s response as Payload, after its duration passes on the clock', async () => {
    const clock = new VirtualClock();
    const started = clock.now().getTime();
    const output = await localHookTask(runtime({ kind: 'answered', response: { status: 'Succeeded' }, durationSeconds: 12 }), clock)({ FunctionName: 'orders-check', Payload: EVENT });
    expect(output).toEqual({ Payload: { status: 'Succeeded' }, StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(clock.now().getTime() - started).toBe(12_000);
  });

  it('fails with the errorType of a function error, the error object as the cause', async () => {
    const failure = await failureOf({ kind: 'function-error', errorType: 'TypeError', errorMessage: 'x is undefined', durationSeconds: 1 });
    expect({ name: failure.name, cause: JSON.parse(failure.message) }).toEqual({ name: 'TypeError', cause: { errorType: 'TypeError', errorMessage: 'x is undefined' } });
  });

  it.each([[undefined], ['Sandbox.Timedout'], ['Runtime.ExitError']])('reports a crash or the function’s own timeout (errorType %s) as Lambda.Unknown', async (errorType) => {
    expect((await failureOf({ kind: 'function-error', errorType, errorMessage: 'Task timed out after 3.00 seconds', durationSeconds: 3 })).name).toBe('Lambda.Unknown');
  });

  it('reports Lambda’s own refusals as Lambda.<exception>', async () => {
    const failure = await failureOf(named('TooManyRequestsException', 'Rate exceeded'));
    expect([failure.name, failure.message]).toEqual(['Lambda.TooManyRequestsException', 'Rate exceeded']);
    expect((await failureOf(named('ResourceNotFoundException', 'Function not found'))).name).toBe('Lambda.ResourceNotFoundException');
  });

  it('times out (States.Timeout) a function that never answers, or answers after the timeout, with the timeout passed on the clock', async () => {
    for (const run of [{ kind: 'no-answer' } as const, { kind: 'answered', response: { status: 'Succeeded' }, durationSeconds: 31 } as const]) {
      const clock = new VirtualClock();
      const started = clock.now().getTime();
      expect((await failureOf(run, clock)).name).toBe('States.Timeout');
      expect(clock.now().getTime() - started).toBe(30_000);
    }
  });
});
