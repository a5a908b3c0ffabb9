import { executionArnOf } from '../../domain/execution-arn';
import type { ControllerDeps } from '../../controller/dependencies';
import { startLocalRollout, type InterpreterEvent, type LocalExecution, type LocalRunResult } from '../local-runner';
import type { HookRuntime } from '../hooks/hook-task';
import { LocalTaskTokens } from '../local-task-tokens';
import type { PacedClock } from '../virtual-clock';
import { AwsApiError } from './aws-wire';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One event of an execution's history, in the shape GetExecutionHistory returns. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly details?: { readonly key: string; readonly value: Record<string, unknown> };
}

/** What DescribeExecution shows of one execution. */
export interface ExecutionView {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

interface Entry {
  view: ExecutionView;
  readonly history: HistoryEvent[];
  readonly run: LocalExecution;
  /** Resolves when the run has ended and the view says how. */
  readonly ended: Promise<void>;
}

export interface LocalExecutionsOptions {
  readonly deps: ControllerDeps;
  readonly clock: PacedClock;
  readonly stateMachineArn: string;
  /** Told when an execution starts and when it ends: the endpoint's console log. */
  readonly onChange?: (view: ExecutionView) => void;
  /** What the hook states invoke. @default - no hook functions */
  readonly hookRuntime?: HookRuntime;
}

/** AWS's rule for execution names: 1–80 characters, no whitespace, brackets, wildcards or control characters. */
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * The executions of the local endpoint's one state machine: each a real run of the definition on
 * aws-local-stepfunctions over the shared fleet, ledger and clock, with the status, history and
 * task tokens Step Functions keeps. The API layer maps requests onto it; errors carry AWS's codes.
 */
export class LocalExecutions {
  readonly stateMachineArn: string;
  private readonly deps: ControllerDeps;
  private readonly clock: PacedClock;
  private readonly tokens = new LocalTaskTokens();
  private readonly executions = new Map<string, Entry>();
  private readonly onChange?: (view: ExecutionView) => void;
  private readonly hookRuntime?: HookRuntime;

  constructor(options: LocalExecutionsOptions) {
    this.deps = options.deps;
    this.clock = options.clock;
    this.stateMachineArn = options.stateMachineArn;
    this.onChange = options.onChange;
    this.hookRuntime = options.hookRuntime;
  }

  start(stateMachineArn: string, name: string, input: string): ExecutionView {
    this.requireStateMachine(stateMachineArn);
    if (!NAME_PATTERN.test(name) || CONTROL_CHARACTER.test(name)) throw new AwsApiError('InvalidName', `Invalid Name: '${name}'`);
    let request: unknown;
    try {
      request = JSON.parse(input);
    } catch {
      throw new AwsApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: the input is not valid JSON`);
    }
    const executionArn = executionArnOf(this.stateMachineArn, name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Step Functions is idempotent for the same name and input while the first one runs.
      if (existing.view.status === 'RUNNING' && existing.view.input === input) return existing.view;
      throw new AwsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const history: HistoryEvent[] = [];
    const run = startLocalRollout({
      request,
      deps: this.deps,
      clock: this.clock,
      tokens: this.tokens,
      executionName: name,
      executionArn,
      hookRuntime: this.hookRuntime,
      onEventLog: (event, at) => appendHistory(history, event, at),
    });
    const view: ExecutionView = { executionArn, stateMachineArn, name, status: 'RUNNING', startDate: this.clock.now(), input };
    const entry: Entry = {
      view,
      history,
      run,
      ended: run.result.then(
        (result) => this.finish(entry, result),
        (error: unknown) => this.finish(entry, undefined, error),
      ),
    };
    this.executions.set(executionArn, entry);
    this.onChange?.(view);
    return view;
  }

  describe(executionArn: string): ExecutionView {
    return this.entry(executionArn).view;
  }

  /** Newest first, as Step Functions lists them. */
  list(stateMachineArn: string, statusFilter?: string): ExecutionView[] {
    this.requireStateMachine(stateMachineArn);
    return [...this.executions.values()]
      .map((e) => e.view)
      .filter((v) => statusFilter === undefined || v.status === statusFilter)
      .reverse();
  }

  history(executionArn: string): readonly HistoryEvent[] {
    return this.entry(executionArn).history;
  }

  /** StopExecution: the run stops where it is, and no rollback runs (as in AWS). */
  async stop(executionArn: string, error?: string, cause?: string): Promise<Date> {
    const entry = this.entry(executionArn);
    if (entry.view.status !== 'RUNNING') return entry.view.stopDate ?? this.clock.now();
    entry.run.abort();
    await entry.ended;
    entry.view = { ...entry.view, error, cause };
    return entry.view.stopDate ?? this.clock.now();
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsApiError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    await this.tokens.succeed(this.openToken(taskToken), parsed as Record<string, unknown>);
  }

  async sendTaskFailure(taskToken: string, error = '', cause = ''): Promise<void> {
    await this.tokens.fail(this.openToken(taskToken), error, cause);
  }

  /** Stops every running execution: the endpoint is shutting down. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.executions.keys()].map((arn) => this.stop(arn, 'States.Aborted', 'the local endpoint shut down')));
  }

  private finish(entry: Entry, result: LocalRunResult | undefined, error?: unknown): void {
    const stopDate = this.clock.now();
    const base = { ...entry.view, stopDate };
    if (!result) {
      const e = error instanceof Error ? error : new Error(String(error));
      entry.view = { ...base, status: 'FAILED', error: e.name, cause: e.message };
    } else if (result.outcome === 'aborted') {
      entry.view = { ...base, status: 'ABORTED' };
    } else if (result.outcome === 'promoted') {
      entry.view = { ...base, status: 'SUCCEEDED', output: JSON.stringify(result.output ?? null) };
    } else {
      entry.view = { ...base, status: 'FAILED', error: result.error ?? result.endState, cause: result.cause ?? '' };
    }
    this.onChange?.(entry.view);
  }

  private openToken(taskToken: string): string {
    if (!this.tokens.isOpen(taskToken)) throw new AwsApiError('TaskDoesNotExist', 'Task Timed Out or does not exist: the token belongs to no waiting task');
    return taskToken;
  }

  private entry(executionArn: string): Entry {
    if (!executionArn.startsWith('arn:aws:states:')) throw new AwsApiError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const entry = this.executions.get(executionArn);
    if (!entry) throw new AwsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return entry;
  }

  private requireStateMachine(stateMachineArn: string): void {
    if (!stateMachineArn.startsWith('arn:aws:states:')) throw new AwsApiError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    if (stateMachineArn !== this.stateMachineArn) throw new AwsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  }
}

/** The interpreter's events, as Step Functions names them in a history (`TaskStateEntered`, `ExecutionFailed`). */
function appendHistory(history: HistoryEvent[], event: InterpreterEvent, at: Date): void {
  const add = (type: string, details?: HistoryEvent['details']) => {
    history.push({ id: history.length + 1, previousEventId: history.length, timestamp: at, type, ...(details ? { details } : {}) });
  };
  switch (event.type) {
    case 'ExecutionStarted':
      return add('ExecutionStarted', { key: 'executionStartedEventDetails', value: { input: JSON.stringify(event.input) } });
    case 'ExecutionSucceeded':
      return add('ExecutionSucceeded', { key: 'executionSucceededEventDetails', value: { output: JSON.stringify(event.output) } });
    case 'ExecutionFailed':
      return add('ExecutionFailed', { key: 'executionFailedEventDetails', value: { error: event.Error, cause: String(event.Cause ?? '') } });
    case 'ExecutionAborted':
      return add('ExecutionAborted', { key: 'executionAbortedEventDetails', value: {} });
    case 'StateEntered':
      return add(`${event.state.type}StateEntered`, { key: 'stateEnteredEventDetails', value: { name: event.state.name, input: JSON.stringify(event.state.input) } });
    case 'StateExited':
      return add(`${event.state.type}StateExited`, { key: 'stateExitedEventDetails', value: { name: event.state.name, output: JSON.stringify(event.state.output ?? null) } });
    default:
      return undefined;
  }
}
