import { MINUTE_MS } from '../../../lib/domain/clock';
import { T0, TestClock } from '../../helpers/clock';
import { appConfigFlagTargetSchema, type AppConfigFlagTarget, type LambdaAliasTarget } from '../../../lib/domain/targets';
import { SimulatedFleet } from '../../../lib/local/fleet/simulated-fleet';
import { parseTrafficModel, type TrafficModel, type TrafficModelInput } from '../../../lib/local/fleet/traffic-model';
import { scenarioByName } from '../../../lib/local/fleet/scenarios';

export { T0, TestClock } from '../../helpers/clock';

export function newTestClock(start: Date = T0): TestClock {
  return new TestClock(start);
}

export function minutesAfter(start: Date, minutes: number): Date {
  return new Date(start.getTime() + minutes * MINUTE_MS);
}

export function newLambdaTarget(overrides: Partial<LambdaAliasTarget> = {}): LambdaAliasTarget {
  return { kind: 'lambda-alias', functionName: 'checkout', alias: 'live', newVersion: '8', ...overrides };
}

export function newFlagTarget(overrides: Partial<AppConfigFlagTarget> = {}): AppConfigFlagTarget {
  return appConfigFlagTargetSchema.parse({ kind: 'appconfig-flag', application: 'shop', environment: 'prod', profile: 'flags', flag: 'newCheckout', ...overrides });
}

export function testModel(input: Partial<TrafficModelInput> = {}): TrafficModel {
  return parseTrafficModel({ name: 'test', ...input });
}

export function newTestFleet(options: { model?: TrafficModel; scenario?: string; seed?: number; clock?: TestClock; rolloutStart?: Date } = {}): {
  fleet: SimulatedFleet;
  clock: TestClock;
} {
  const clock = options.clock ?? newTestClock();
  const model = options.model ?? scenarioByName(options.scenario ?? 'healthy');
  const fleet = new SimulatedFleet({ model, seed: options.seed ?? 42, clock, rolloutStart: options.rolloutStart });
  return { fleet, clock };
}
