import type { RestoreResult, TargetToRestore } from './captured-state';
import type { HookEvent, HookTaskResult, LifecycleEvent } from './lifecycle-hooks';

/**
 * The state machine's payload between states. Kept small on purpose: Step Functions caps payloads
 * at 256 KB, so requests, plans and evaluations live in the ledger and only the cursor travels,
 * with the one thing Rollback must never have to read from anywhere else: what to restore.
 */
export type Decision = 'wait' | 'advance' | 'await-approval' | 'promote' | 'finalize' | 'rollback';

export type RollbackReason = 'verdict-failed' | 'aborted' | 'inconclusive' | 'approval-rejected' | 'smoke-test' | 'pre-traffic-hook' | 'post-traffic-hook' | 'error';

export type Phase = 'step' | 'final-bake';

export interface RolloutCursor {
  readonly rolloutId: string;
  /** Index into plan.steps of the step whose weight is in effect; -1 before the first shift. */
  readonly stepIndex: number;
  readonly phase: Phase;
  /** When the current weight took effect: the bake clock and the judged window start here. */
  readonly phaseStartedAt: string;
  /** Where the `Decide` choice state goes next. */
  readonly decision: Decision;
  /** Seconds the `WaitForMetrics` state waits before the next evaluation. */
  readonly waitSeconds: number;
  /** Where an approval leads once granted. */
  readonly afterApproval?: 'advance' | 'promote';
  readonly rollbackReason?: RollbackReason;
  /** The last decision's one-line reason, carried so Rollback can record why without a ledger read. */
  readonly note?: string;
  /** Set by the approval gate (ResultPath `$.approval`): the answer a human sent with the task token. */
  readonly approval?: { readonly approved?: boolean; readonly by?: string; readonly reason?: string; readonly next?: string };
  /** Set by a `Catch`: the error that sent the execution to Rollback. */
  readonly error?: { readonly Error: string; readonly Cause?: string };
  /**
   * Every target and its captured state (a few hundred bytes each, at most ten): Rollback restores
   * traffic from this alone, so a ledger that throttles or is unreachable cannot keep a bad version live.
   */
  readonly targets: readonly TargetToRestore[];
  /** The lifecycle hooks the request names: the state machine skips the others without a task. */
  readonly hooks?: Readonly<Partial<Record<LifecycleEvent, true>>>;
}

/**
 * The cursor through a hook: PrepareXHook adds the call, the hook's task adds `hookResult` (its
 * answer, or its Catch's error), CheckXHook judges it and returns a plain cursor.
 */
export interface HookCursor extends RolloutCursor, HookCall {
  readonly hookResult?: HookTaskResult;
}

/**
 * One hook invocation. The first two fields are named as Lambda's Invoke parameters, and sit at
 * the top of the state's input, because the task reads the hook's timeout at
 * `$.Payload.timeoutSeconds`: a path that resolves against the state's input, where AWS resolves
 * TimeoutSecondsPath, and against its Parameters, where the local interpreter does.
 */
export interface HookCall {
  readonly FunctionName: string;
  readonly Payload: HookEvent;
  readonly hookStartedAt: string;
}

/** The input of RecordRollback: the cursor, with what Rollback did, or the error it gave up with. */
export interface RestoredCursor extends RolloutCursor {
  readonly restored?: readonly RestoreResult[];
  /** Set by Rollback's `Catch` when a target could not be restored. */
  readonly rollbackError?: { readonly Error: string; readonly Cause?: string };
}

/** Output of RecordRollback; `RollbackOutcome` picks the named Fail state from `reason`, or RollbackFailed. */
export interface RollbackResult {
  readonly rolloutId: string;
  readonly reason: RollbackReason;
  readonly detail: string;
  /** Present when a target could not be restored: the execution ends in RollbackFailed with it. */
  readonly rollbackFailed?: { readonly Error: string; readonly Cause?: string };
}

export interface FinalizeResult {
  readonly rolloutId: string;
  readonly outcome: 'promoted';
  readonly detail: string;
}
