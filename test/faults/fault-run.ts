import { Ledger, type LedgerEvent, type RolloutRecord } from '../../lib/adapters/ledger';
import { answerApproval } from '../../lib/controller/control';
import type { CapturedState } from '../../lib/adapters/traffic/traffic-router';
import { HOOK_INVOKE_STATES, STATE, TASK_HANDLERS } from '../../lib/constructs/state-names';
import type { ControllerDeps } from '../../lib/controller/dependencies';
import { planRollout } from '../../lib/domain/plan';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { targetKey, type Target } from '../../lib/domain/targets';
import { localClient } from '../../lib/local/dynamodb-local';
import { DrawnSlices, scenarioByName, type TrafficModel } from '../../lib/local/fleet';
import { runLocalRollout, type LocalRunResult } from '../../lib/local/local-runner';
import { APP, ENV, FLAG, PROFILE } from '../helpers/appconfig-fixtures';
import { awsFleet, type AwsFleet } from './aws-fleet';
import { FaultInjector, type CallSite, type Fault } from './fault-plan';

/** A Lambda alias and a feature flag released together, two short steps, one alarm watched. */
export const TARGETS: readonly Target[] = [
  { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' },
  {
    kind: 'appconfig-flag',
    application: APP,
    environment: ENV,
    profile: PROFILE,
    flag: FLAG,
    metrics: { namespace: 'Fledge/Flags', requests: 'Requests', errors: 'Errors', latency: 'Latency', variantDimension: 'Variant', dimensions: {} },
  },
];
export const STEP_WEIGHTS = [20, 50];
/** The first step waits for an approval: the gate's handler is part of the matrix. */
export const REQUEST = {
  targets: TARGETS,
  strategy: { steps: STEP_WEIGHTS.map((weight, i) => ({ weight, minBakeSeconds: 120, maxBakeSeconds: 900, ...(i === 0 ? { approval: true } : {}) })) },
  policy: { alarms: ['orders-api-errors'], insufficientTraffic: 'warn' },
  smokeTest: { events: [{ payload: { path: '/health' } }, { payload: { path: '/checkout' } }] },
  hooks: { preTraffic: { functionName: 'orders-smoke-check', timeoutSeconds: 60 }, postTraffic: { functionName: 'orders-journey-check:live', timeoutSeconds: 300 } },
};
const HOOK_FUNCTIONS = ['orders-smoke-check', 'orders-journey-check'];

/**
 * The two paths a rollout can take: a healthy release promoted past an approval gate, and an
 * error regression rolled back from its first step.
 */
export type Scenario = 'promote' | 'rollback';
const MODELS: Readonly<Record<Scenario, TrafficModel>> = { promote: scenarioByName('healthy'), rollback: scenarioByName('error-regression') };

/** Breaks the controller on purpose, to show an invariant can fail. */
export type Breakage = (deps: ControllerDeps) => ControllerDeps;

export interface FaultRun {
  readonly fault?: Fault;
  readonly result: LocalRunResult;
  readonly world: AwsFleet;
  readonly record?: RolloutRecord;
  readonly events: readonly LedgerEvent[];
  readonly locks: readonly { targetKey: string; rolloutId: string; expiresAt: number }[];
  /** How many calls the fault failed. */
  readonly injected: number;
  /** Calls made per site, and the sites in the order first reached. */
  readonly calls: ReadonlyMap<string, number>;
  readonly sites: readonly CallSite[];
}

let worlds = 0;
/** Every run of a scenario draws the same traffic until its fault makes it part: drawn once, reused. */
const drawn = new Map<Scenario, DrawnSlices>();
const SEED = 7;

/**
 * One rollout on the real definition, with the real handlers and AWS adapters over the fleet's
 * AWS mocks and a fresh ledger table in DynamoDB Local, with at most one fault injected.
 * What the ledger says afterwards is read with the faults off.
 */
export async function runWithFault(endpoint: string, fault: Fault | undefined, options: { breakage?: Breakage; scenario?: Scenario } = {}): Promise<FaultRun> {
  const scenario = options.scenario ?? 'promote';
  const model = MODELS[scenario];
  const tableName = `faults-${process.pid}-${++worlds}`;
  let state = 'none';
  const entries = new Map<string, number>();
  const sites = new Map<string, CallSite>();
  const injector = new FaultInjector(fault, () => state);
  let faultsOn = true;
  const world = await awsFleet({
    dynamoDb: localClient(endpoint),
    tableName,
    model,
    seed: SEED,
    drawnSlices: drawn.get(scenario) ?? drawn.set(scenario, new DrawnSlices(model, SEED)).get(scenario),
    targets: TARGETS,
    hookFunctions: HOOK_FUNCTIONS,
    task: () => `${state}#${entries.get(state) ?? 0}`,
    around: (service, command, input, answer) => {
      if (!faultsOn || state === 'none') return Promise.resolve(answer());
      const site = { state, service, command };
      sites.set(`${state} ${service}:${command}`, site);
      return injector.around(service, command, input, answer);
    },
  });
  const deps = options.breakage ? options.breakage(world.deps) : world.deps;
  // The release manager approves from elsewhere: their calls are not the controller's, and meet no fault.
  const operator = new Ledger({ client: localClient(endpoint), tableName, clock: world.clock });
  const result = await runLocalRollout({
    request: REQUEST,
    deps,
    clock: world.clock,
    hookRuntime: world.hookRuntime,
    onApprovalRequested: (id, control) => {
      answerApproval({ ...control, ledger: operator }, id, true, { by: 'release-manager', reason: 'dashboards look fine' }).catch((error: unknown) => {
        throw new Error(`the operator could not approve ${id}: ${String(error)}`);
      });
    },
    onEventLog: (event) => {
      // A hook state's calls are Step Functions' own; they are faulted like a handler's.
      if (event.type === 'StateEntered' && (TASK_HANDLERS[event.state.name] || HOOK_INVOKE_STATES[event.state.name])) {
        state = event.state.name;
        entries.set(state, (entries.get(state) ?? 0) + 1);
      }
      if (event.type === 'StateRetried') injector.retried();
    },
  });
  faultsOn = false;
  const ledger = world.deps.ledger;
  const record = result.rolloutId ? await ledger.getRollout(result.rolloutId) : undefined;
  const events = result.rolloutId ? await ledger.listEvents(result.rolloutId) : [];
  const locks = await locksOf(ledger);
  return { fault, result, world, record, events, locks, injected: injector.injected, calls: injector.calls, sites: [...sites.values()] };
}

async function locksOf(ledger: Ledger) {
  const found = [];
  for (const target of TARGETS) {
    const lock = await ledger.getLock(targetKey(target));
    if (lock) found.push({ targetKey: lock.targetKey, rolloutId: lock.rolloutId, expiresAt: lock.expiresAt });
  }
  return found;
}

/** The invariants every run must keep, whatever failed in it. */
export const INVARIANTS = ['consistent-end', 'terminal-record', 'locks', 'no-partial-weight', 'no-double-shift'] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: Invariant;
  readonly detail: string;
}

const ENDED_AT_100 = new Set<string>([STATE.promoted, STATE.promotedUnrecorded]);
/** End states in which the execution itself says the ledger could not be written. */
const UNRECORDED = new Set<string>([STATE.rolledBackUnrecorded, STATE.promotedUnrecorded]);

/**
 * Checks a finished run:
 * - consistent-end: promoted with every target on the new version, or every target back on what
 *   preflight captured (or left alone after a recorded drift); RollbackFailed only with the
 *   execution naming each target's state;
 * - terminal-record: the ledger holds a terminal record (none only if preflight refused the
 *   request or the execution says the record could not be written);
 * - locks: released, or left to expire on the rollout's schedule (RollbackFailed keeps them on
 *   purpose, for a human; a failed release leaves them until then);
 * - no-partial-weight: no target left between 0% and 100%;
 * - no-double-shift: each task run moved each target at most once, and only to weights the plan has.
 */
export function checkInvariants(run: FaultRun): Violation[] {
  const violations: Violation[] = [];
  const fail = (invariant: Invariant, detail: string) => violations.push({ invariant, detail });
  const { result, world, record } = run;
  const endState = result.endState;
  const captured = (record?.captured ?? []) as unknown as CapturedState[];
  const drifted = new Set(run.events.filter((e) => e.type === 'target-restored' && e.data.action === 'skipped-drifted').map((e) => String(e.data.targetKey)));
  const keys = TARGETS.map(targetKey);

  // consistent-end
  if (ENDED_AT_100.has(endState)) {
    for (const key of keys) if (world.weightOf(key) !== 100) fail('consistent-end', `${endState} but ${key} serves ${world.weightOf(key)}% on the new version`);
  } else if (endState === STATE.rollbackFailed) {
    for (const key of keys) if (!result.cause?.includes(key)) fail('consistent-end', `RollbackFailed without saying what ${key} was left in: ${result.cause}`);
  } else {
    for (const key of keys) {
      if (drifted.has(key)) continue;
      if (world.weightOf(key) !== 0) fail('consistent-end', `${endState} but ${key} serves ${world.weightOf(key)}% on the new version`);
    }
    const alias = captured.find((c) => c.kind === 'lambda-alias');
    if (alias && !drifted.has(alias.targetKey)) {
      const current = world.fleet.state(alias.targetKey);
      if (current.kind === 'lambda-alias' && current.functionVersion !== alias.stableVersion) {
        fail('consistent-end', `${alias.targetKey} is on version ${current.functionVersion}, not the captured ${alias.stableVersion}`);
      }
    }
    const flag = captured.find((c) => c.kind === 'appconfig-flag');
    if (flag && !drifted.has(flag.targetKey) && world.appConfig.deployedVersion() !== Number(flag.attributes.configurationVersion) && world.weightOf(flag.targetKey) === 0) {
      // A new version at 0% is the same traffic, but rollback redeploys exactly the captured version.
      fail('consistent-end', `${flag.targetKey} deploys version ${world.appConfig.deployedVersion()}, not the captured ${String(flag.attributes.configurationVersion)}`);
    }
  }

  // terminal-record
  const terminal = ['PROMOTED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'REJECTED'];
  if (record && !terminal.includes(record.status) && !UNRECORDED.has(endState)) fail('terminal-record', `${endState} but the ledger says ${record.status}`);
  if (!record && endState !== STATE.preflightRejected && !UNRECORDED.has(endState)) fail('terminal-record', `${endState} with no record in the ledger`);
  if (record?.status === 'PROMOTED' && !ENDED_AT_100.has(endState)) fail('terminal-record', `the ledger says PROMOTED but the execution ended ${endState}`);
  if (endState === STATE.promoted && record?.status !== 'PROMOTED') fail('terminal-record', `promoted, but the ledger says ${record?.status}`);

  // locks
  // The schedule locks are taken for; a preflight that died before its record still took them for this long.
  const maxSeconds = planRollout(parseRolloutRequest(REQUEST)).maxDurationSeconds;
  for (const lock of run.locks) {
    const schedule = result.startedAt.getTime() + (maxSeconds + 60) * 1000;
    if (lock.expiresAt * 1000 > schedule) fail('locks', `${endState} left ${lock.targetKey} locked by ${lock.rolloutId} until ${new Date(lock.expiresAt * 1000).toISOString()}, past the rollout's schedule`);
  }

  // no-partial-weight
  if (endState !== STATE.rollbackFailed) {
    for (const key of keys) {
      const weight = world.weightOf(key);
      if (weight > 0 && weight < 100) fail('no-partial-weight', `${key} left at ${weight}%`);
    }
  }

  // no-double-shift
  const allowed = new Set([0, ...STEP_WEIGHTS, 100]);
  const perTask = new Map<string, number>();
  for (const write of world.writes) {
    if (!allowed.has(write.weight)) fail('no-double-shift', `${write.targetKey} was set to ${write.weight}%, a weight the plan does not have (by ${write.by})`);
    const id = `${write.by} ${write.targetKey}`;
    perTask.set(id, (perTask.get(id) ?? 0) + 1);
  }
  for (const [id, count] of perTask) if (count > 1) fail('no-double-shift', `${id} moved ${count} times in one task run`);
  return violations;
}
