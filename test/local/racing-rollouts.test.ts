import { LockHeldError, RolloutStateError } from '../../lib/domain/errors';
import { requestControl } from '../../lib/controller/control';
import { scenarioByName } from '../../lib/local/fleet';
import { createLocalWorld } from '../../lib/local/local-environment';
import { LocalTaskTokens } from '../../lib/local/local-task-tokens';
import { startLocalRollout, type LocalRunResult } from '../../lib/local/local-runner';
import { ScaledClock } from '../../lib/local/scaled-clock';
import { useDynamoDbLocal } from '../helpers/dynamodb';

/**
 * Twenty rollouts started at the same moment on overlapping release groups, on the real definition,
 * one ledger and one fleet, with time flowing for all of them at once (a scaled clock, as the local
 * endpoint runs). Exactly one rollout may hold each target; every other one must be refused with
 * LockHeldError naming a holder, and must not have moved anything.
 */
const ddb = useDynamoDbLocal();
const FUNCTIONS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const ROLLOUTS = 20;
/** A first step that bakes for hours: the winners are still running when every start has been decided. */
const LONG = { steps: [{ weight: 10, minBakeSeconds: 4 * 3600, maxBakeSeconds: 4 * 3600 }, { weight: 100, minBakeSeconds: 60, maxBakeSeconds: 600 }] };

// Rollout i moves two neighbouring functions; every function is wanted by six or seven rollouts.
const groups = Array.from({ length: ROLLOUTS }, (_, i) => [FUNCTIONS[i % 6], FUNCTIONS[(i + 1 + Math.floor(i / 6)) % 6]]);
let races = 0;

/** Starts every rollout at once; `breakLocks` replaces the lock write with nothing, to show the checks can fail. */
async function startRace(breakLocks = false) {
  // Real time, sped up: slow enough that a loaded machine does not let a winner's bake run far ahead of its abort.
  const clock = new ScaledClock(120);
  const world = await createLocalWorld({ client: ddb.client, model: scenarioByName('healthy'), seed: 7, tableName: `race-${process.pid}-${++races}`, clock });
  const tokens = new LocalTaskTokens();
  const ledger = breakLocks ? Object.assign(Object.create(world.ledger) as typeof world.ledger, { acquireLocks: async () => [] }) : world.ledger;
  const runs = groups.map((fns, i) =>
    startLocalRollout({
      request: { rolloutId: `race-${i}`, targets: fns.map((functionName) => ({ kind: 'lambda-alias', functionName, alias: 'live', newVersion: '2' })), strategy: LONG },
      deps: { ...world.deps, ledger },
      clock,
      tokens,
      executionName: `race-${i}`,
    }),
  );

  // Every preflight has decided once each rollout is either refused or holds its locks.
  const decided = async () => {
    for (let tries = 0; tries < 600; tries++) {
      const records = await Promise.all(groups.map((_, i) => world.ledger.getRollout(`race-${i}`)));
      if (records.every((r) => r && r.status !== 'PREFLIGHT')) return records;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('preflights never all decided');
  };
  const records = await decided();
  const stopAll = async (ids: readonly string[]) => {
    for (const id of ids) {
      // Without locks, drift detection may already have rolled a rollout back: nothing left to abort.
      await requestControl({ ledger: world.ledger, clock, tokens }, id, 'abort', { by: 'race test', reason: 'done racing' }).catch((error: unknown) => {
        if (!(error instanceof RolloutStateError)) throw error;
      });
    }
    return Promise.all(runs.map((r) => r.result));
  };
  return { world, records, stopAll };
}

/** Targets held by more than one running rollout. */
function doubleHolders(records: readonly ({ rolloutId: string; status: string; targetKeys: readonly string[] } | undefined)[]): string[] {
  const holders = new Map<string, string[]>();
  for (const r of records) if (r?.status === 'IN_PROGRESS') for (const key of r.targetKeys) holders.set(key, [...(holders.get(key) ?? []), r.rolloutId]);
  return [...holders.entries()].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `${key}: ${ids.join(', ')}`);
}

test('twenty simultaneous rollouts on overlapping groups: one holder per target, the rest refused untouched', async () => {
  const { world, records, stopAll } = await startRace();
  expect(doubleHolders(records)).toEqual([]);
  const winners = records.filter((r) => r?.status === 'IN_PROGRESS').map((r) => r!.rolloutId);
  const losers = records.filter((r) => r?.status === 'REJECTED').map((r) => r!.rolloutId);
  expect(winners.length + losers.length).toBe(ROLLOUTS);
  expect(winners.length).toBeGreaterThan(0);
  expect(losers.length).toBeGreaterThan(0);

  // No target is held by two winners, and every lock names its one winner.
  const holderOf = new Map<string, string>();
  for (const id of winners) {
    for (const key of records.find((r) => r?.rolloutId === id)!.targetKeys) {
      expect({ key, already: holderOf.get(key) }).toEqual({ key, already: undefined });
      holderOf.set(key, id);
      expect((await world.ledger.getLock(key))?.rolloutId).toBe(id);
    }
  }

  // Stop the winners; the losers have long since ended.
  const results: LocalRunResult[] = await stopAll(winners);

  for (const [i, result] of results.entries()) {
    const id = `race-${i}`;
    if (winners.includes(id)) {
      expect({ id, end: result.endState }).toEqual({ id, end: 'RolledBackOnAbort' });
      continue;
    }
    // Refused with the error a Catch sees, naming a winner that holds one of this rollout's targets.
    expect({ id, end: result.endState, error: result.error }).toEqual({ id, end: 'PreflightRejected', error: LockHeldError.name });
    const holder = /locked by rollout (\S+)/.exec(result.cause ?? '')?.[1];
    expect(winners).toContain(holder);
    expect(groups[i].map((f) => `lambda:${f}:live`).some((key) => holderOf.get(key) === holder)).toBe(true);
  }

  // Nothing a loser touched moved: each target went to 10% once (its winner) and back once.
  for (const key of holderOf.keys()) {
    const moves = world.fleet.history(key).filter((h) => h.cause !== 'initial');
    expect({ key, moves: moves.map((m) => `${m.cause}:${m.weightPercent}`) }).toEqual({ key, moves: ['set-weight:10', 'restore:0'] });
  }
  // With these groups the first rollouts to lock win every function: no target is left unheld.
  expect([...holderOf.keys()].sort()).toEqual(FUNCTIONS.map((f) => `lambda:${f}:live`));
}, 120_000);

test('the check can fail: with the lock write removed, rollouts share targets', async () => {
  const { records, stopAll } = await startRace(true);
  expect(doubleHolders(records).length).toBeGreaterThan(0);
  await stopAll(records.filter((r) => r?.status === 'IN_PROGRESS').map((r) => r!.rolloutId));
}, 120_000);
