import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type NativeAttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock';
import { LockHeldError, RolloutStateError, ValidationError } from '../../domain/errors';
import { transientOrAsIs } from '../aws-errors';
import { CorruptRecordError, RolloutExistsError } from './errors';
import {
  CONTROLLABLE_STATUSES,
  ROLLOUT_STATUSES,
  TERMINAL_STATUSES,
  MAX_EVENT_SEQ,
  byCreationIndexKey,
  byTargetIndexKey,
  ALL_ROLLOUTS_PARTITION,
  eventKey,
  eventSortKey,
  ledgerEventSchema,
  lockKey,
  lockRecordSchema,
  membershipKey,
  rolloutKey,
  rolloutRecordSchema,
  rolloutSummarySchema,
  targetHistoryPartition,
  type ControlRequest,
  type Entity,
  type EventType,
  type ItemKey,
  type JsonObjectInput,
  type LedgerEvent,
  type LockRecord,
  type NewRollout,
  type PendingApproval,
  type RolloutPatch,
  type RolloutRecord,
  type RolloutStatus,
  type RolloutSummary,
} from './records';
import { BY_CREATION_INDEX, BY_TARGET_INDEX, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table-schema';
import { UpdateBuilder } from './update-builder';

export interface LedgerOptions {
  /**
   * A plain DynamoDB client. The ledger wraps it in its own DocumentClient so that the
   * marshalling options (drop `undefined`, refuse class instances) cannot differ between callers.
   */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Timestamps, lock expiry and event TTL all come from here, so local mode runs on virtual time. */
  readonly clock: Clock;
  /** Events get a TTL this many days after they are written. @default - events are kept forever */
  readonly eventRetentionDays?: number;
  /**
   * Called with each event once it is stored (local mode's live timeline).
   * @default - no observer
   */
  readonly onEvent?: (rolloutId: string, event: LedgerEvent) => void;
}

/** The fields `updateRollout` may change, and whether `null` may remove them. */
const PATCHABLE_FIELDS: readonly (readonly [keyof RolloutPatch, boolean])[] = [
  ['status', false],
  ['plan', false],
  ['captured', false],
  ['executionId', true],
  ['outcome', true],
  ['control', true],
  ['pendingApproval', true],
  ['phaseStarts', false],
];

/** TransactWriteItems takes at most 100 actions; a rollout's record uses one of them. */
const MAX_TRANSACTION_ITEMS = 100;
/** A lock race lost to a rollout that then released (or a TransactionConflict) is worth another try. */
const LOCK_ATTEMPTS = 3;
const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 5;
const SECONDS_PER_DAY = 86_400;

/**
 * The rollout ledger: one DynamoDB table holding each rollout's record, its append-only event
 * list, its target memberships (for history by target) and the per-target locks.
 * Reads are strongly consistent except the by-target index, which DynamoDB cannot read consistently.
 */
export class Ledger {
  private readonly doc: Pick<DynamoDBDocumentClient, 'send'>;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly eventRetentionSeconds: number | undefined;
  private readonly onEvent: ((rolloutId: string, event: LedgerEvent) => void) | undefined;

  constructor(opts: LedgerOptions) {
    if (!opts.tableName) throw new ValidationError('Ledger needs a tableName (the FLEDGE ledger table)');
    const days = opts.eventRetentionDays;
    if (days !== undefined && !(Number.isFinite(days) && days > 0)) {
      throw new ValidationError(`eventRetentionDays must be a positive number of days, got ${days}; omit it to keep events forever`);
    }
    const doc = DynamoDBDocumentClient.from(opts.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    // A throttled or unreachable table is retried by the state machine (TransientError); the
    // conditions and cancellations this class acts on arrive unchanged.
    const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      try {
        return await doc.send(command);
      } catch (error) {
        throw transientOrAsIs(error, `ledger ${command.constructor.name.replace(/Command$/, '')} on ${opts.tableName}`);
      }
    };
    this.doc = { send: send as DynamoDBDocumentClient['send'] };
    this.tableName = opts.tableName;
    this.clock = opts.clock;
    this.eventRetentionSeconds = days === undefined ? undefined : Math.round(days * SECONDS_PER_DAY);
    this.onEvent = opts.onEvent;
  }

  // ---- rollout record ------------------------------------------------------------------------

  /** Writes the record and its target memberships together; refuses an id that already exists. */
  async createRollout(input: NewRollout): Promise<RolloutRecord> {
    assertDistinct(input.targetKeys, 'targetKeys');
    if (input.targetKeys.length > MAX_TRANSACTION_ITEMS - 1) {
      throw new ValidationError(`a rollout can have at most ${MAX_TRANSACTION_ITEMS - 1} targets, got ${input.targetKeys.length}`);
    }
    const now = this.nowIso();
    const record = {
      rolloutId: input.rolloutId,
      status: input.status,
      request: input.request,
      plan: input.plan,
      captured: input.captured,
      targetKeys: input.targetKeys,
      mode: input.mode,
      createdAt: now,
      updatedAt: now,
      executionId: input.executionId,
      outcome: input.outcome,
      eventCount: 0,
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...rolloutKey(input.rolloutId), ...byCreationIndexKey(now, input.rolloutId), entity: 'rollout' satisfies Entity, ...record },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY.name },
              },
            },
            ...input.targetKeys.map((targetKey) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  ...membershipKey(input.rolloutId, targetKey),
                  ...byTargetIndexKey(targetKey, now, input.rolloutId),
                  entity: 'target' satisfies Entity,
                  rolloutId: input.rolloutId,
                  targetKey,
                  createdAt: now,
                },
              },
            })),
          ],
        }),
      );
    } catch (err) {
      // Reasons are positional: index 0 is the record's Put.
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw new RolloutExistsError(input.rolloutId);
      }
      throw err;
    }
    return this.requireRollout(input.rolloutId);
  }

  async getRollout(rolloutId: string): Promise<RolloutRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: rolloutKey(rolloutId), ConsistentRead: true }));
    return res.Item === undefined ? undefined : parseItem(rolloutRecordSchema, res.Item, describeKey(rolloutKey(rolloutId)));
  }

  async requireRollout(rolloutId: string): Promise<RolloutRecord> {
    const record = await this.getRollout(rolloutId);
    if (!record) throw new RolloutStateError(`rollout ${rolloutId} does not exist`);
    return record;
  }

  /**
   * Applies `patch` and stamps `updatedAt`. With `expectedStatus`, only while the rollout is in
   * (one of) that status: the compare-and-set that keeps two writers from both moving a rollout on.
   */
  async updateRollout(
    rolloutId: string,
    patch: RolloutPatch,
    opts: { readonly expectedStatus?: RolloutStatus | readonly RolloutStatus[] } = {},
  ): Promise<RolloutRecord> {
    const expected = opts.expectedStatus === undefined ? undefined : ([] as RolloutStatus[]).concat(opts.expectedStatus);
    const update = new UpdateBuilder();
    // Only the listed fields, read by name: a caller spreading a whole record in must not rewrite keys or createdAt.
    for (const [field, removable] of PATCHABLE_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      if (value !== null) update.set(field, value);
      else if (removable) update.remove(field);
      else throw new ValidationError(`${field} cannot be removed from a rollout record`);
    }
    if (expected) update.requireStatusIn(expected);
    return this.applyUpdate(rolloutId, update, `update rollout ${rolloutId}`, { allowedStatuses: expected });
  }

  /**
   * Records an abort or promote for the state machine to act on at its next evaluation.
   * A pending abort is never replaced by a promote: when in doubt, roll back.
   */
  async requestControl(rolloutId: string, control: ControlRequest): Promise<RolloutRecord> {
    const update = new UpdateBuilder().set('control', control).requireStatusIn(CONTROLLABLE_STATUSES);
    if (control.action === 'promote') {
      update.condition('(attribute_not_exists(#control) OR #control.#action <> :abort)', { '#control': 'control', '#action': 'action' }, { ':abort': 'abort' });
    }
    return this.applyUpdate(rolloutId, update, `${control.action} rollout ${rolloutId}`, {
      allowedStatuses: CONTROLLABLE_STATUSES,
      explain: (current) => (current.control?.action === 'abort' ? `an abort is already pending (${current.control.reason})` : undefined),
    });
  }

  /**
   * Removes the pending control request. Pass the request that was acted on, and a newer one
   * that arrived meanwhile is left in place. Returns whether a request was removed.
   */
  async clearControl(rolloutId: string, consumed?: Pick<ControlRequest, 'action' | 'at'>): Promise<boolean> {
    const update = new UpdateBuilder().remove('control');
    const names = { '#control': 'control', '#action': 'action', '#at': 'at' };
    if (consumed) {
      update.condition('#control.#action = :action AND #control.#at = :at', names, { ':action': consumed.action, ':at': consumed.at });
    } else {
      update.condition('attribute_exists(#control)', { '#control': 'control' }, {});
    }
    const result = await this.tryUpdate(rolloutId, update);
    if (!(result instanceof ConditionFailure)) return true;
    // Nothing (or something newer) pending is not an error; a missing rollout still is.
    if (!result.current) throw new RolloutStateError(`cannot clear the control request: rollout ${rolloutId} does not exist`);
    return false;
  }

  /** Stores the task token of a waiting approval gate; only while the rollout is running. */
  async setPendingApproval(rolloutId: string, approval: PendingApproval): Promise<RolloutRecord> {
    const update = new UpdateBuilder().set('pendingApproval', approval).requireStatusIn(CONTROLLABLE_STATUSES);
    return this.applyUpdate(rolloutId, update, `request approval on rollout ${rolloutId}`, { allowedStatuses: CONTROLLABLE_STATUSES });
  }

  async clearPendingApproval(rolloutId: string): Promise<RolloutRecord> {
    return this.applyUpdate(rolloutId, new UpdateBuilder().remove('pendingApproval'), `clear the approval of rollout ${rolloutId}`);
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Appends one event. The counter on the record hands out the sequence number atomically, so
   * concurrent writers (a handler and the CLI) never collide; the event itself is written once
   * and never updated.
   */
  async appendEvent(rolloutId: string, type: EventType, data: JsonObjectInput = {}): Promise<LedgerEvent> {
    // Checked before the counter moves: an array here would be written and then fail every read.
    if (Array.isArray(data)) throw new ValidationError(`event data must be a JSON object, got an array (${type} event)`);
    const now = this.clock.now();
    let seq: unknown;
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rolloutKey(rolloutId),
          UpdateExpression: 'ADD #eventCount :one',
          // Without this, ADD would create a stray record for an unknown rollout.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#eventCount': 'eventCount', '#pk': PARTITION_KEY.name },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      seq = res.Attributes?.eventCount;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new RolloutStateError(`rollout ${rolloutId} does not exist; cannot append a ${type} event`, { cause: err });
      }
      throw err;
    }
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || seq > MAX_EVENT_SEQ) {
      throw new CorruptRecordError(describeKey(rolloutKey(rolloutId)), [`eventCount is ${String(seq)} after increment`]);
    }
    const item = {
      ...eventKey(rolloutId, seq),
      entity: 'event' satisfies Entity,
      rolloutId,
      seq,
      type,
      at: now.toISOString(),
      data,
      [TTL_ATTRIBUTE]: this.eventRetentionSeconds === undefined ? undefined : epochSeconds(now) + this.eventRetentionSeconds,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SORT_KEY.name },
      }),
    );
    const event = parseItem(ledgerEventSchema, item, describeKey(eventKey(rolloutId, seq)));
    this.notify(rolloutId, event);
    return event;
  }

  /** Events in sequence order; `afterSeq` returns only newer ones (for a CLI that follows a rollout). */
  async listEvents(rolloutId: string, opts: { readonly afterSeq?: number } = {}): Promise<LedgerEvent[]> {
    const from = eventSortKey((opts.afterSeq ?? 0) + 1);
    const to = eventSortKey(MAX_EVENT_SEQ);
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY.name, '#sk': SORT_KEY.name },
      ExpressionAttributeValues: { ':pk': rolloutKey(rolloutId)[PARTITION_KEY.name], ':from': from, ':to': to },
      ConsistentRead: true,
    });
    return items.map((item) => parseItem(ledgerEventSchema, item, describeItem(item)));
  }

  // ---- locks ----------------------------------------------------------------------------------

  /**
   * Takes the lock on every target or on none. A lock is free when absent, expired, or already
   * ours (taking it again extends it). Throws LockHeldError naming the first target another
   * rollout holds.
   */
  async acquireLocks(rolloutId: string, targetKeys: readonly string[], ttlSeconds: number): Promise<LockRecord[]> {
    assertDistinct(targetKeys, 'targetKeys');
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new ValidationError(`lock ttlSeconds must be a positive whole number of seconds, got ${ttlSeconds}`);
    }
    if (targetKeys.length > MAX_TRANSACTION_ITEMS) {
      throw new ValidationError(`at most ${MAX_TRANSACTION_ITEMS} targets can be locked together, got ${targetKeys.length}`);
    }
    if (targetKeys.length === 0) return [];

    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      const nowSeconds = epochSeconds(now);
      const locks: LockRecord[] = targetKeys.map((targetKey) => ({
        targetKey,
        rolloutId,
        acquiredAt: now.toISOString(),
        expiresAt: nowSeconds + ttlSeconds,
      }));
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: locks.map((lock) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...lockKey(lock.targetKey), entity: 'lock' satisfies Entity, ...lock },
                ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now OR #rolloutId = :me',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY.name, '#expiresAt': 'expiresAt', '#rolloutId': 'rolloutId' },
                ExpressionAttributeValues: { ':now': nowSeconds, ':me': rolloutId },
              },
            })),
          }),
        );
        return locks;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const held = (await this.locksOfOthers(rolloutId, targetKeys, nowSeconds)).live[0];
        if (held) throw new LockHeldError(held.targetKey, held.rolloutId, new Date(held.expiresAt * 1000).toISOString());
        // Nobody holds them now: the holder released between our write and our read, or two
        // transactions collided (TransactionConflict). Try again with a fresh clock reading.
        if (attempt >= LOCK_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Deletes the locks this rollout holds. Locks that are gone or that another rollout has since
   * taken (after ours expired) are left alone. Returns the targets actually released.
   */
  async releaseLocks(rolloutId: string, targetKeys: readonly string[]): Promise<string[]> {
    const released = await Promise.all(
      targetKeys.map(async (targetKey) => {
        try {
          await this.doc.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: lockKey(targetKey),
              ConditionExpression: '#rolloutId = :me',
              ExpressionAttributeNames: { '#rolloutId': 'rolloutId' },
              ExpressionAttributeValues: { ':me': rolloutId },
            }),
          );
          return targetKey;
        } catch (err) {
          if (err instanceof ConditionalCheckFailedException) return undefined;
          throw err;
        }
      }),
    );
    return released.filter((t): t is string => t !== undefined);
  }

  /**
   * The locks on these targets that other rollouts hold (`rolloutId` is the asker; none for a
   * bystander such as `fledge check`): live ones block a start; expired ones belong to a rollout
   * whose execution died without releasing them, and acquireLocks takes them over.
   */
  async locksOfOthers(rolloutId: string | undefined, targetKeys: readonly string[], nowSeconds = epochSeconds(this.clock.now())): Promise<{ live: LockRecord[]; expired: LockRecord[] }> {
    const locks = (await Promise.all(targetKeys.map((key) => this.getLock(key)))).filter((lock): lock is LockRecord => lock !== undefined && lock.rolloutId !== rolloutId);
    // The same boundary as acquireLocks' condition: a lock is free once expiresAt < now.
    return { live: locks.filter((l) => l.expiresAt >= nowSeconds), expired: locks.filter((l) => l.expiresAt < nowSeconds) };
  }

  /** The lock item as stored, expired or not (DynamoDB's TTL deletes expired ones only eventually). */
  async getLock(targetKey: string): Promise<LockRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: lockKey(targetKey), ConsistentRead: true }));
    return res.Item === undefined ? undefined : parseItem(lockRecordSchema, res.Item, describeKey(lockKey(targetKey)));
  }

  // ---- history --------------------------------------------------------------------------------

  /** Rollouts that touched `targetKey`, newest first, with their current status. */
  async listRolloutsByTarget(targetKey: string, opts: { readonly limit?: number } = {}): Promise<RolloutSummary[]> {
    const limit = opts.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new ValidationError(`limit must be a positive whole number, got ${limit}`);
    const memberships = await this.queryAll(
      {
        IndexName: BY_TARGET_INDEX.indexName,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': BY_TARGET_INDEX.partitionKey.name },
        ExpressionAttributeValues: { ':gpk': targetHistoryPartition(targetKey) },
        ScanIndexForward: false,
      },
      limit,
    );
    const ids = memberships.map((m) => m.rolloutId).filter((id): id is string => typeof id === 'string');
    const records = await this.batchGetRollouts(ids);
    // A membership whose record is missing cannot happen (one transaction writes both); skip rather than invent one.
    return ids.flatMap((id) => {
      const record = records.get(id);
      return record ? [{ ...record, targetKey }] : [];
    });
  }

  /** Every rollout, newest first, or only those still running: one Query of the by-creation index. */
  async listRollouts(opts: { readonly activeOnly?: boolean; readonly limit?: number } = {}): Promise<(RolloutSummary & { readonly targetKeys: readonly string[] })[]> {
    const limit = opts.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new ValidationError(`limit must be a positive whole number, got ${limit}`);
    const active = ROLLOUT_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));
    const items = await this.queryAll(
      {
        IndexName: BY_CREATION_INDEX.indexName,
        KeyConditionExpression: '#gpk = :all',
        ExpressionAttributeNames: { '#gpk': BY_CREATION_INDEX.partitionKey.name, ...(opts.activeOnly ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':all': ALL_ROLLOUTS_PARTITION, ...(opts.activeOnly ? Object.fromEntries(active.map((s, i) => [`:s${i}`, s])) : {}) },
        ...(opts.activeOnly ? { FilterExpression: `#status IN (${active.map((_, i) => `:s${i}`).join(', ')})` } : {}),
        ScanIndexForward: false,
      },
      limit,
    );
    return items.slice(0, limit).map((item) => {
      const summary = parseItem(rolloutSummarySchema, item, `rollout ${String(item.rolloutId)} (by creation)`);
      const targetKeys = Array.isArray(item.targetKeys) ? item.targetKeys.map(String) : [];
      return { ...summary, targetKey: targetKeys[0] ?? '', targetKeys };
    });
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * The event is already stored: an observer that throws must not make the caller believe the
   * write failed (a retry would record the event twice), so its error becomes a process warning.
   */
  private notify(rolloutId: string, event: LedgerEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(rolloutId, event);
    } catch (err) {
      process.emitWarning(`ledger onEvent observer failed on ${rolloutId} event ${event.seq}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** Runs the update; a failed condition comes back as the record's current state instead of an exception. */
  private async tryUpdate(rolloutId: string, update: UpdateBuilder): Promise<RolloutRecord | ConditionFailure> {
    update.set('updatedAt', this.nowIso());
    const key = rolloutKey(rolloutId);
    try {
      const res = await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: key, ...update.build(), ReturnValues: 'ALL_NEW' }));
      return parseItem(rolloutRecordSchema, res.Attributes ?? {}, describeKey(key));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The condition does not say which clause failed; one read tells the caller why.
      return new ConditionFailure(await this.getRollout(rolloutId), err);
    }
  }

  private async applyUpdate(
    rolloutId: string,
    update: UpdateBuilder,
    what: string,
    opts: { allowedStatuses?: readonly RolloutStatus[]; explain?: (current: RolloutRecord) => string | undefined } = {},
  ): Promise<RolloutRecord> {
    const result = await this.tryUpdate(rolloutId, update);
    if (!(result instanceof ConditionFailure)) return result;
    const { current, cause } = result;
    let why: string;
    if (!current) why = `rollout ${rolloutId} does not exist`;
    else if (opts.allowedStatuses && !opts.allowedStatuses.includes(current.status)) {
      why = `it is ${current.status}, expected ${opts.allowedStatuses.join(' or ')}`;
    } else why = opts.explain?.(current) ?? `its state changed meanwhile (now ${current.status})`;
    throw new RolloutStateError(`cannot ${what}: ${why}`, { cause });
  }

  /** Follows `LastEvaluatedKey` until the partition (or `limit` items) is read. */
  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
    limit?: number,
  ): Promise<Record<string, NativeAttributeValue>[]> {
    const items: Record<string, NativeAttributeValue>[] = [];
    let startKey: Record<string, NativeAttributeValue> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ExclusiveStartKey: startKey,
          Limit: limit === undefined ? undefined : limit - items.length,
        }),
      );
      items.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }

  private async batchGetRollouts(ids: readonly string[]): Promise<Map<string, Omit<RolloutSummary, 'targetKey'>>> {
    const found = new Map<string, Omit<RolloutSummary, 'targetKey'>>();
    const fields = Object.keys(rolloutSummarySchema.shape);
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, NativeAttributeValue>[] = ids.slice(start, start + BATCH_GET_LIMIT).map(rolloutKey);
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`DynamoDB left ${keys.length} rollout records unread after ${BATCH_GET_ATTEMPTS} attempts`);
        if (attempt > 1) await sleep(50 * 2 ** attempt);
        const res = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: fields.map((_, i) => `#f${i}`).join(', '),
                ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])),
              },
            },
          }),
        );
        for (const item of res.Responses?.[this.tableName] ?? []) {
          const summary = parseItem(rolloutSummarySchema, item, `rollout ${String(item.rolloutId)} (META)`);
          found.set(summary.rolloutId, summary);
        }
        // Unprocessed keys are throttling, not absence: ask again with a backoff.
        keys = res.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}

class ConditionFailure {
  constructor(
    readonly current: RolloutRecord | undefined,
    readonly cause: ConditionalCheckFailedException,
  ) {}
}

function parseItem<S extends z.ZodType>(schema: S, item: Record<string, unknown>, where: string): z.output<S> {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  throw new CorruptRecordError(
    where,
    result.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
  );
}

function describeKey(key: ItemKey): string {
  return `${key[PARTITION_KEY.name]} / ${key[SORT_KEY.name]}`;
}

/** Names an item read back from a query by its own keys. */
function describeItem(item: Record<string, unknown>): string {
  return `${String(item[PARTITION_KEY.name])} / ${String(item[SORT_KEY.name])}`;
}

function epochSeconds(t: Date): number {
  return Math.floor(t.getTime() / 1000);
}

function assertDistinct(values: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new ValidationError(`${what} lists ${v} twice; each target can appear once`);
    seen.add(v);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
