import type { LedgerEvent } from '../../lib/adapters/ledger';
import type { CapturedState } from '../../lib/adapters/traffic/traffic-router';
import type { ControllerDeps } from '../../lib/controller/dependencies';
import { parseTrafficModel, scenarioByName, type TrafficModel, type TrafficModelInput } from '../../lib/local/fleet';
import { createLocalWorld, type LocalWorld } from '../../lib/local/local-environment';
import type { LocalHookFunctions } from '../../lib/local/hooks/local-hooks';
import { runLocalRollout, type LocalRunOptions, type LocalRunResult } from '../../lib/local/local-runner';
import { useDynamoDbLocal } from './dynamodb';

export interface WorldOptions {
  readonly scenario?: string;
  /** Fields merged over the scenario's traffic model. */
  readonly model?: Partial<TrafficModelInput>;
  readonly seed?: number;
  /** The hook functions the world knows. @default - none */
  readonly hooks?: LocalHookFunctions;
}

export interface RolloutRun {
  readonly result: LocalRunResult;
  readonly world: LocalWorld;
  readonly events: LedgerEvent[];
  eventsOf(type: LedgerEvent['type']): LedgerEvent[];
}

/**
 * Runs real rollouts in tests: DynamoDB Local (one per test file), the simulated fleet, and the
 * real definition on aws-local-stepfunctions through the local runner.
 */
export function useLocalRollouts() {
  const ddb = useDynamoDbLocal();

  async function world(opts: WorldOptions = {}): Promise<LocalWorld> {
    return createLocalWorld({ client: ddb.client, model: modelOf(opts), seed: opts.seed ?? 1, hooks: opts.hooks });
  }

  async function run(
    w: LocalWorld,
    request: unknown,
    extra: Partial<Omit<LocalRunOptions, 'request' | 'deps' | 'clock'>> & { deps?: Partial<ControllerDeps> } = {},
  ): Promise<RolloutRun> {
    const { deps, ...rest } = extra;
    const result = await runLocalRollout({ request, deps: { ...w.deps, ...deps }, clock: w.clock, hookRuntime: w.hooks, ...rest });
    const events = result.rolloutId ? await w.ledger.listEvents(result.rolloutId) : [];
    return { result, world: w, events, eventsOf: (type) => events.filter((e) => e.type === type) };
  }

  return { world, run, ddb };
}

function modelOf(opts: WorldOptions): TrafficModel {
  const base = scenarioByName(opts.scenario ?? 'healthy');
  return opts.model ? parseTrafficModel({ ...base, ...opts.model }) : base;
}

/** What preflight captured for the run's targets. */
export async function capturedStates(run: RolloutRun): Promise<CapturedState[]> {
  const record = await run.world.ledger.requireRollout(run.result.rolloutId as string);
  return record.captured as unknown as CapturedState[];
}
