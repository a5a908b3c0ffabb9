import type { MetricQuery } from '../../../lib/adapters/metrics/metric-provider';
import { sumOf, type Cohort } from '../../../lib/domain/aggregates';
import { targetKey, type Target } from '../../../lib/domain/targets';
import { SimulatedMetricProvider } from '../../../lib/local/fleet/simulated-metrics';
import { SimulatedTrafficRouter } from '../../../lib/local/fleet/simulated-router';
import { minutesAfter, newFlagTarget, newLambdaTarget, newTestFleet, T0 } from './fleet-fixtures';

function query(target: Target, cohort: Cohort, version: string, overrides: Partial<MetricQuery> = {}): MetricQuery {
  return { id: `${cohort}_${version}`, target, cohort, version, from: minutesAfter(T0, -10), to: minutesAfter(T0, 30), slowThresholdMs: 300, ...overrides };
}

async function rolloutAtTenPercent(target: Target) {
  const { fleet, clock } = newTestFleet({ scenario: 'error-regression' });
  const router = new SimulatedTrafficRouter(fleet);
  const captured = await router.capture(target);
  await router.setWeight(target, captured, 10);
  clock.advanceMinutes(30);
  return { fleet, clock, provider: new SimulatedMetricProvider(fleet) };
}

describe('SimulatedMetricProvider', () => {
  describe('fetch', () => {
    it('returns the new version’s figures as the canary and the stable version’s as the baseline', async () => {
      const target = newLambdaTarget();
      const { fleet, provider } = await rolloutAtTenPercent(target);
      const results = (await provider.fetch({ golden: [query(target, 'canary', '8'), query(target, 'baseline', '7')] })).golden;
      const key = targetKey(target);
      expect(results.get('canary_8')).toEqual(fleet.series(key, 'canary', minutesAfter(T0, -10), minutesAfter(T0, 30), { slowThresholdMs: 300 }));
      expect(results.get('baseline_7')).toEqual(fleet.series(key, 'baseline', minutesAfter(T0, -10), minutesAfter(T0, 30), { slowThresholdMs: 300 }));
      expect(results.get('canary_8')!.length).toBeGreaterThan(20);
      expect(results.get('baseline_7')!.length).toBeGreaterThan(30);
    });

    it('decides by version, not by the cohort label', async () => {
      const target = newLambdaTarget();
      const { provider } = await rolloutAtTenPercent(target);
      const results = (await provider.fetch({ golden: [query(target, 'baseline', '8', { id: 'a' }), query(target, 'canary', '8', { id: 'b' })] })).golden;
      expect(results.get('a')).toEqual(results.get('b'));
    });

    it('returns nothing for a version that is neither stable nor new', async () => {
      const target = newLambdaTarget();
      const { provider } = await rolloutAtTenPercent(target);
      const results = (await provider.fetch({ golden: [query(target, 'baseline', '3')] })).golden;
      expect(results.get('baseline_3')).toEqual([]);
    });

    it('answers flags by variant: "on" is the canary, "off" the baseline', async () => {
      const flag = newFlagTarget();
      const { provider } = await rolloutAtTenPercent(flag);
      const results = (await provider.fetch({ golden: [query(flag, 'canary', 'on'), query(flag, 'baseline', 'off')] })).golden;
      const on = results.get('canary_on')!;
      const off = results.get('baseline_off')!;
      const onRequests = sumOf(on, 'requests');
      const offRequests = sumOf(off.filter((m) => m.minute >= T0.toISOString()), 'requests');
      const share = onRequests / (onRequests + offRequests);
      expect(share).toBeGreaterThan(0.09);
      expect(share).toBeLessThan(0.11);
    });

    it('counts slow requests only when asked for a threshold', async () => {
      const target = newLambdaTarget();
      const { provider } = await rolloutAtTenPercent(target);
      const results = (await provider.fetch({ golden: [query(target, 'baseline', '7', { slowThresholdMs: undefined })] })).golden;
      expect(results.get('baseline_7')!.every((m) => m.slowRequests === 0)).toBe(true);
    });

    it('serves a target it has not seen captured, in its initial state', async () => {
      const { fleet } = newTestFleet();
      const provider = new SimulatedMetricProvider(fleet);
      const target = newLambdaTarget({ functionName: 'fresh' });
      const results = (await provider.fetch({ golden: [query(target, 'baseline', '7', { from: minutesAfter(T0, -20), to: minutesAfter(T0, -10) })] })).golden;
      expect(results.get('baseline_7')).toHaveLength(10);
      expect(fleet.state(targetKey(target))).toMatchObject({ functionVersion: '7', additionalVersion: null });
    });

    it('refuses duplicate query ids', async () => {
      const target = newLambdaTarget();
      const { provider } = await rolloutAtTenPercent(target);
      await expect(provider.fetch({ golden: [query(target, 'canary', '8'), query(target, 'canary', '8')] })).rejects.toThrow('duplicate metric query id "canary_8"');
    });
  });
});
