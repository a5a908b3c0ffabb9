import { useDynamoDbLocal } from '../helpers/dynamodb';
import { faultLabel, faultMatrix, type Fault } from './fault-plan';
import { targetKey } from '../../lib/domain/targets';
import { checkInvariants, INVARIANTS, runWithFault, TARGETS, type FaultRun, type Scenario, type Violation } from './fault-run';

/**
 * Every AWS fault at every call of every handler, on the real definition: each fault kind that
 * can meet a call (throttling, 5xx, access denied, a timeout, a reset connection, the conflicts,
 * DynamoDB's unexpected condition failure and an unreachable table, a process that dies after its
 * call landed), once at the first call, once at a middle one, and at every call. Each run must
 * keep every invariant of checkInvariants.
 */
const ddb = useDynamoDbLocal();
/** Runs in flight at once: DynamoDB Local works in its own process while a handler judges. */
const CONCURRENCY = 3;
const ROLLBACK_STATES = new Set(['Rollback', 'RecordRollback']);

async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

test('every fault at every AWS call of every handler ends consistent', async () => {
  // The promoted path reaches every handler but the rollback's two; an error regression reaches those.
  const promoted = await runWithFault(ddb.local.endpoint, undefined, { scenario: 'promote' });
  expect(promoted.result.endState).toBe('Promoted');
  expect(checkInvariants(promoted)).toEqual([]);
  const rolledBack = await runWithFault(ddb.local.endpoint, undefined, { scenario: 'rollback' });
  expect(rolledBack.result.endState).toBe('RolledBackOnFailedVerdict');
  expect(checkInvariants(rolledBack)).toEqual([]);

  const cases: { fault: Fault; scenario: Scenario }[] = [
    ...faultMatrix(promoted.calls, promoted.sites).map((fault) => ({ fault, scenario: 'promote' as const })),
    ...faultMatrix(rolledBack.calls, rolledBack.sites.filter((site) => ROLLBACK_STATES.has(site.state))).map((fault) => ({ fault, scenario: 'rollback' as const })),
  ];
  const faults = cases.map((c) => c.fault);
  const handlers = new Set(faults.map((f) => f.site.state));
  const startedAt = Date.now();
  const runs = await inPool(cases, CONCURRENCY, ({ fault, scenario }) => runWithFault(ddb.local.endpoint, fault, { scenario }));
  const seconds = (Date.now() - startedAt) / 1000;

  const broken: { fault: Fault; run: FaultRun; violations: Violation[] }[] = [];
  for (const [i, run] of runs.entries()) {
    const violations = checkInvariants(run);
    if (violations.length > 0) broken.push({ fault: faults[i], run, violations });
  }
  const ends = new Map<string, number>();
  for (const run of runs) ends.set(run.result.endState, (ends.get(run.result.endState) ?? 0) + 1);
  // RollbackFailed is where restoring was impossible (access denied for good, say): its cause names each target's state.
  const failedRestores = runs.filter((r) => r.result.endState === 'RollbackFailed').length;
  const leftovers = runs.filter((r) => r.result.endState !== 'RollbackFailed' && TARGETS.some((t) => partial(r.world.weightOf(targetKey(t))))).length;
  const sites = new Set(faults.map((f) => `${f.site.state} ${f.site.service}:${f.site.command}`)).size;
  console.log(
    [
      `${runs.length.toLocaleString('en')} fault runs over ${sites} call sites of ${handlers.size} handlers in ${seconds.toFixed(0)} s: ${(runs.length - broken.length).toLocaleString('en')} ended consistent, ${leftovers} partial-weight leftovers (${failedRestores} RollbackFailed, each naming every target's state)`,
      `  ends: ${[...ends.entries()].sort((a, b) => b[1] - a[1]).map(([state, n]) => `${state} ${n}`).join(', ')}`,
      `  faults injected: ${runs.reduce((n, r) => n + r.injected, 0).toLocaleString('en')}; runs where the fault never fired: ${runs.filter((r) => r.injected === 0).length}`,
      ...broken.slice(0, 20).map((b) => `  BROKEN ${faultLabel(b.fault)} → ${b.run.result.endState}: ${b.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`),
    ].join('\n'),
  );
  expect(broken.map((b) => `${faultLabel(b.fault)}: ${b.violations.map((v) => v.invariant).join(', ')}`)).toEqual([]);
  // Giving up is only right when the fault never let go, at the task that gave up.
  const GIVES_UP: Readonly<Record<string, string>> = { RollbackFailed: 'Rollback', RolledBackUnrecorded: 'RecordRollback', PromotedUnrecorded: 'Finalize' };
  const gaveUpEarly = runs.filter((r) => {
    const task = GIVES_UP[r.result.endState];
    return task !== undefined && !(r.fault?.timing === 'every' && r.fault.site.state === task);
  });
  expect(gaveUpEarly.map((r) => `${faultLabel(r.fault as Fault)} → ${r.result.endState}`)).toEqual([]);
  // Every run hit its fault: a site the fault never reached would prove nothing.
  expect(runs.filter((r) => r.injected === 0).map((r) => faultLabel(r.fault as Fault))).toEqual([]);
  expect(INVARIANTS.length).toBe(5);
  // Every task state that calls AWS is in the matrix.
  expect([...handlers].sort()).toEqual([
    'AwaitApproval',
    'CheckPostTrafficHook',
    'CheckPreTrafficHook',
    'Evaluate',
    'Finalize',
    'PostTrafficHook',
    'PreTrafficHook',
    'Preflight',
    'PreparePostTrafficHook',
    'PreparePreTrafficHook',
    'Promote',
    'RecordRollback',
    'Rollback',
    'ShiftTraffic',
    'SmokeTest',
  ]);
}, 1_800_000);

function partial(weight: number): boolean {
  return weight > 0 && weight < 100;
}
