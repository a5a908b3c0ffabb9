import { rolloutIdOfExecution } from '../domain/rollout-id';
import type { LedgerEvent, RolloutRecord } from '../adapters/ledger';
import { RolloutExistsError } from '../adapters/ledger/errors';
import { ROLLED_BACK_STATE, STATE } from '../constructs/state-names';
import { aliasLayoutFor, describeAliasLayout } from '../domain/alias-layout';
import type { CapturedState, RestoreResult } from '../domain/captured-state';
import type { RollbackReason } from '../domain/cursor';
import { LockHeldError, PreconditionError, RollbackFailedError, ValidationError } from '../domain/errors';
import { targetsAfterFailedRollback } from '../domain/rollback-failure';
import { ROLLOUT_ID } from '../domain/rollout-request';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT, targetKey, targetSchema, type TargetKind } from '../domain/targets';
import { oneLine } from '../domain/text';
import type { EndedExecution } from './execution-event';
import { causeMessage } from './task-failure';

/**
 * How a rollout ended, told from its ended execution and whatever the ledger holds about it. The
 * ledger says why and what each target was left in; when it has no record, or cannot be read, the
 * execution's own error, cause, input and output say as much as they can, and no more.
 */

export const OUTCOMES = ['promoted', 'promoted-unrecorded', 'rolled-back', 'rollback-failed', 'refused', 'rollback-unrecorded', 'stopped', 'timed-out', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a target was left in. `unknown` always says why, and means a human should look. */
export type TargetState = 'promoted' | RestoreResult['action'] | 'untouched' | 'unknown';

export interface TargetOutcome {
  readonly targetKey: string;
  readonly kind?: TargetKind;
  readonly stableVersion?: string;
  readonly newVersion?: string;
  readonly state: TargetState;
  readonly detail: string;
}

/**
 * What the ledger answered. `other-execution`: it holds a rollout of this id that another
 * execution ran (this one was refused for reusing the id), so none of it describes this execution.
 */
export type LedgerState = 'recorded' | 'no-record' | 'other-execution' | 'unreadable';

/** The ledger read, as the notify handler did it. */
export type LedgerView =
  | { readonly kind: 'recorded'; readonly record: RolloutRecord; readonly events: readonly LedgerEvent[] }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly error: string };

export interface RolloutOutcome {
  readonly rolloutId: string;
  readonly outcome: Outcome;
  readonly reason: string;
  /** A target may not be where fledge meant to leave it: a person should check it. */
  readonly needsAttention: boolean;
  /** In request order; empty when neither the ledger nor the execution input names them. */
  readonly targets: readonly TargetOutcome[];
  readonly ledger: { readonly state: LedgerState; readonly status?: RolloutRecord['status']; readonly mode?: RolloutRecord['mode']; readonly error?: string };
  readonly execution: EndedExecution;
}

/** Errors preflight refuses a request with; nothing later raises them, so they mean "refused" even without the ledger. */
const REFUSAL_ERRORS = new Set([ValidationError.name, PreconditionError.name, LockHeldError.name, RolloutExistsError.name]);
/** The Fail states a completed rollback ends in, and the reason each stands for. */
const ROLLED_BACK_ERRORS = new Map<string, RollbackReason | undefined>([
  ...Object.entries(ROLLED_BACK_STATE).map(([reason, state]) => [state, reason as RollbackReason] as const),
  [STATE.rolledBack, undefined],
]);
const NEEDS_ATTENTION: readonly Outcome[] = ['rollback-failed', 'rollback-unrecorded', 'stopped', 'timed-out', 'unknown'];
/** Reasons and causes come from the ledger (already one bounded line) or from the event (up to 32 KB). */
const MAX_REASON = 1000;
const MAX_TARGETS = 10;

/**
 * The rollout an execution ran: the id its input names (`fledge start` always sets one), else the
 * one its output names, else its own name, which is the rollout id by convention.
 */
export function rolloutIdOf(execution: EndedExecution): string {
  for (const source of [execution.input, execution.output]) {
    const id = (source as { rolloutId?: unknown } | undefined)?.rolloutId;
    if (typeof id === 'string' && ROLLOUT_ID.test(id)) return id;
  }
  // A request without an id gets the one preflight derives from its execution.
  return execution.startedAt ? rolloutIdOfExecution(execution.executionArn, execution.startedAt) : execution.name;
}

export function rolloutOutcome(execution: EndedExecution, view: LedgerView): RolloutOutcome {
  const rolloutId = rolloutIdOf(execution);
  const ours = view.kind === 'recorded' && belongsTo(view.record, execution) ? view : undefined;
  const record = ours?.record;
  const ledger = ledgerSummary(view, ours !== undefined);
  const { outcome, reason } = decide(execution, record, ours?.events ?? [], ledger.state);
  const known = record ? recordedTargets(record) : requestedTargets(execution.input);
  const evidence: Evidence = { execution, record, events: ours?.events ?? [], ledger: ledger.state, targetKeys: known.map((t) => t.targetKey) };
  const targets = known.map((t) => targetOutcome(t, outcome, evidence));
  return {
    rolloutId,
    outcome,
    reason: oneLine(reason, MAX_REASON),
    needsAttention: NEEDS_ATTENTION.includes(outcome) || targets.some((t) => t.state === 'unknown' || t.state === 'skipped-drifted'),
    targets,
    ledger,
    execution,
  };
}

/** A record with another execution's ARN is an earlier rollout that had this id; REJECTED records carry none. */
function belongsTo(record: RolloutRecord, execution: EndedExecution): boolean {
  if (execution.error === RolloutExistsError.name) return false;
  return record.executionId === undefined || record.executionId === execution.executionArn;
}

function ledgerSummary(view: LedgerView, ours: boolean): RolloutOutcome['ledger'] {
  switch (view.kind) {
    case 'recorded':
      return ours ? { state: 'recorded', status: view.record.status, mode: view.record.mode } : { state: 'other-execution' };
    case 'absent':
      return { state: 'no-record' };
    case 'unreadable':
      return { state: 'unreadable', error: oneLine(view.error, 300) };
  }
}

function decide(execution: EndedExecution, record: RolloutRecord | undefined, events: readonly LedgerEvent[], ledger: LedgerState): { outcome: Outcome; reason: string } {
  const failure = `${execution.error ?? 'an error'}: ${causeMessage(execution.cause)}`;
  const recorded = record?.outcome?.reason;
  switch (execution.status) {
    case 'SUCCEEDED':
      return { outcome: 'promoted', reason: recorded ?? outputDetail(execution.output) ?? 'all steps passed' };
    case 'TIMED_OUT':
      return { outcome: 'timed-out', reason: `the execution timed out ${notRolledBack(record)}` };
    case 'ABORTED':
      return { outcome: 'stopped', reason: `the execution was stopped (StopExecution) ${notRolledBack(record)}` };
    case 'FAILED':
      break;
  }
  const error = execution.error ?? '';
  if (ROLLED_BACK_ERRORS.has(error)) {
    const why = ROLLED_BACK_ERRORS.get(error);
    return { outcome: 'rolled-back', reason: recorded ?? (why ? `${why}: ${causeMessage(execution.cause)}` : causeMessage(execution.cause)) };
  }
  if (record?.status === 'ROLLBACK_FAILED' || error === RollbackFailedError.name) return { outcome: 'rollback-failed', reason: recorded ?? failure };
  if (record?.status === 'ROLLED_BACK') return { outcome: 'rolled-back', reason: recorded ?? failure };
  if (record?.status === 'REJECTED') return { outcome: 'refused', reason: recorded ?? failure };
  // Preflight wrote the record, so the execution got past it. What leaves the record unfinished is a
  // Finalize (PromotedUnrecorded) or a RecordRollback (RolledBackUnrecorded) that never got through.
  if (record && reachedFinalize(record, events)) {
    return { outcome: 'promoted-unrecorded', reason: `promoted, but the ledger could not record it: ${failure}; the targets' locks expire on their own` };
  }
  if (record) return { outcome: 'rollback-unrecorded', reason: `the rollback ran, but the ledger could not record it: ${failure}` };
  if (ledger !== 'unreadable' || REFUSAL_ERRORS.has(error)) return { outcome: 'refused', reason: failure };
  return {
    outcome: 'unknown',
    reason: `the execution failed with ${failure}; the ledger could not be read, so whether preflight refused the request, or the rollout ended (promoted or rolled back) without the ledger recording it, is not known`,
  };
}

/**
 * Whether the state machine went on to Finalize, which alone follows a promotion without a final
 * bake and the final bake's last evaluation. Rollback never records itself before RecordRollback.
 */
function reachedFinalize(record: RolloutRecord, events: readonly LedgerEvent[]): boolean {
  if (record.status === 'PROMOTED') return true;
  const last = [...events].reverse().find((e) => e.type === 'evaluation' || e.type === 'promoted' || e.type === 'shift-applied');
  if (last?.type === 'evaluation') return last.data.decision === 'finalize';
  if (last?.type === 'promoted') return last.data.finalBakeSeconds === 0;
  return false;
}

function notRolledBack(record: RolloutRecord | undefined): string {
  const status = record ? ` while the rollout was ${record.status}` : '';
  return `${status}: nothing was rolled back, the targets stay as fledge last set them, and their locks expire on their own`;
}

/** FinalizeResult's detail, when the ledger could not say. */
function outputDetail(output: unknown): string | undefined {
  const detail = (output as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' ? detail : undefined;
}

interface KnownTarget {
  readonly targetKey: string;
  readonly kind?: TargetKind;
  readonly stableVersion?: string;
  readonly newVersion?: string;
}

/** The request's targets, with the stable version preflight captured (a refused rollout captured none). */
function recordedTargets(record: RolloutRecord): KnownTarget[] {
  const captured = record.captured as unknown as CapturedState[];
  const requested = requestedTargets(record.request);
  return record.targetKeys.map((key) => {
    const c = captured.find((s) => s.targetKey === key);
    const r = requested.find((t) => t.targetKey === key);
    return c ? { targetKey: key, kind: c.kind, stableVersion: c.stableVersion, newVersion: c.newVersion } : (r ?? { targetKey: key });
  });
}

/** The targets the execution input asks for, each read on its own: a request refused for another field still names them. */
function requestedTargets(input: unknown): KnownTarget[] {
  const targets = (input as { targets?: unknown } | undefined)?.targets;
  if (!Array.isArray(targets)) return [];
  // A request may name ten; a refused one could name thousands, and the message must stay small.
  return targets.slice(0, MAX_TARGETS).flatMap((raw): KnownTarget[] => {
    const parsed = targetSchema.safeParse(raw);
    if (!parsed.success) return [];
    const t = parsed.data;
    return t.kind === 'lambda-alias'
      ? [{ targetKey: targetKey(t), kind: t.kind, newVersion: t.newVersion }]
      : [{ targetKey: targetKey(t), kind: t.kind, stableVersion: FLAG_STABLE_VARIANT, newVersion: FLAG_NEW_VARIANT }];
  });
}

interface Evidence {
  readonly execution: EndedExecution;
  readonly record: RolloutRecord | undefined;
  readonly events: readonly LedgerEvent[];
  readonly ledger: LedgerState;
  /** Every target's key: each anchors its part of a rollback failure message. */
  readonly targetKeys: readonly string[];
}

function targetOutcome(t: KnownTarget, outcome: Outcome, evidence: Evidence): TargetOutcome {
  const left = (state: TargetState, detail: string): TargetOutcome => ({ ...t, state, detail });
  const lastSet = evidence.record ? `; fledge had last set ${describeAtWeight(t, lastWeight(evidence.record))}` : '';
  switch (outcome) {
    case 'promoted':
    case 'promoted-unrecorded':
      return left('promoted', describeAtWeight(t, 100));
    case 'rolled-back':
      return restoredState(t, evidence) ?? left('unknown', `rolled back (restored, or left alone if it was changed by hand): ${whichUnknown(evidence.ledger)}`);
    case 'rollback-failed':
      return afterFailedRollback(t, evidence);
    case 'refused':
      return left('untouched', 'left as it was: preflight refused the rollout before moving any traffic');
    case 'rollback-unrecorded':
      return left('unknown', `restored unless the rollback failed too: the ledger could not record which${lastSet}`);
    case 'stopped':
    case 'timed-out':
      return left('unknown', `not rolled back: the execution ended first${lastSet}`);
    case 'unknown':
      return left('unknown', `${whichUnknown(evidence.ledger)}: check it`);
  }
}

function whichUnknown(ledger: LedgerState): string {
  return ledger === 'unreadable' ? 'the ledger, which says which, could not be read' : 'the ledger has no record saying which';
}

/** What RecordRollback wrote for the target: the last restore recorded, if any. */
function restoredState(t: KnownTarget, { events }: Evidence): TargetOutcome | undefined {
  const restore = [...events].reverse().find((e) => e.type === 'target-restored' && e.data.targetKey === t.targetKey);
  const { action, detail } = (restore?.data ?? {}) as Partial<RestoreResult>;
  if (action !== 'restored' && action !== 'already-stable' && action !== 'skipped-drifted') return undefined;
  return { ...t, state: action, detail: typeof detail === 'string' ? detail : action };
}

/** Rollback's failure message names each target's state; the ledger keeps it, the execution's cause carries it too. */
function afterFailedRollback(t: KnownTarget, { execution, record, events, targetKeys }: Evidence): TargetOutcome {
  const recorded = [...events].reverse().find((e) => e.type === 'error' && e.data.during === 'rollback')?.data.message;
  const message = typeof recorded === 'string' ? recorded : causeMessage(execution.cause);
  const found = targetsAfterFailedRollback(message, targetKeys).get(t.targetKey);
  if (!found) {
    return { ...t, state: 'unknown', detail: `could not restore it, or not recorded which: the rollback failed${record ? '' : ' and the ledger has no record'}` };
  }
  if (found.action === 'not-restored') return { ...t, state: 'unknown', detail: `could not restore it: ${found.why}` };
  return { ...t, state: found.action, detail: `${found.action}, before the rollback failed on another target` };
}

/** The weight fledge set last: the newest phase start; 0 before the first shift. */
function lastWeight(record: RolloutRecord): number {
  return record.phaseStarts?.at(-1)?.weight ?? 0;
}

/** `alias on version 42 with no routing weights`, `flag at 25%`. */
function describeAtWeight(t: KnownTarget, weight: number): string {
  if (t.kind === 'appconfig-flag') return `flag at ${weight}%`;
  if (t.kind === 'lambda-alias' && t.newVersion && (weight === 100 || t.stableVersion)) {
    return `alias on ${describeAliasLayout(aliasLayoutFor({ stableVersion: t.stableVersion ?? '', newVersion: t.newVersion }, weight))}`;
  }
  return `${weight}% of traffic on the new version`;
}
