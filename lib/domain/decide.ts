import type { Decision, Phase, RollbackReason } from './cursor';
import type { Policy } from './policy';
import type { Verdict } from './verdict';

export interface ControlRequest {
  readonly action: 'abort' | 'promote';
  readonly reason: string;
  readonly requestedBy: string;
}

export interface DecisionInput {
  readonly verdict: Verdict;
  readonly mode: 'enforce' | 'observe';
  readonly onInconclusive: Policy['onInconclusive'];
  readonly phase: Phase;
  readonly isLastStep: boolean;
  readonly stepNeedsApproval: boolean;
  /** Seconds since the phase began, and its minimum bake: observe mode advances on this schedule. */
  readonly elapsedSeconds: number;
  readonly minBakeSeconds: number;
  readonly control?: ControlRequest;
}

export interface DecisionOutput {
  readonly decision: Decision;
  readonly rollbackReason?: RollbackReason;
  readonly afterApproval?: 'advance' | 'promote';
  /** One line for the ledger and the timeline. */
  readonly reason: string;
}

/**
 * Turns a verdict into the next move of the state machine. Pure, so every branch is tested here
 * rather than through the state machine. Control requests from people come first; then the verdict.
 */
export function decideNext(input: DecisionInput): DecisionOutput {
  const { verdict, control } = input;
  if (control?.action === 'abort') return abortDecision(control);
  if (control?.action === 'promote') {
    const reason = `emergency promotion by ${control.requestedBy}: ${control.reason}`;
    return input.phase === 'final-bake' ? { decision: 'finalize', reason } : { decision: 'promote', reason };
  }

  if (input.mode === 'observe') return observeSchedule(input);

  switch (verdict.value) {
    case 'continue':
      return { decision: 'wait', reason: verdict.reason };
    case 'pass':
      return onPass(input, `passed: ${verdict.reason}`);
    case 'fail':
      return { decision: 'rollback', rollbackReason: 'verdict-failed', reason: verdict.reason };
    case 'error':
      return { decision: 'rollback', rollbackReason: 'error', reason: `judge error: ${verdict.reason}` };
    case 'inconclusive':
      return onInconclusive(input);
  }
}

/** What an abort request leads to, wherever it is acted on (an evaluation, the end of a hook). */
export function abortDecision(control: ControlRequest): DecisionOutput & { decision: 'rollback' } {
  return { decision: 'rollback', rollbackReason: 'aborted', reason: `aborted by ${control.requestedBy}: ${control.reason}` };
}

function onPass(input: DecisionInput, reason: string): DecisionOutput {
  if (input.phase === 'final-bake') return { decision: 'finalize', reason };
  const next = input.isLastStep ? 'promote' : 'advance';
  if (input.stepNeedsApproval) return { decision: 'await-approval', afterApproval: next, reason: `${reason}; waiting for approval` };
  return { decision: next, reason };
}

function onInconclusive(input: DecisionInput): DecisionOutput {
  const why = input.verdict.reason;
  switch (input.onInconclusive) {
    case 'rollback':
      return { decision: 'rollback', rollbackReason: 'inconclusive', reason: why };
    case 'pause':
      return {
        decision: 'await-approval',
        afterApproval: input.isLastStep || input.phase === 'final-bake' ? 'promote' : 'advance',
        reason: `${why}; paused for a human decision (policy onInconclusive=pause)`,
      };
    case 'promote':
      return input.phase === 'final-bake'
        ? { decision: 'finalize', reason: `${why}; finalizing (policy onInconclusive=promote)` }
        : { decision: 'promote', reason: `${why}; promoting (policy onInconclusive=promote)` };
  }
}

/** Shadow mode: verdicts are recorded, never acted on; the schedule is the minimum bake of each step. */
function observeSchedule(input: DecisionInput): DecisionOutput {
  const noted = `observe mode, verdict ${input.verdict.value} recorded (${input.verdict.reason})`;
  if (input.elapsedSeconds < input.minBakeSeconds && input.verdict.value !== 'pass') {
    return { decision: 'wait', reason: noted };
  }
  return onPass(input, `${noted}; proceeding on schedule`);
}
