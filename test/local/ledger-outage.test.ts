import { Ledger } from '../../lib/adapters/ledger';
import { localClient } from '../../lib/local/dynamodb-local';
import { scenarioByName } from '../../lib/local/fleet';
import { createLocalWorld, type LocalWorld } from '../../lib/local/local-environment';
import { newTestRequest } from '../helpers/requests';
import { useLocalRollouts } from '../helpers/local-rollout';

/**
 * Traffic first, bookkeeping second: a ledger that throttles or is unreachable must not keep the
 * new version serving. The ledger goes down once the canary has traffic; the next evaluation fails
 * on it through all its retries, Rollback restores the alias from the cursor alone, and
 * RecordRollback writes the story when the ledger is back (or the execution says it could not).
 */
const rollouts = useLocalRollouts();
const ALIAS_KEY = 'lambda:orders-api:live';
let tables = 0;

interface Outage {
  /** The ledger fails every call while this is true. */
  down: boolean;
  /** Calls still to fail before it comes back; Infinity for an outage that outlasts every retry. */
  failuresLeft: number;
  failed: number;
}

/** A world whose handlers use a ledger on a client that throttles every call during an outage. */
async function worldWithOutage(outage: Outage): Promise<{ world: LocalWorld; ledger: Ledger }> {
  const tableName = `outage-${process.pid}-${++tables}`;
  const world = await createLocalWorld({ client: rollouts.ddb.client, model: scenarioByName('healthy'), seed: 3, tableName });
  const client = localClient(rollouts.ddb.local.endpoint);
  client.middlewareStack.add(
    (next) => async (args) => {
      if (outage.down && outage.failuresLeft > 0) {
        outage.failuresLeft--;
        outage.failed++;
        if (outage.failuresLeft === 0) outage.down = false;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput (injected outage)'), { name: 'ProvisionedThroughputExceededException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectedLedgerOutage' },
  );
  return { world, ledger: new Ledger({ client, tableName, clock: world.clock }) };
}

async function runWithOutage(outage: Outage) {
  const { world, ledger } = await worldWithOutage(outage);
  const run = await rollouts.run(world, newTestRequest(), {
    deps: { ledger },
    // The outage starts once traffic has moved to the new version.
    onStateExited: ({ state }) => {
      if (state === 'ShiftTraffic' && (world.fleet.state(ALIAS_KEY) as { additionalWeight: number }).additionalWeight > 0) outage.down = true;
    },
  });
  return { run, world };
}

test('an outage that outlasts every retry: traffic is restored anyway, and the execution says the record is missing', async () => {
  const outage: Outage = { down: false, failuresLeft: Infinity, failed: 0 };
  const { run, world } = await runWithOutage(outage);
  expect(run.result.endState).toBe('RolledBackUnrecorded');
  expect(run.result.outcome).toBe('rolled-back');
  // The Fail state names itself; the cause keeps what the ledger said.
  expect(run.result.error).toBe('RolledBackUnrecorded');
  expect(run.result.cause).toMatch(/ProvisionedThroughputExceededException/);
  expect(world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: '41', additionalVersion: null, additionalWeight: 0 });
  // The evaluation that met the outage and its five retries, then RecordRollback's first try and
  // its eight retries, each failing on its first call.
  expect(outage.failed).toBe(1 + 5 + 1 + 8);
  expect((await world.ledger.requireRollout(run.result.rolloutId as string)).status).toBe('IN_PROGRESS');
});

test('an outage the retries ride out: traffic is restored first, and the record is written late, locks released', async () => {
  // Outlasts the evaluation's retries, not RecordRollback's.
  const outage: Outage = { down: false, failuresLeft: 10, failed: 0 };
  const { run, world } = await runWithOutage(outage);
  expect(run.result.endState).toBe('RolledBackOnError');
  expect(world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: '41', additionalVersion: null, additionalWeight: 0 });
  const record = await world.ledger.requireRollout(run.result.rolloutId as string);
  expect(record.status).toBe('ROLLED_BACK');
  expect(record.outcome?.reason).toMatch(/ProvisionedThroughputExceededException/);
  expect(await world.ledger.getLock(ALIAS_KEY)).toBeUndefined();
  const events = await world.ledger.listEvents(run.result.rolloutId as string);
  expect(events.filter((e) => e.type === 'target-restored').map((e) => e.data)).toEqual([expect.objectContaining({ targetKey: ALIAS_KEY, action: 'restored' })]);
  // The restore happened before the ledger came back: the fleet's weight history shows it at the outage's time.
  const restore = world.fleet.history(ALIAS_KEY).find((h) => h.cause === 'restore');
  expect(restore).toBeDefined();
  expect(outage.failed).toBe(10);
});
