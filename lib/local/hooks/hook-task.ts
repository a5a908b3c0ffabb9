import type { HookEvent } from '../../domain/lifecycle-hooks';
import type { PacedClock } from '../virtual-clock';

/**
 * How a hook function ran, as local mode tells it. Lambda's own refusals (no such function,
 * throttling) are thrown instead, as errors named like Lambda's exceptions.
 */
export type HookRun =
  | { readonly kind: 'answered'; readonly response: unknown; readonly durationSeconds: number }
  /** Lambda's error object; an `errorType` of the runtime's own (`Sandbox.*`, `Runtime.*`) or none means it crashed or timed out. */
  | { readonly kind: 'function-error'; readonly errorType?: string; readonly errorMessage: string; readonly durationSeconds: number }
  /** It never answers: whatever its timeout, the task times out. */
  | { readonly kind: 'no-answer' };

/** What runs hook functions in local mode: in-process modules and simulated outcomes, or a mocked Lambda in tests. */
export interface HookRuntime {
  invoke(functionName: string, event: HookEvent): Promise<HookRun>;
}

/** The parameters the hook states pass to lambda:invoke (see rollout-definition.ts). */
export interface LambdaInvokeTaskInput {
  readonly FunctionName: string;
  readonly Payload: HookEvent;
}

/** A task failure as Step Functions reports it: the name Retry and Catch match, and the cause. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * Local mode's stand-in for what Step Functions' lambda:invoke integration does on a hook state:
 * invoke, wait up to the state's timeout, and answer `{ Payload, … }` or fail the task with the
 * error names AWS documents. A function error is named by its `errorType`; a crash or a timeout of
 * the function itself is `Lambda.Unknown`; Lambda's own refusals are `Lambda.<exception>`; no answer
 * within the timeout is `States.Timeout`. Simulated durations pass on the run's clock, so a hook that
 * hangs for fifteen virtual minutes costs no wall time; an in-process function runs in wall time.
 */
export function localHookTask(runtime: HookRuntime, clock: PacedClock) {
  return async (input: LambdaInvokeTaskInput) => {
    // The hook event carries its own timeout, as the state's TimeoutSecondsPath does.
    const timeoutSeconds = input.Payload.timeoutSeconds;
    let run: HookRun;
    try {
      run = await runtime.invoke(input.FunctionName, input.Payload);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'ServiceException';
      throw new TaskFailure(`Lambda.${name}`, error instanceof Error ? error.message : String(error));
    }
    if (run.kind === 'no-answer' || run.durationSeconds >= timeoutSeconds) {
      await clock.pass(timeoutSeconds);
      throw new TaskFailure('States.Timeout', `the task did not finish within its ${timeoutSeconds} s timeout`);
    }
    await clock.pass(run.durationSeconds);
    if (run.kind === 'function-error') {
      const errorObject = JSON.stringify({ ...(run.errorType ? { errorType: run.errorType } : {}), errorMessage: run.errorMessage });
      throw new TaskFailure(crashed(run.errorType) ? 'Lambda.Unknown' : (run.errorType as string), errorObject);
    }
    return { Payload: run.response ?? null, StatusCode: 200, ExecutedVersion: '$LATEST' };
  };
}

/** The runtime's own error types: the function crashed, ran out of memory, or hit its own timeout. */
function crashed(errorType: string | undefined): boolean {
  return errorType === undefined || errorType.startsWith('Sandbox.') || errorType.startsWith('Runtime.');
}
