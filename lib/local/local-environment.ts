import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLedgerTable, Ledger, type LedgerEvent } from '../adapters/ledger';
import type { ControllerDeps } from '../controller/dependencies';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { SimulatedAlarmSource, SimulatedFleet, SimulatedMetricProvider, SimulatedSmokeInvoker, simulatedTrafficRouters, type TrafficModel } from './fleet';
import { LocalHookFunctions } from './hooks/local-hooks';
import { VirtualClock, type PacedClock } from './virtual-clock';

export interface LocalWorld<C extends PacedClock = VirtualClock> {
  readonly deps: ControllerDeps;
  readonly fleet: SimulatedFleet;
  readonly alarms: SimulatedAlarmSource;
  readonly clock: C;
  readonly ledger: Ledger;
  /** The hook functions the request file's local section defines; preflight checks against them, the hook states run them. */
  readonly hooks: LocalHookFunctions;
}

export interface LocalWorldOptions<C extends PacedClock = VirtualClock> {
  readonly client: DynamoDBClient;
  readonly model: TrafficModel;
  readonly seed: number;
  /** @default - a fresh table named after the seed and a counter */
  readonly tableName?: string;
  /** @default - a fresh virtual clock */
  readonly clock?: C;
  /** Sees every ledger event as it is written: the demo's live timeline. */
  readonly onLedgerEvent?: (rolloutId: string, event: LedgerEvent) => void;
  /** @default - none: a request that names a hook is refused */
  readonly hooks?: LocalHookFunctions;
}

let tables = 0;

/**
 * Everything a local rollout runs against: the simulated fleet behind the traffic routers and
 * the metric provider, and a real ledger table in DynamoDB Local, all on one virtual clock.
 */
export async function createLocalWorld<C extends PacedClock = VirtualClock>(options: LocalWorldOptions<C>): Promise<LocalWorld<C>> {
  const clock = options.clock ?? (new VirtualClock() as PacedClock as C);
  const tableName = options.tableName ?? `fledge-local-${options.seed}-${process.pid}-${++tables}`;
  await createLedgerTable(options.client, tableName);
  const ledger = new Ledger({ client: options.client, tableName, clock, onEvent: options.onLedgerEvent });
  const fleet = new SimulatedFleet({ model: options.model, seed: options.seed, clock });
  const alarms = new SimulatedAlarmSource();
  const hooks = options.hooks ?? LocalHookFunctions.none();
  const deps: ControllerDeps = {
    routers: simulatedTrafficRouters(fleet),
    metrics: new SimulatedMetricProvider(fleet),
    invoker: new SimulatedSmokeInvoker(fleet),
    hookFunctions: hooks,
    alarms,
    ledger,
    clock,
  };
  return { deps, fleet, alarms, clock, ledger, hooks };
}

/** Starts DynamoDB Local for the duration of `work`, and always stops it. */
export async function withDynamoDbLocal<T>(work: (local: DynamoDbLocal) => Promise<T>): Promise<T> {
  const local = await startDynamoDbLocal();
  try {
    return await work(local);
  } finally {
    await local.stop();
  }
}
