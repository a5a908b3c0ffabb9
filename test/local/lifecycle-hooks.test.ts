import { join } from 'node:path';
import type { HookEvent } from '../../lib/domain/lifecycle-hooks';
import { LocalHookFunctions, parseLocalSection } from '../../lib/local/hooks/local-hooks';
import { buildReportData } from '../../lib/report/build-report-data';
import { describeStatus, summarize } from '../../lib/cli/status';
import { renderHtmlReport } from '../../lib/report/html-report';
import { FLAG_TARGET, newTestRequest } from '../helpers/requests';
import { capturedStates, useLocalRollouts, type RolloutRun } from '../helpers/local-rollout';

/**
 * Lifecycle hooks on the real definition: Step Functions' lambda:invoke states call the request's
 * hook functions (here a module run in-process, or a simulated outcome) before any weight moves and
 * after the release took all the traffic, and anything but `Succeeded` rolls every target back.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const recordingHook = require('../helpers/hook-functions/recording-hook.cjs') as {
  received: { event: HookEvent; remainingMs: number }[];
  answer(lifecycleEvent: string, answer: unknown): void;
  reset(): void;
};

const ALIAS_KEY = 'lambda:orders-api:live';
const rollouts = useLocalRollouts();
/** One short step, then promotion: enough to reach both hooks quickly. */
const ONE_STEP = { steps: [{ weight: 50, minBakeSeconds: 120, maxBakeSeconds: 1800 }] };
const HOOKS = {
  preTraffic: { functionName: 'orders-pre-traffic', timeoutSeconds: 60 },
  postTraffic: { functionName: 'orders-post-traffic:live', timeoutSeconds: 300 },
};

async function hooksOf(definitions: Record<string, unknown>): Promise<LocalHookFunctions> {
  return LocalHookFunctions.load(parseLocalSection({ hooks: definitions }, 'test'), join(__dirname, '../helpers/hook-functions'));
}
const inProcess = { module: './recording-hook.cjs' };

async function run(definitions: Record<string, unknown>, request: Record<string, unknown> = {}): Promise<RolloutRun> {
  const world = await rollouts.world({ scenario: 'healthy', hooks: await hooksOf(definitions) });
  return rollouts.run(world, newTestRequest({ strategy: ONE_STEP, hooks: HOOKS, ...request }));
}

const weightsOf = (r: RolloutRun) => r.world.fleet.history(ALIAS_KEY).map((h) => h.weightPercent);

beforeEach(() => recordingHook.reset());

describe('lifecycle hooks', () => {
  it('runs the pre-traffic hook before the first shift and the post-traffic hook before Finalize, with the rollout, targets, versions and step', async () => {
    const r = await run({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess });

    expect(r.result.endState).toBe('Promoted');
    const path = r.result.statesEntered;
    expect(path.slice(0, 7)).toEqual(['Preflight', 'SmokeTest', 'HasPreTrafficHook', 'PreparePreTrafficHook', 'PreTrafficHook', 'CheckPreTrafficHook', 'Decide']);
    expect(path.indexOf('PreTrafficHook')).toBeLessThan(path.indexOf('ShiftTraffic'));
    expect(path.slice(-8)).toEqual(['Decide', 'HasPostTrafficHook', 'PreparePostTrafficHook', 'PostTrafficHook', 'CheckPostTrafficHook', 'AfterPostTrafficHook', 'Finalize', 'Promoted']);
    expect(path.indexOf('PostTrafficHook')).toBeGreaterThan(path.lastIndexOf('Evaluate'));

    const [pre, post] = recordingHook.received;
    const [captured] = await capturedStates(r);
    const target = { targetKey: ALIAS_KEY, kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', stableVersion: captured.stableVersion, newVersion: '42' };
    expect(pre.event).toEqual({ lifecycleEvent: 'preTraffic', rolloutId: r.result.rolloutId, mode: 'enforce', weight: 0, step: null, targets: [target], timeoutSeconds: 60 });
    expect(post.event).toEqual({ lifecycleEvent: 'postTraffic', rolloutId: r.result.rolloutId, mode: 'enforce', weight: 100, step: { index: 0, name: 'Step 1 (50%)', weight: 50 }, targets: [target], timeoutSeconds: 300 });
    // The pre-traffic hook ran while the alias still served only the stable version.
    expect(weightsOf(r)).toEqual([0, 50, 100]);
    expect(pre.remainingMs).toBeGreaterThan(50_000);

    const finished = r.eventsOf('hook-finished').map((e) => e.data);
    expect(finished).toEqual([
      expect.objectContaining({ lifecycleEvent: 'preTraffic', functionName: 'orders-pre-traffic', outcome: 'passed', result: 'succeeded', reason: 'succeeded: checked 1 target(s)' }),
      expect.objectContaining({ lifecycleEvent: 'postTraffic', functionName: 'orders-post-traffic:live', outcome: 'passed', result: 'succeeded' }),
    ]);
    const types = r.events.map((e) => e.type);
    expect(types.indexOf('hook-finished')).toBeLessThan(types.indexOf('shift-applied'));
    expect(types.lastIndexOf('hook-finished')).toBeGreaterThan(types.indexOf('promoted'));
    const record = await r.world.ledger.requireRollout(r.result.rolloutId as string);
    expect(record.outcome?.reason).toMatch(/; post-traffic hook orders-post-traffic:live succeeded: checked 1 target\(s\)$/);
  });

  it('rolls back on a failing pre-traffic hook before the alias ever carries the new version', async () => {
    recordingHook.answer('preTraffic', { status: 'Failed', reason: 'orders schema migration not applied' });
    const r = await run({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess });

    expect(r.result).toMatchObject({ outcome: 'rolled-back', endState: 'RolledBackOnPreTrafficHook' });
    expect(weightsOf(r)).toEqual([0]);
    expect(r.eventsOf('shift-applied')).toEqual([]);
    expect(recordingHook.received.map((x) => x.event.lifecycleEvent)).toEqual(['preTraffic']);
    const record = await r.world.ledger.requireRollout(r.result.rolloutId as string);
    expect(record.status).toBe('ROLLED_BACK');
    expect(record.outcome?.reason).toBe('pre-traffic-hook: pre-traffic hook orders-pre-traffic failed: orders schema migration not applied');
  });

  it('rolls back from 100% on a failing post-traffic hook, to exactly the captured state', async () => {
    recordingHook.answer('postTraffic', new TypeError("Cannot read properties of undefined (reading 'total')"));
    const r = await run({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess });

    expect(r.result).toMatchObject({ outcome: 'rolled-back', endState: 'RolledBackOnPostTrafficHook' });
    expect(weightsOf(r)).toEqual([0, 50, 100, 0]);
    const [captured] = await capturedStates(r);
    expect(r.world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: captured.stableVersion, additionalVersion: null, additionalWeight: 0 });
    const [, failed] = r.eventsOf('hook-finished').map((e) => e.data);
    expect(failed).toMatchObject({ outcome: 'failed', result: 'function-error', errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'total')" });
    const record = await r.world.ledger.requireRollout(r.result.rolloutId as string);
    expect(record.outcome?.reason).toBe("post-traffic-hook: post-traffic hook orders-post-traffic:live function error: TypeError: Cannot read properties of undefined (reading 'total')");
    for (const key of record.targetKeys) expect(await r.world.ledger.getLock(key)).toBeUndefined();

    // The report, from the ledger alone, shows both hooks and the failing one's evidence.
    const report = buildReportData({ record, events: r.events, title: 'hooks', endState: r.result.endState });
    expect(report.checks?.map((c) => [c.name, c.weight, c.passed])).toEqual([
      ['Pre-traffic hook orders-pre-traffic', 0, true],
      ['Post-traffic hook orders-post-traffic:live', 100, false],
    ]);
    const html = renderHtmlReport(report);
    expect(html).toContain('Checks before and after traffic');
    expect(html).toContain('message: Cannot read properties of undefined (reading &#39;total&#39;)');

    // fledge status: each hook's result, and a hook still running while the rollout is under way.
    expect(describeStatus(summarize(record, r.events), undefined)).toEqual(
      expect.arrayContaining([
        '  Pre-traffic hook orders-pre-traffic: passed: succeeded: checked 1 target(s)',
        "  Post-traffic hook orders-post-traffic:live: FAILED: function error: TypeError: Cannot read properties of undefined (reading 'total')",
      ]),
    );
    const untilPostHook = r.events.slice(0, r.events.findLastIndex((e) => e.type === 'hook-started') + 1);
    const running = describeStatus(summarize({ ...record, status: 'IN_PROGRESS', outcome: undefined }, untilPostHook), undefined);
    expect(running).toContainEqual(`  running the post-traffic hook orders-post-traffic:live since ${untilPostHook.at(-1)?.at} (timeout 300 s)`);
  });

  it('rolls back when a hook does not answer within its timeout, which passes on the virtual clock', async () => {
    const r = await run({ 'orders-pre-traffic': { simulate: 'timeout' }, 'orders-post-traffic': inProcess });

    expect(r.result.endState).toBe('RolledBackOnPreTrafficHook');
    const [started] = r.eventsOf('hook-started');
    const [finished] = r.eventsOf('hook-finished');
    expect(finished.data).toMatchObject({ result: 'timed-out', reason: 'no answer within its 60 s timeout', durationSeconds: 60 });
    expect(Date.parse(finished.at) - Date.parse(started.at)).toBe(60_000);
    expect(weightsOf(r)).toEqual([0]);
  });

  it('retries a hook Lambda throttles (Lambda.TooManyRequestsException), then judges its answer', async () => {
    const world = await rollouts.world({ scenario: 'healthy', hooks: await hooksOf({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess }) });
    let throttled = 0;
    const hookRuntime = {
      invoke: async (functionName: string, event: HookEvent) => {
        if (event.lifecycleEvent === 'preTraffic' && throttled++ === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
        return world.hooks.invoke(functionName, event);
      },
    };
    const r = await rollouts.run(world, newTestRequest({ strategy: ONE_STEP, hooks: HOOKS }), { hookRuntime });

    expect(r.result.endState).toBe('Promoted');
    expect(r.result.statesEntered.filter((s) => s === 'PreTrafficHook')).toHaveLength(1);
    expect(throttled).toBe(2);
    expect(recordingHook.received.map((x) => x.event.lifecycleEvent)).toEqual(['preTraffic', 'postTraffic']);
  });

  it('acts on an abort requested while the pre-traffic hook ran, before any traffic moves', async () => {
    const world = await rollouts.world({ scenario: 'healthy', hooks: await hooksOf({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess }) });
    const hookRuntime = {
      invoke: async (functionName: string, event: HookEvent) => {
        await world.ledger.requestControl(event.rolloutId, { action: 'abort', reason: 'incident in progress', requestedBy: 'on-call', at: world.clock.now().toISOString() });
        return world.hooks.invoke(functionName, event);
      },
    };
    const r = await rollouts.run(world, newTestRequest({ strategy: ONE_STEP, hooks: HOOKS }), { hookRuntime });

    expect(r.result.endState).toBe('RolledBackOnAbort');
    expect(weightsOf(r)).toEqual([0]);
    expect(r.eventsOf('hook-finished').map((e) => e.data.outcome)).toEqual(['passed']);
    const record = await r.world.ledger.requireRollout(r.result.rolloutId as string);
    expect(record.outcome?.reason).toBe('aborted: aborted by on-call: incident in progress');
    expect(record.control).toBeUndefined();
  });

  it('records a failing hook in observe mode and goes on', async () => {
    const r = await run({ 'orders-pre-traffic': { simulate: 'Failed', reason: 'smoke data missing' }, 'orders-post-traffic': { simulate: 'function-error', errorType: 'Error', reason: 'boom' } }, { mode: 'observe' });

    expect(r.result.endState).toBe('Promoted');
    expect(r.eventsOf('hook-finished').map((e) => e.data.outcome)).toEqual(['failed', 'failed']);
  });

  it('runs hooks for a release group with a feature flag, which the hook sees by its identity and variants', async () => {
    const r = await run({ 'orders-pre-traffic': inProcess, 'orders-post-traffic': inProcess }, { targets: [FLAG_TARGET] });

    expect(r.result.endState).toBe('Promoted');
    expect(recordingHook.received[0].event.targets).toEqual([
      { targetKey: 'appconfig:shop/prod/features#new_checkout', kind: 'appconfig-flag', application: 'shop', environment: 'prod', profile: 'features', flag: 'new_checkout', stableVersion: 'off', newVersion: 'on' },
    ]);
  });

  it('refuses at preflight a request whose hook function does not exist, naming the field, before anything moves', async () => {
    const r = await run({ 'orders-pre-traffic': inProcess });

    expect(r.result).toMatchObject({ outcome: 'rejected', endState: 'PreflightRejected' });
    expect(r.result.cause).toMatch(/^hooks\.postTraffic\.functionName: "orders-post-traffic:live" not found: in local mode, define it in the request file's local\.hooks section/);
    // Refused before preflight even read the alias: the fleet never saw it.
    expect(r.world.fleet.targetKeys()).toEqual([]);
    expect(recordingHook.received).toEqual([]);
  });
});
