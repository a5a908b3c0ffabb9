import { z } from 'zod';
import { BY_CREATION_INDEX, BY_TARGET_INDEX, PARTITION_KEY, SORT_KEY } from './table-schema';

/*
 * What the ledger stores. Items are written from the TypeScript types below and validated with
 * the zod schemas when read back, so a hand-edited or foreign item fails loudly instead of
 * flowing into a rollback decision.
 */

export const ROLLOUT_STATUSES = [
  'PREFLIGHT',
  'IN_PROGRESS',
  'AWAITING_APPROVAL',
  'PROMOTED',
  'ROLLED_BACK',
  'REJECTED',
  'ROLLBACK_FAILED',
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/** A rollout in one of these is over; nothing moves its targets any more. */
export const TERMINAL_STATUSES: readonly RolloutStatus[] = ['PROMOTED', 'ROLLED_BACK', 'REJECTED', 'ROLLBACK_FAILED'];

/** Abort and promote only make sense while traffic is being shifted or a gate is waiting. */
export const CONTROLLABLE_STATUSES: readonly RolloutStatus[] = ['IN_PROGRESS', 'AWAITING_APPROVAL'];

export const EVENT_TYPES = [
  'preflight',
  'smoke-test',
  'hook-started',
  'hook-finished',
  'step-started',
  'shift-applied',
  'evaluation',
  'decision',
  'approval-requested',
  'approval',
  'control',
  'promoted',
  'lock-taken-over',
  'rollback-started',
  'target-restored',
  'rolled-back',
  'error',
  'finalized',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ROLLOUT_MODES = ['enforce', 'observe'] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** A JSON object as read back. Callers parse it with their own schema (the request, the plan…). */
export type JsonObject = Record<string, unknown>;

/**
 * A JSON object as written. `object` rather than `JsonObject` because interfaces such as
 * `RolloutPlan` or `CapturedState` have no index signature and would not be assignable.
 * Values must be plain JSON: the marshaller refuses class instances (a `Date`, say).
 */
export type JsonObjectInput = object;

const isoTimestamp = z.iso.datetime();
const jsonObject = z.record(z.string(), z.unknown());

export const rolloutOutcomeSchema = z.object({
  /** What ended the rollout, e.g. `promoted`, `rolled-back`; the reason says why. */
  decision: z.string().min(1),
  reason: z.string(),
  at: isoTimestamp,
});
export type RolloutOutcome = z.infer<typeof rolloutOutcomeSchema>;

export const controlRequestSchema = z.object({
  action: z.enum(['abort', 'promote']),
  reason: z.string(),
  requestedBy: z.string(),
  at: isoTimestamp,
});
export type ControlRequest = z.infer<typeof controlRequestSchema>;
export type ControlAction = ControlRequest['action'];

export const pendingApprovalSchema = z.object({
  /** Step Functions task token of the `.waitForTaskToken` state; `approve` sends it back. */
  taskToken: z.string().min(1),
  stepIndex: z.number().int().min(0),
  requestedAt: isoTimestamp,
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

export const phaseStartSchema = z.object({
  phase: z.enum(['step', 'final-bake']),
  stepIndex: z.number().int().min(0),
  weight: z.number().min(0).max(100),
  at: isoTimestamp,
});
export type PhaseStart = z.infer<typeof phaseStartSchema>;

/** Unknown attributes (the keys, `entity`) are stripped by `z.object`, so reads return the record only. */
export const rolloutRecordSchema = z.object({
  rolloutId: z.string().min(1),
  status: z.enum(ROLLOUT_STATUSES),
  /** The validated rollout request. */
  request: jsonObject,
  plan: jsonObject,
  /** What preflight captured per target (CapturedState), in target order; rollback restores exactly this. */
  captured: z.array(jsonObject),
  targetKeys: z.array(z.string().min(1)),
  mode: z.enum(ROLLOUT_MODES),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  /** Step Functions execution ARN (or the local runner's id). */
  executionId: z.string().min(1).optional(),
  outcome: rolloutOutcomeSchema.optional(),
  /** An abort or promote asked for by the CLI, not yet acted on by the state machine. */
  control: controlRequestSchema.optional(),
  pendingApproval: pendingApprovalSchema.optional(),
  /** When each phase's weight took effect, in order: the judge keeps evidence across phases and restarts its change detector at each. */
  phaseStarts: z.array(phaseStartSchema).optional(),
  /** Number of events appended so far; also the sequence number of the newest one. */
  eventCount: z.number().int().min(0),
});
export type RolloutRecord = z.infer<typeof rolloutRecordSchema>;

/** What `createRollout` takes; the ledger stamps the timestamps and starts `eventCount` at 0. */
export interface NewRollout {
  readonly rolloutId: string;
  readonly status: RolloutStatus;
  readonly request: JsonObjectInput;
  readonly plan: JsonObjectInput;
  readonly captured: readonly JsonObjectInput[];
  readonly targetKeys: readonly string[];
  readonly mode: RolloutMode;
  readonly executionId?: string;
  /** Set at creation only for a rollout recorded as refused (REJECTED before it started). */
  readonly outcome?: RolloutOutcome;
}

/**
 * Fields that change while a rollout runs. `undefined` (or absent) leaves a field alone;
 * `null` removes an optional one. `rolloutId`, `request`, `targetKeys`, `mode` and
 * `createdAt` never change; `updatedAt` is the ledger's; `eventCount` belongs to `appendEvent`.
 */
export interface RolloutPatch {
  readonly status?: RolloutStatus;
  readonly plan?: JsonObjectInput;
  readonly captured?: readonly JsonObjectInput[];
  readonly executionId?: string | null;
  readonly outcome?: RolloutOutcome | null;
  readonly control?: ControlRequest | null;
  readonly pendingApproval?: PendingApproval | null;
  readonly phaseStarts?: readonly PhaseStart[];
}

export const ledgerEventSchema = z.object({
  rolloutId: z.string().min(1),
  /** 1, 2, 3… per rollout. Unique and increasing; a crash between the counter and the write can leave a gap. */
  seq: z.number().int().positive(),
  type: z.enum(EVENT_TYPES),
  at: isoTimestamp,
  data: jsonObject,
});
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

export const lockRecordSchema = z.object({
  targetKey: z.string().min(1),
  rolloutId: z.string().min(1),
  /** When the holder last acquired or refreshed the lock. */
  acquiredAt: isoTimestamp,
  /** Epoch seconds. Also the table's TTL attribute, so DynamoDB eventually deletes stale locks. */
  expiresAt: z.number().int(),
});
export type LockRecord = z.infer<typeof lockRecordSchema>;

/** One line of a target's history: the membership item joined with the rollout's current status. */
export const rolloutSummarySchema = rolloutRecordSchema.pick({
  rolloutId: true,
  status: true,
  mode: true,
  createdAt: true,
  updatedAt: true,
  outcome: true,
});
export type RolloutSummary = z.infer<typeof rolloutSummarySchema> & { readonly targetKey: string };

/** Marks each item's kind, so a table dump reads without decoding keys. */
export type Entity = 'rollout' | 'event' | 'lock' | 'target';

/*
 * Keys. The rollout's record, events and target memberships share the partition `ROLLOUT#<id>`,
 * so one Query reads a whole rollout. Locks live in their own partition per target, so the
 * conditional write that takes a lock touches nothing else.
 */

/** Largest sequence number the zero-padded sort key can hold in order. */
export const MAX_EVENT_SEQ = 9_999_999_999;
const SEQ_DIGITS = 10;

export type ItemKey = Record<typeof PARTITION_KEY.name | typeof SORT_KEY.name, string>;

export function rolloutKey(rolloutId: string): ItemKey {
  return { [PARTITION_KEY.name]: `ROLLOUT#${rolloutId}`, [SORT_KEY.name]: 'META' };
}

export const EVENT_SK_PREFIX = 'EVENT#';

export function eventSortKey(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_EVENT_SEQ) throw new RangeError(`event sequence ${seq} is out of range`);
  return EVENT_SK_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

export function eventKey(rolloutId: string, seq: number): ItemKey {
  return { [PARTITION_KEY.name]: `ROLLOUT#${rolloutId}`, [SORT_KEY.name]: eventSortKey(seq) };
}

export function lockKey(targetKey: string): ItemKey {
  return { [PARTITION_KEY.name]: `LOCK#${targetKey}`, [SORT_KEY.name]: 'LOCK' };
}

export function membershipKey(rolloutId: string, targetKey: string): ItemKey {
  return { [PARTITION_KEY.name]: `ROLLOUT#${rolloutId}`, [SORT_KEY.name]: `TARGET#${targetKey}` };
}

export type IndexKey = Record<typeof BY_TARGET_INDEX.partitionKey.name | typeof BY_TARGET_INDEX.sortKey.name, string>;

export function targetHistoryPartition(targetKey: string): string {
  return `TARGET#${targetKey}`;
}

/** ISO timestamps sort as strings, and the id breaks ties between rollouts created in the same millisecond. */
/** The one partition of the by-creation index: every rollout record. */
export const ALL_ROLLOUTS_PARTITION = 'ROLLOUTS';

export function byCreationIndexKey(createdAt: string, rolloutId: string): Record<typeof BY_CREATION_INDEX.partitionKey.name | typeof BY_CREATION_INDEX.sortKey.name, string> {
  return { [BY_CREATION_INDEX.partitionKey.name]: ALL_ROLLOUTS_PARTITION, [BY_CREATION_INDEX.sortKey.name]: `${createdAt}#${rolloutId}` };
}

export function byTargetIndexKey(targetKey: string, createdAt: string, rolloutId: string): IndexKey {
  return {
    [BY_TARGET_INDEX.partitionKey.name]: targetHistoryPartition(targetKey),
    [BY_TARGET_INDEX.sortKey.name]: `${createdAt}#${rolloutId}`,
  };
}
