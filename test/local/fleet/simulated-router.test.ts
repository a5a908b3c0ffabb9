import { routerFor } from '../../../lib/adapters/traffic/traffic-router';
import { DriftError, PreconditionError, ValidationError } from '../../../lib/domain/errors';
import { targetKey } from '../../../lib/domain/targets';
import { newVersionWeight, type AliasState } from '../../../lib/local/fleet/simulated-fleet';
import { SimulatedTrafficRouter, simulatedTrafficRouters } from '../../../lib/local/fleet/simulated-router';
import { newFlagTarget, newLambdaTarget, newTestFleet } from './fleet-fixtures';

function newTestRouter() {
  const { fleet, clock } = newTestFleet();
  return { fleet, clock, router: new SimulatedTrafficRouter(fleet) };
}

describe('SimulatedTrafficRouter', () => {
  const alias = newLambdaTarget();
  const aliasKey = targetKey(alias);
  const flag = newFlagTarget();
  const flagKey = targetKey(flag);

  describe('capture', () => {
    it('returns the stable and new versions with the alias revision', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      const state = fleet.state(aliasKey) as AliasState;
      expect(captured).toEqual({
        targetKey: aliasKey,
        kind: 'lambda-alias',
        stableVersion: '7',
        newVersion: '8',
        attributes: { functionVersion: '7', revisionId: state.revisionId },
      });
    });

    it('refuses an alias that already has routing weights, saying what it found', async () => {
      const { fleet, router } = newTestRouter();
      fleet.register(alias);
      fleet.tamper(aliasKey, { additionalVersion: '6', additionalWeight: 0.2 });
      await expect(router.capture(alias)).rejects.toThrow(PreconditionError);
      await expect(router.capture(alias)).rejects.toThrow(/already has routing weights \(alias on version 7, 20% on version 6/);
    });

    it('refuses an alias that already points to the new version', async () => {
      const { router } = newTestRouter();
      await expect(router.capture(newLambdaTarget({ newVersion: '1' }))).rejects.toThrow(/already points to version 1: there is nothing to roll out/);
    });

    it('captures a flag with its configuration version', async () => {
      const { router } = newTestRouter();
      expect(await router.capture(flag)).toEqual({
        targetKey: flagKey,
        kind: 'appconfig-flag',
        stableVersion: 'off',
        newVersion: 'on',
        attributes: { configurationVersion: 1, enabledPercentage: 0 },
      });
    });

    it('refuses a flag that is already partly enabled', async () => {
      const { fleet, router } = newTestRouter();
      fleet.register(flag);
      fleet.tamper(flagKey, { enabledPercentage: 30 });
      await expect(router.capture(flag)).rejects.toThrow(/already enabled for 30%/);
    });
  });

  describe('setWeight', () => {
    it('keeps the stable version primary and sets the new version’s weight', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 25);
      expect(fleet.state(aliasKey)).toMatchObject({ functionVersion: '7', additionalVersion: '8', additionalWeight: 0.25 });
    });

    it('sends all traffic to the new version at 100', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 100);
      expect(newVersionWeight(fleet.state(aliasKey), '8')).toBe(100);
    });

    it('removes the routing weights at 0', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 10);
      await router.setWeight(alias, captured, 0);
      expect(fleet.state(aliasKey)).toMatchObject({ functionVersion: '7', additionalVersion: null, additionalWeight: 0 });
    });

    it('accepts its own successive changes, each with a new revision', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      const revisions = new Set<string>();
      for (const weight of [1, 5, 25, 75]) {
        await router.setWeight(alias, captured, weight);
        revisions.add((fleet.state(aliasKey) as AliasState).revisionId);
      }
      expect(revisions.size).toBe(4);
      expect(revisions.has(String(captured.attributes.revisionId))).toBe(false);
    });

    it('throws DriftError when someone else changed the alias', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 5);
      fleet.tamper(aliasKey);
      await expect(router.setWeight(alias, captured, 25)).rejects.toThrow(DriftError);
      await expect(router.setWeight(alias, captured, 25)).rejects.toThrow(/lambda:checkout:live was changed outside this rollout: expected revision/);
      expect(fleet.state(aliasKey)).toMatchObject({ additionalWeight: 0.05 });
    });

    it('throws DriftError when someone else deployed the flag', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(flag);
      fleet.tamper(flagKey);
      await expect(router.setWeight(flag, captured, 5)).rejects.toThrow(DriftError);
    });

    it('deploys a new configuration version for every flag change', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(flag);
      await router.setWeight(flag, captured, 5);
      await router.setWeight(flag, captured, 25);
      expect(fleet.state(flagKey)).toEqual({ kind: 'appconfig-flag', enabledPercentage: 25, configurationVersion: 3 });
    });

    it('refuses a weight outside 0–100', async () => {
      const { router } = newTestRouter();
      const captured = await router.capture(alias);
      await expect(router.setWeight(alias, captured, 101)).rejects.toThrow(ValidationError);
      await expect(router.setWeight(alias, captured, Number.NaN)).rejects.toThrow(/between 0 and 100/);
    });

    it('refuses a captured state that belongs to another target', async () => {
      const { router } = newTestRouter();
      const captured = await router.capture(alias);
      await expect(router.setWeight(newLambdaTarget({ alias: 'beta' }), captured, 5)).rejects.toThrow(/captured state is for lambda-alias lambda:checkout:live/);
    });
  });

  describe('promote', () => {
    it('makes the new version the only one serving', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 75);
      await router.promote(alias, captured);
      expect(fleet.state(aliasKey)).toMatchObject({ functionVersion: '8', additionalVersion: null, additionalWeight: 0 });
      expect(fleet.history(aliasKey).at(-1)).toMatchObject({ weightPercent: 100, cause: 'promote' });
    });

    it('turns a flag fully on', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(flag);
      await router.promote(flag, captured);
      expect(fleet.state(flagKey)).toMatchObject({ enabledPercentage: 100 });
    });

    it('throws DriftError on a foreign change', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      fleet.tamper(aliasKey);
      await expect(router.promote(alias, captured)).rejects.toThrow(DriftError);
    });
  });

  describe('restore', () => {
    it('puts the alias back exactly as captured', async () => {
      const { fleet, router } = newTestRouter();
      fleet.register(alias);
      const before = fleet.state(aliasKey) as AliasState;
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 25);
      const result = await router.restore(alias, captured);
      expect(result).toEqual({ targetKey: aliasKey, action: 'restored', detail: expect.stringMatching(/^alias back on version 7 with no routing weights \(was alias on version 7, 25% on version 8/) });
      const after = fleet.state(aliasKey) as AliasState;
      expect({ ...after, revisionId: before.revisionId }).toEqual(before);
      expect(fleet.history(aliasKey).at(-1)).toMatchObject({ weightPercent: 0, cause: 'restore' });
    });

    it('restores a promoted alias', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.promote(alias, captured);
      expect((await router.restore(alias, captured)).action).toBe('restored');
      expect(fleet.state(aliasKey)).toMatchObject({ functionVersion: '7', additionalVersion: null });
    });

    it('is idempotent: a second restore finds the alias stable and writes nothing', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 5);
      await router.restore(alias, captured);
      const afterFirst = fleet.state(aliasKey);
      const second = await router.restore(alias, captured);
      expect(second).toEqual({ targetKey: aliasKey, action: 'already-stable', detail: 'alias already on version 7 with no routing weights' });
      expect(fleet.state(aliasKey)).toEqual(afterFirst);
    });

    it('does not overwrite a foreign change: it skips and says what it found', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 25);
      const tampered = fleet.tamper(aliasKey, { additionalWeight: 0.5 });
      const result = await router.restore(alias, captured);
      expect(result.action).toBe('skipped-drifted');
      expect(result.detail).toMatch(/^not restored to version 7: lambda:checkout:live was changed outside this rollout: .*found .* \(alias on version 7, 50% on version 8/);
      expect(fleet.state(aliasKey)).toEqual(tampered);
    });

    it('reports already-stable when someone else already put the alias back', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(alias);
      await router.setWeight(alias, captured, 25);
      fleet.tamper(aliasKey, { additionalVersion: null });
      expect((await router.restore(alias, captured)).action).toBe('already-stable');
    });

    it('redeploys the captured flag configuration version exactly, once', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(flag);
      const before = fleet.state(flagKey);
      await router.setWeight(flag, captured, 5);
      await router.setWeight(flag, captured, 25);
      expect((await router.restore(flag, captured)).action).toBe('restored');
      expect(fleet.state(flagKey)).toEqual(before);
      expect((await router.restore(flag, captured)).action).toBe('already-stable');
      expect(fleet.state(flagKey)).toEqual(before);
    });

    it('skips a flag someone else redeployed', async () => {
      const { fleet, router } = newTestRouter();
      const captured = await router.capture(flag);
      await router.setWeight(flag, captured, 25);
      fleet.tamper(flagKey, { enabledPercentage: 50 });
      const result = await router.restore(flag, captured);
      expect(result).toMatchObject({ action: 'skipped-drifted', detail: expect.stringMatching(/flag at 50% on configuration version 3/) });
    });
  });

  describe('simulatedTrafficRouters', () => {
    it('serves both target kinds from the same fleet', async () => {
      const { fleet, clock } = newTestFleet();
      const routers = simulatedTrafficRouters(fleet);
      const capturedAlias = await routerFor(routers, alias).capture(alias);
      const capturedFlag = await routerFor(routers, flag).capture(flag);
      await routerFor(routers, alias).setWeight(alias, capturedAlias, 10, 0);
      await routerFor(routers, flag).setWeight(flag, capturedFlag, 10, 0);
      expect(fleet.weightAt(aliasKey, clock.now())).toBe(10);
      expect(fleet.state(flagKey)).toMatchObject({ enabledPercentage: 10 });
    });
  });
});
