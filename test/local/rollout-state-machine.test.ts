import type { TrafficRouters } from '../../lib/adapters/traffic/traffic-router';
import { requestControl, type ControlDeps } from '../../lib/controller/control';
import type { Verdict } from '../../lib/domain/verdict';
import type { AliasState } from '../../lib/local/fleet';
import { FLAG_TARGET, newTestRequest } from '../helpers/requests';
import { capturedStates, useLocalRollouts, type RolloutRun } from '../helpers/local-rollout';

const ALIAS_KEY = 'lambda:orders-api:live';
const rollouts = useLocalRollouts();

/** The alias as preflight found it: version 41 serving everything, no weights. */
async function expectRestored(run: RolloutRun): Promise<void> {
  for (const captured of await capturedStates(run)) {
    const now = run.world.fleet.state(captured.targetKey);
    if (now.kind === 'lambda-alias') {
      expect(now).toMatchObject({ functionVersion: captured.stableVersion, additionalVersion: null, additionalWeight: 0 });
    } else {
      expect(now.enabledPercentage).toBe(0);
    }
  }
}

async function expectLocksReleased(run: RolloutRun): Promise<void> {
  for (const key of (await run.world.ledger.requireRollout(run.result.rolloutId as string)).targetKeys) {
    expect(await run.world.ledger.getLock(key)).toBeUndefined();
  }
}

function verdictsOf(run: RolloutRun): Verdict[] {
  return run.eventsOf('evaluation').map((e) => (e.data as { verdict: Verdict }).verdict);
}

describe('the rollout state machine, run locally on its real definition', () => {
  it('promotes a healthy release through every step of the progressive ladder', async () => {
    const run = await rollouts.run(await rollouts.world({ scenario: 'healthy' }), newTestRequest());

    expect(run.result).toMatchObject({ outcome: 'promoted', endState: 'Promoted' });
    expect(run.eventsOf('shift-applied').map((e) => e.data.weight)).toEqual([0, 1, 5, 25, 75, 100]);
    expect(run.world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: '42', additionalVersion: null });
    const record = await run.world.ledger.requireRollout(run.result.rolloutId as string);
    expect(record.status).toBe('PROMOTED');
    await expectLocksReleased(run);
  });

  it('rolls back an error regression, restores the alias and records the failing signal', async () => {
    const run = await rollouts.run(await rollouts.world({ scenario: 'error-regression' }), newTestRequest());

    expect(run.result).toMatchObject({ outcome: 'rolled-back', endState: 'RolledBackOnFailedVerdict' });
    await expectRestored(run);
    const failed = verdictsOf(run).find((v) => v.value === 'fail');
    expect(failed?.signals.find((s) => s.signal === 'errors')?.status).toBe('fail');
    const record = await run.world.ledger.requireRollout(run.result.rolloutId as string);
    expect(record.status).toBe('ROLLED_BACK');
    expect(record.outcome?.reason).toMatch(/^verdict-failed: .*error/i);
    expect(run.eventsOf('target-restored').map((e) => e.data.action)).toEqual(['restored']);
    await expectLocksReleased(run);
  });

  it('rolls back a latency regression on the latency signal', async () => {
    const run = await rollouts.run(await rollouts.world({ scenario: 'latency-regression' }), newTestRequest());

    expect(run.result.endState).toBe('RolledBackOnFailedVerdict');
    const failed = verdictsOf(run).find((v) => v.value === 'fail');
    expect(failed?.signals.find((s) => s.signal === 'latency')?.status).toBe('fail');
    await expectRestored(run);
  });

  it('rolls back when someone aborts during a bake, naming who and why', async () => {
    const w = await rollouts.world({ scenario: 'healthy' });
    const control: ControlDeps = { ledger: w.ledger, clock: w.clock, tokens: { succeed: failIfCalled, fail: failIfCalled } };
    let evaluations = 0;
    const run = await rollouts.run(w, newTestRequest(), {
      onStateExited: ({ state, output }) => {
        if (state === 'Evaluate' && ++evaluations === 3) {
          void requestControl(control, (output as { rolloutId: string }).rolloutId, 'abort', { by: 'oncall', reason: 'pager went off' });
        }
      },
    });

    expect(run.result.endState).toBe('RolledBackOnAbort');
    expect(run.eventsOf('rolled-back')[0].data).toMatchObject({ reason: 'aborted', detail: expect.stringContaining('aborted by oncall: pager went off') });
    await expectRestored(run);
    await expectLocksReleased(run);
  });

  it('restores every target of a release group when a shift fails part-way', async () => {
    const w = await rollouts.world({ scenario: 'healthy' });
    const routers: TrafficRouters = {
      ...w.deps.routers,
      // The flag's router breaks when asked for 5%, after the alias already moved to 5%.
      'appconfig-flag': {
        ...w.deps.routers['appconfig-flag'],
        capture: (t) => w.deps.routers['appconfig-flag'].capture(t),
        restore: (t, c) => w.deps.routers['appconfig-flag'].restore(t, c),
        setWeight: async (t, c, weight, previous) => {
          if (weight === 5) throw new Error('simulated AppConfig outage');
          return w.deps.routers['appconfig-flag'].setWeight(t, c, weight, previous);
        },
      },
    };
    const run = await rollouts.run(w, newTestRequest({ targets: [newTestRequest().targets[0], FLAG_TARGET] }), { deps: { routers } });

    expect(run.result.endState).toBe('RolledBackOnError');
    expect((run.world.fleet.history(ALIAS_KEY).at(-2) as { weightPercent: number }).weightPercent).toBe(5);
    await expectRestored(run);
    expect(run.eventsOf('rolled-back')[0].data.detail).toMatch(/simulated AppConfig outage/);
    await expectLocksReleased(run);
  });

  it('refuses a second rollout on a locked target, with a named error and nothing shifted', async () => {
    const w = await rollouts.world({ scenario: 'healthy' });
    w.fleet.register(newTestRequest().targets[0] as never);
    await w.ledger.acquireLocks('someone-else', [ALIAS_KEY], 3600);

    const run = await rollouts.run(w, newTestRequest({ rolloutId: 'second' }));

    expect(run.result).toMatchObject({ outcome: 'rejected', endState: 'PreflightRejected', error: 'LockHeldError' });
    expect(run.result.cause).toContain('someone-else');
    expect(run.world.fleet.history(ALIAS_KEY).filter((h) => h.cause !== 'initial')).toEqual([]);
    expect((await w.ledger.getLock(ALIAS_KEY))?.rolloutId).toBe('someone-else');
    expect((await w.ledger.requireRollout('second')).status).toBe('REJECTED');
  });

  it('takes over a lock its dead holder let expire, and records from whom', async () => {
    const w = await rollouts.world({ scenario: 'healthy' });
    // A rollout whose execution died: its lock was never released, and expires after a minute.
    await w.ledger.acquireLocks('died-mid-rollout', [ALIAS_KEY], 60);
    w.clock.advance(120);

    const run = await rollouts.run(w, newTestRequest({ rolloutId: 'successor' }));

    expect(run.result.outcome).toBe('promoted');
    expect(run.eventsOf('lock-taken-over').map((e) => e.data)).toEqual([{ targetKey: ALIAS_KEY, from: 'died-mid-rollout', expiredAt: expect.any(String) }]);
    await expectLocksReleased(run);
  });

  it('in observe mode, records a fail verdict but completes the schedule', async () => {
    const run = await rollouts.run(await rollouts.world({ scenario: 'error-regression' }), newTestRequest({ mode: 'observe' }));

    expect(run.result.outcome).toBe('promoted');
    expect(verdictsOf(run).some((v) => v.value === 'fail')).toBe(true);
    expect(run.eventsOf('shift-applied').map((e) => e.data.weight)).toEqual([0, 1, 5, 25, 75, 100]);
  });

  describe('guarding alarms', () => {
    const guarded = newTestRequest({ policy: { alarms: ['orders-api-5xx'] } });

    it('refuses to start while a named alarm is in ALARM, naming it, with nothing shifted', async () => {
      const w = await rollouts.world();
      w.alarms.fire('orders-api-5xx', 'Threshold Crossed: 3 datapoints were greater than 5');

      const run = await rollouts.run(w, guarded);

      expect(run.result).toMatchObject({ endState: 'PreflightRejected', error: 'PreconditionError' });
      expect(run.result.cause).toMatch(/orders-api-5xx \(Threshold Crossed.*set "force": true/);
      expect(w.fleet.targetKeys()).not.toContain(ALIAS_KEY);
    });

    it('starts anyway when forced, and records that it was', async () => {
      const w = await rollouts.world();
      w.alarms.fire('orders-api-5xx');
      let evaluations = 0;
      const run = await rollouts.run(w, { ...guarded, force: true }, {
        // The alarm clears once the rollout is under way, as it would after the incident.
        onStateExited: ({ state }) => state === 'Evaluate' && ++evaluations === 1 && w.alarms.clear('orders-api-5xx'),
      });

      expect(run.eventsOf('preflight')[0].data.forcedPastAlarms).toEqual([expect.objectContaining({ name: 'orders-api-5xx' })]);
      expect(run.eventsOf('shift-applied').length).toBeGreaterThan(0);
    });

    it('rolls back when a named alarm goes into ALARM during a step', async () => {
      const w = await rollouts.world();
      let evaluations = 0;
      const run = await rollouts.run(w, guarded, {
        onStateExited: ({ state }) => state === 'Evaluate' && ++evaluations === 8 && w.alarms.fire('orders-api-5xx', 'p99 above 2 s'),
      });

      expect(run.result.endState).toBe('RolledBackOnFailedVerdict');
      expect(run.eventsOf('rolled-back')[0].data.detail).toMatch(/orders-api-5xx/);
      await expectRestored(run);
    });
  });

  describe('approval gates', () => {
    const gated = newTestRequest({
      strategy: { steps: [{ weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800, approval: true }, { weight: 100, minBakeSeconds: 300, maxBakeSeconds: 900 }] },
    });

    it.each([
      [true, 'promoted', 'Promoted'],
      [false, 'rolled-back', 'RolledBackOnApprovalRejected'],
    ])('approved=%s ends %s', async (approved, outcome, endState) => {
      const { answerApproval } = await import('../../lib/controller/control');
      const run = await rollouts.run(await rollouts.world({ scenario: 'healthy' }), gated, {
        onApprovalRequested: (id, control) => void answerApproval(control, id, approved, { by: 'release-manager', reason: 'checked dashboards' }),
      });

      expect(run.result).toMatchObject({ outcome, endState });
      expect(run.eventsOf('approval-requested')).toHaveLength(1);
      expect(run.eventsOf('approval')[0].data).toMatchObject({ approved, by: 'release-manager' });
    });
  });

  it('records an approval answered straight through the task token, as `aws stepfunctions send-task-success` would', async () => {
    const run = await rollouts.run(
      await rollouts.world({ scenario: 'healthy' }),
      newTestRequest({
        strategy: { steps: [{ weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800, approval: true }, { weight: 100, minBakeSeconds: 300, maxBakeSeconds: 900 }] },
      }),
      {
        onApprovalRequested: (id, control) =>
          void control.ledger.requireRollout(id).then((record) => control.tokens.succeed(record.pendingApproval!.taskToken, { approved: true, by: 'ops-console' })),
      },
    );

    expect(run.result.outcome).toBe('promoted');
    expect(run.eventsOf('approval')[0].data).toMatchObject({ approved: true, by: 'ops-console' });
    expect((await run.world.ledger.requireRollout(run.result.rolloutId as string)).pendingApproval).toBeUndefined();
  });

  describe('traffic too low for the strategy', () => {
    const short = { steps: [{ weight: 10, minBakeSeconds: 300, maxBakeSeconds: 600 }, { weight: 100, minBakeSeconds: 300, maxBakeSeconds: 900 }] };

    it('refuses to start when the policy says so, saying what the traffic can still rule out, with nothing shifted', async () => {
      const w = await rollouts.world({ scenario: 'low-traffic' });
      const run = await rollouts.run(w, newTestRequest({ strategy: short, policy: { insufficientTraffic: 'refuse' } }));

      expect(run.result).toMatchObject({ outcome: 'rejected', endState: 'PreflightRejected', error: 'PreconditionError' });
      expect(run.result.cause).toMatch(/traffic cannot support this strategy \(policy insufficientTraffic=refuse\): lambda:orders-api:live errors: at 0.2\d? rps this strategy can rule out ×[\d.]+ \([\d.]+%\), not the critical ×[\d.]+ \([\d.]+%\); ruling that out reliably takes about [\d,]+ canary requests/);
      expect(w.fleet.history(ALIAS_KEY).map((h) => h.cause)).toEqual(['initial']);
    });

    it('starts with a recorded warning by default, and ends inconclusive rather than promoting what it could not check', async () => {
      const run = await rollouts.run(await rollouts.world({ scenario: 'low-traffic' }), newTestRequest({ strategy: short }));

      expect(run.eventsOf('preflight')[0].data.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^warning: lambda:orders-api:live errors: at 0.2\d? rps/)]));
      expect(run.result.endState).toBe('RolledBackOnInconclusive');
      await expectRestored(run);
    });
  });

  it('stops at an alias changed behind its back, and does not overwrite the foreign change', async () => {
    const w = await rollouts.world({ scenario: 'healthy' });
    let tampered = false;
    const run = await rollouts.run(w, newTestRequest(), {
      onStateExited: ({ state }) => {
        if (state === 'ShiftTraffic' && !tampered) {
          tampered = true;
          w.fleet.tamper(ALIAS_KEY, { functionVersion: '40' });
        }
      },
    });

    expect(run.result.endState).toBe('RolledBackOnError');
    expect(run.eventsOf('rolled-back')[0].data.detail).toMatch(/DriftError/);
    expect(run.eventsOf('target-restored')[0].data.action).toBe('skipped-drifted');
    expect((w.fleet.state(ALIAS_KEY) as AliasState).functionVersion).toBe('40');
  });
});

async function failIfCalled(): Promise<void> {
  throw new Error('no approval gate should be open in this test');
}
