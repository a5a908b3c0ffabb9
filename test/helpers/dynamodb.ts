import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { createLedgerTable, Ledger, type LedgerOptions } from '../../lib/adapters/ledger';
import type { Clock } from '../../lib/domain/clock';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/local/dynamodb-local';
import { TestClock } from './clock';

export interface LedgerFixtureOptions {
  /** @default - events are kept forever */
  readonly eventRetentionDays?: number;
  /** @default - no observer */
  readonly onEvent?: LedgerOptions['onEvent'];
}

export interface LedgerFixture<C extends Clock = TestClock> {
  readonly ledger: Ledger;
  readonly clock: C;
  /** A table of its own, so tests never see each other's items. */
  readonly tableName: string;
  /** Reads an item exactly as stored, bypassing the ledger's parsing (for TTL and key assertions). */
  rawItem(key: Record<string, string>): Promise<Record<string, NativeAttributeValue> | undefined>;
  /** A document client on the same table, for tests that must plant items the ledger would never write. */
  readonly doc: DynamoDBDocumentClient;
}

export interface DynamoDbLocalFixture {
  /** Valid inside tests and hooks that run after this file's `beforeAll`. */
  readonly local: DynamoDbLocal;
  readonly client: DynamoDBClient;
  /** Creates a fresh ledger table (TTL on) and returns its name. */
  newTable(): Promise<string>;
  /** A Ledger on a fresh table, with a TestClock unless a clock is given. */
  newLedger(opts?: LedgerFixtureOptions): Promise<LedgerFixture>;
  newLedger<C extends Clock>(opts: LedgerFixtureOptions & { readonly clock: C }): Promise<LedgerFixture<C>>;
}

/**
 * Starts one DynamoDB Local for the calling test file (about a second) and stops it after.
 * Call at the top of a `describe` or file, then create ledgers inside tests:
 *
 *   const ddb = useDynamoDbLocal();
 *   it('…', async () => { const { ledger, clock } = await ddb.newLedger(); … });
 */
export function useDynamoDbLocal(): DynamoDbLocalFixture {
  let started: DynamoDbLocal | undefined;
  let tables = 0;

  beforeAll(async () => {
    started = await startDynamoDbLocal();
  }, 30_000);

  afterAll(async () => {
    await started?.stop();
  });

  const local = (): DynamoDbLocal => {
    if (!started) throw new Error('DynamoDB Local is not running: call useDynamoDbLocal() at file or describe level, not inside a test');
    return started;
  };

  const newTable = async (): Promise<string> => {
    tables += 1;
    const tableName = `ledger-${process.pid}-${tables}`;
    await createLedgerTable(local().client, tableName);
    return tableName;
  };

  async function newLedger(opts?: LedgerFixtureOptions): Promise<LedgerFixture>;
  async function newLedger<C extends Clock>(opts: LedgerFixtureOptions & { readonly clock: C }): Promise<LedgerFixture<C>>;
  async function newLedger(opts: LedgerFixtureOptions & { readonly clock?: Clock } = {}): Promise<LedgerFixture<Clock>> {
    const tableName = await newTable();
    const clock = opts.clock ?? new TestClock();
    const { client } = local();
    const doc = DynamoDBDocumentClient.from(client);
    const ledger = new Ledger({ client, tableName, clock, eventRetentionDays: opts.eventRetentionDays, onEvent: opts.onEvent });
    const rawItem = async (key: Record<string, string>) => (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    return { ledger, clock, tableName, rawItem, doc };
  }

  return {
    get local() {
      return local();
    },
    get client() {
      return local().client;
    },
    newTable,
    newLedger,
  };
}
