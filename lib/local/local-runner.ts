import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { makeEvaluateHandler } from '../../functions/evaluate';
import { makeFinalizeHandler } from '../../functions/finalize';
import { makePreflightHandler } from '../../functions/preflight';
import { makePromoteHandler } from '../../functions/promote';
import { makeRequestApprovalHandler, type RequestApprovalEvent } from '../../functions/request-approval';
import { makeRecordRollbackHandler } from '../../functions/record-rollback';
import { makeRollbackHandler } from '../../functions/rollback';
import { makeShiftHandler } from '../../functions/shift';
import { makeSmokeTestHandler } from '../../functions/smoke-test';
import { makePrepareHookHandler } from '../../functions/prepare-hook';
import { makeCheckHookHandler } from '../../functions/check-hook';
import type { AslDefinition } from '../constructs/asl';
import { HOOK_INVOKE_STATES, ROLLED_BACK_STATE, STATE, TASK_HANDLERS, type HandlerName } from '../constructs/state-names';
import type { ControlDeps } from '../controller/control';
import type { ControllerDeps } from '../controller/dependencies';
import type { RolloutCursor } from '../domain/cursor';
import { LocalHookFunctions } from './hooks/local-hooks';
import { localHookTask, type HookRuntime, type LambdaInvokeTaskInput } from './hooks/hook-task';
import { LocalTaskTokens } from './local-task-tokens';
import { localRolloutDefinition, LOCAL_ACCOUNT, LOCAL_REGION } from './local-definition';
import { installPolyfills } from './polyfills';
import type { PacedClock } from './virtual-clock';

/** One event of the interpreter's log (the package does not export the type). */
export type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type LocalOutcome = 'promoted' | 'rolled-back' | 'rejected' | 'rollback-failed' | 'aborted';

export interface LocalRunResult {
  readonly outcome: LocalOutcome;
  /** The terminal state: `Promoted`, or the Fail state whose name says why. */
  readonly endState: string;
  /** The execution's output, when it succeeded. */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** Undefined only when preflight refused the request before choosing an id. */
  readonly rolloutId?: string;
  readonly executionId: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** State transitions, for tests that check the path taken. */
  readonly statesEntered: readonly string[];
}

/** A state finished, seen in virtual time. */
export interface StateUpdate {
  readonly state: string;
  readonly at: Date;
  readonly output: unknown;
}

export interface LocalRunOptions {
  readonly request: unknown;
  readonly deps: ControllerDeps;
  /** The handlers' clock; Wait states pass time on it (a virtual jump, or a scaled sleep). */
  readonly clock: PacedClock;
  readonly executionName?: string;
  /** @default - a local ARN made from the execution name */
  readonly executionArn?: string;
  /** Where approval gates' task tokens live; share one to answer gates from outside the run. @default - the run's own */
  readonly tokens?: LocalTaskTokens;
  /**
   * Called when a manual gate opens; answer it with `answerApproval(control, …)`, now or later.
   * @default - gates stay closed until their timeout
   */
  readonly onApprovalRequested?: (rolloutId: string, control: ControlDeps) => void;
  /** Called after each state exits. Not awaited: it must not hold up the virtual clock. */
  readonly onStateExited?: (update: StateUpdate) => void;
  /** Sees every event of the interpreter, stamped with the clock: an execution history. */
  readonly onEventLog?: (event: InterpreterEvent, at: Date) => void;
  /**
   * What the hook states invoke, where Step Functions would invoke the request's hook functions.
   * @default - no hook functions (preflight refuses a request that names one, with the same default deps)
   */
  readonly hookRuntime?: HookRuntime;
}

/** A running local execution. */
export interface LocalExecution {
  readonly executionArn: string;
  readonly result: Promise<LocalRunResult>;
  /** Stops the execution where it is, as StopExecution does: no rollback runs. */
  abort(): void;
}

const FAIL_OUTCOMES: Readonly<Record<string, LocalOutcome>> = {
  ...Object.fromEntries(Object.values(ROLLED_BACK_STATE).map((name) => [name, 'rolled-back' as const])),
  RolledBack: 'rolled-back',
  [STATE.preflightRejected]: 'rejected',
  [STATE.rollbackFailed]: 'rollback-failed',
  // Traffic is back on the stable version; only the ledger's record of it is missing.
  [STATE.rolledBackUnrecorded]: 'rolled-back',
  // The new version serves everything, as judged; only the ledger's record of it is missing.
  [STATE.promotedUnrecorded]: 'promoted',
};

/** The definition the interpreter last validated in this process. */
let validatedDefinition: string | undefined;

/** Runs one rollout to its end: see startLocalRollout. */
export async function runLocalRollout(options: LocalRunOptions): Promise<LocalRunResult> {
  return startLocalRollout(options).result;
}

/**
 * Starts one rollout on aws-local-stepfunctions: the real definition, the real handlers in-process.
 * The interpreter's Wait states take no time; the clock passes their duration instead, before the
 * task that follows runs: a jump on a virtual clock, a shortened sleep on a scaled one.
 */
export function startLocalRollout(options: LocalRunOptions): LocalExecution {
  installPolyfills();
  const { deps, clock } = options;
  const definition = localRolloutDefinition();
  const executionName = options.executionName ?? `local-${clock.now().getTime()}`;
  const executionId = options.executionArn ?? `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:fledge-rollout:${executionName}`;
  const tokens = options.tokens ?? new LocalTaskTokens();
  const opened: string[] = [];
  const control: ControlDeps = { ledger: deps.ledger, clock, tokens };
  const handlers = makeHandlers(deps);
  // The time a Wait state is passing; the task after it waits for it.
  let waiting: Promise<void> = Promise.resolve();

  /**
   * Before a task runs, the event consumer below catches up: it moves the clock for a Wait that just
   * ended, and whoever watches the events sees the task's state entered before its calls.
   */
  const caughtUp = async () => {
    await nextMacrotask();
    await waiting;
  };
  const taskHandlers: NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'] = {};
  for (const [stateName, handlerName] of Object.entries(TASK_HANDLERS)) {
    taskHandlers[stateName] = async (input) => {
      await caughtUp();
      const payload = executionStartedHere((input as { Payload: unknown }).Payload);
      if (handlerName === 'requestApproval') return approvalGate(payload as RequestApprovalEvent);
      return { Payload: (await handlers[handlerName](payload as never)) as never };
    };
  }
  const hookTask = localHookTask(options.hookRuntime ?? LocalHookFunctions.none(), clock);
  for (const stateName of Object.keys(HOOK_INVOKE_STATES)) {
    taskHandlers[stateName] = async (input) => {
      await caughtUp();
      return (await hookTask(input as unknown as LambdaInvokeTaskInput)) as never;
    };
  }

  /** The interpreter stamps $$.Execution.StartTime with the wall clock; a local execution starts on its own clock. */
  function executionStartedHere(payload: unknown): unknown {
    const event = payload as { executionStartedAt?: unknown } | null;
    return event && typeof event === 'object' && 'executionStartedAt' in event ? { ...event, executionStartedAt: startedAt.toISOString() } : payload;
  }

  async function approvalGate(event: RequestApprovalEvent) {
    const { token, answer } = tokens.open(event.cursor.rolloutId);
    opened.push(token);
    // If recording the gate fails, nobody awaits its answer: its rejection at the run's end is expected.
    answer.catch(() => undefined);
    await handlers.requestApproval({ ...event, taskToken: token });
    options.onApprovalRequested?.(event.cursor.rolloutId, control);
    return (await answer) as never;
  }

  const waitStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Wait');
  const text = JSON.stringify(definition);
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
    // Validating compiles the ASL schema anew each time; once per definition and process is enough.
    validationOptions: { checkArn: false, noValidate: text === validatedDefinition },
  });
  validatedDefinition = text;
  const startedAt = clock.now();
  let aborted = false;
  const execution = machine.run(options.request as never, {
    overrides: {
      taskResourceLocalHandlers: taskHandlers,
      waitTimeOverrides: Object.fromEntries(waitStates.map(([name]) => [name, 0])),
      retryIntervalOverrides: Object.fromEntries([...Object.keys(TASK_HANDLERS), ...Object.keys(HOOK_INVOKE_STATES)].map((name) => [name, 0])),
    },
    context: {
      Execution: { Id: executionId, Name: executionName },
      Task: { Token: 'replaced-per-gate' },
    },
  });

  const statesEntered: string[] = [];
  let rolloutId: string | undefined;
  let failure: { error?: string; cause?: string } | undefined;
  const consume = (async () => {
    for await (const event of execution.eventLogs) {
      options.onEventLog?.(event, clock.now());
      if (event.type === 'StateEntered') {
        statesEntered.push(event.state.name);
        const wait = definition.States[event.state.name];
        if (wait?.Type === 'Wait') waiting = Promise.resolve(clock.pass(waitSeconds(wait, event.state.input)));
      } else if (event.type === 'StateExited') {
        const output = event.state.output as Partial<RolloutCursor> | undefined;
        rolloutId ??= typeof output?.rolloutId === 'string' ? output.rolloutId : undefined;
        options.onStateExited?.({ state: event.state.name, at: clock.now(), output });
      } else if (event.type === 'ExecutionFailed') {
        failure = { error: event.Error, cause: String(event.Cause ?? '') };
      }
    }
  })();

  const result = (async (): Promise<LocalRunResult> => {
    // The event consumer may lag the result by a few events: let it drain before reading the end state.
    let output: unknown;
    const settled = await execution.result.then(
      (value) => {
        output = value;
        return undefined;
      },
      (error: unknown) => error,
    );
    await consume;
    for (const token of opened) tokens.close(token);
    const endState = settled === undefined ? STATE.promoted : (statesEntered[statesEntered.length - 1] ?? 'unknown');
    if (settled !== undefined && !aborted && !(endState in FAIL_OUTCOMES)) throw settled;
    return {
      outcome: aborted ? 'aborted' : (FAIL_OUTCOMES[endState] ?? 'promoted'),
      endState,
      output,
      error: failure?.error,
      cause: failure?.cause,
      rolloutId: rolloutId ?? requestedRolloutId(options.request),
      executionId,
      startedAt,
      endedAt: clock.now(),
      statesEntered,
    };
  })();
  return {
    executionArn: executionId,
    result,
    abort: () => {
      aborted = true;
      execution.abort();
    },
  };
}

function makeHandlers(deps: ControllerDeps) {
  return {
    preflight: makePreflightHandler(deps),
    smokeTest: makeSmokeTestHandler(deps),
    prepareHook: makePrepareHookHandler(deps),
    checkHook: makeCheckHookHandler(deps),
    shift: makeShiftHandler(deps),
    evaluate: makeEvaluateHandler(deps),
    requestApproval: makeRequestApprovalHandler(deps),
    promote: makePromoteHandler(deps),
    finalize: makeFinalizeHandler(deps),
    rollback: makeRollbackHandler(deps),
    recordRollback: makeRecordRollbackHandler(deps),
  } satisfies Record<HandlerName, unknown>;
}

/** Seconds a Wait state waits for this input: `Seconds`, or a simple `$.field` `SecondsPath`. */
function waitSeconds(state: AslDefinition['States'][string], input: unknown): number {
  if (typeof state.Seconds === 'number') return state.Seconds;
  const path = state.SecondsPath;
  if (typeof path !== 'string' || !path.startsWith('$.')) throw new Error(`local mode cannot read wait time from ${JSON.stringify(state)}`);
  const value = path
    .slice(2)
    .split('.')
    .reduce<unknown>((obj, key) => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined), input);
  if (typeof value !== 'number') throw new Error(`wait time at ${path} is not a number`);
  return value;
}

function requestedRolloutId(request: unknown): string | undefined {
  const id = (request as { rolloutId?: unknown } | null)?.rolloutId;
  return typeof id === 'string' ? id : undefined;
}
