/**
 * The state machine's payload between states. Kept small on purpose: Step Functions caps payloads
 * at 256 KB, so requests, captured state and evaluations live in the ledger and only the cursor travels.
 */
export type Decision = 'wait' | 'advance' | 'await-approval' | 'promote' | 'finalize' | 'rollback';

export type RollbackReason = 'verdict-failed' | 'aborted' | 'inconclusive' | 'approval-rejected' | 'error';

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
}

/** Output of the Rollback task; `RollbackOutcome` picks the named Fail state from `reason`. */
export interface RollbackResult {
  readonly rolloutId: string;
  readonly reason: RollbackReason;
  readonly detail: string;
}

export interface FinalizeResult {
  readonly rolloutId: string;
  readonly outcome: 'promoted';
  readonly detail: string;
}
