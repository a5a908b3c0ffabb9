import { runSmokeTest } from '../../../lib/controller/smoke-test-run';
import { parseRolloutRequest } from '../../../lib/domain/rollout-request';
import { parseTrafficModel, scenarioByName, SimulatedFleet, SimulatedSmokeInvoker, simulatedTrafficRouters } from '../../../lib/local/fleet';
import { VirtualClock } from '../../../lib/local/virtual-clock';
import { newTestRequest } from '../../helpers/requests';

const ORDERS = { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' } as const;

function fleetWith(smoke: object) {
  const clock = new VirtualClock();
  const fleet = new SimulatedFleet({ model: parseTrafficModel({ ...scenarioByName('healthy'), smoke }), seed: 1, clock });
  return { fleet, clock };
}

describe('the simulated fleet answering smoke events', () => {
  it('fails the events the model names, by the order they reach the new version, and never the stable one', async () => {
    const { fleet } = fleetWith({ failEvents: [1], durationMs: 900 });
    fleet.capture(ORDERS);
    const invoker = new SimulatedSmokeInvoker(fleet);
    const answers = [await invoker.invoke('orders-api', '42', { n: 0 }), await invoker.invoke('orders-api', '42', { n: 1 }), await invoker.invoke('orders-api', '42', { n: 2 })];
    expect(answers.map((a) => a.functionError ?? 'ok')).toEqual(['ok', 'Unhandled', 'ok']);
    expect(answers[1].response).toEqual({ errorType: 'Error', errorMessage: 'simulated failure of the new version' });
    expect(answers.map((a) => a.durationMs)).toEqual([900, 900, 900]);
    const stable = await invoker.invoke('orders-api', '41', { n: 1 });
    expect(stable).toMatchObject({ response: { statusCode: 200, version: '41' }, durationMs: 40 });
    expect(stable.functionError).toBeUndefined();
  });

  it('passes every event by default, and fails every one with "all"', async () => {
    const healthy = new SimulatedFleet({ model: scenarioByName('healthy'), seed: 1, clock: new VirtualClock() });
    healthy.capture(ORDERS);
    expect((await new SimulatedSmokeInvoker(healthy).invoke('orders-api', '42', {})).functionError).toBeUndefined();
    const { fleet } = fleetWith({ failEvents: 'all', errorMessage: 'payment gateway not configured' });
    fleet.capture(ORDERS);
    expect((await new SimulatedSmokeInvoker(fleet).invoke('orders-api', '42', {})).response).toEqual({ errorType: 'Error', errorMessage: 'payment gateway not configured' });
  });

  it('refuses a smoke block it cannot follow, naming the field', () => {
    expect(() => parseTrafficModel({ name: 'x', smoke: { failEvents: [-1] } })).toThrow(/smoke\.failEvents/);
    expect(() => parseTrafficModel({ name: 'x', smoke: { durationMs: -5 } })).toThrow(/smoke\.durationMs/);
  });

  it('gives the smoke test its evidence, with the alias never touched', async () => {
    const { fleet, clock } = fleetWith({ failEvents: [0], errorMessage: 'config key missing' });
    const router = simulatedTrafficRouters(fleet)['lambda-alias'];
    const captured = await router.capture(ORDERS);
    const request = parseRolloutRequest(newTestRequest({ smokeTest: { events: [{ payload: { path: '/checkout' } }, { payload: { path: '/health' } }] } }));
    const report = await runSmokeTest(request.smokeTest!, [{ target: request.targets[0], captured }], new SimulatedSmokeInvoker(fleet), clock);
    expect(report).toMatchObject({ events: 2, passed: 1, failures: [{ eventIndex: 0, reason: 'function error (Unhandled): Error: config key missing', errorType: 'Error' }] });
    expect(fleet.history('lambda:orders-api:live').map((h) => h.weightPercent)).toEqual([0]);
  });
});
