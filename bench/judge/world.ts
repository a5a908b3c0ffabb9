import { MINUTE_MS } from '../../lib/domain/clock';
import { targetKey, type LambdaAliasTarget } from '../../lib/domain/targets';
import { SimulatedAlarmSource, SimulatedFleet, SimulatedMetricProvider, simulatedTrafficRouters } from '../../lib/local/fleet';
import { VirtualClock } from '../../lib/local/virtual-clock';
import { SLOW_THRESHOLD_MS, trafficModel, trueRates, type Scenario } from './scenarios';

/** Every rollout starts here, plus a few seconds that vary by seed: real rollouts do not start on the minute. */
const EPOCH = Date.parse('2026-03-02T09:00:00.000Z');

/**
 * Regressions never rolled back are charged for the time the new version serves them, up to this
 * long after the rollout started: the same window for every policy.
 */
export const OBSERVATION_MINUTES = 240;

/** One rollout's world: a simulated function, its metrics and a virtual clock, all from one seed. */
export class BenchWorld {
  readonly target: LambdaAliasTarget = { kind: 'lambda-alias', functionName: 'bench-api', alias: 'live', newVersion: '2' };
  readonly key = targetKey(this.target);
  readonly clock: VirtualClock;
  readonly fleet: SimulatedFleet;
  readonly metrics: SimulatedMetricProvider;
  readonly alarms = new SimulatedAlarmSource();
  readonly routers;
  readonly startedAt: Date;

  constructor(
    readonly scenario: Scenario,
    readonly rps: number,
    readonly seed: number,
  ) {
    this.startedAt = new Date(EPOCH + ((seed * 7) % 60) * 1000);
    this.clock = new VirtualClock(this.startedAt);
    this.fleet = new SimulatedFleet({ model: trafficModel(scenario, rps), seed, clock: this.clock });
    this.metrics = new SimulatedMetricProvider(this.fleet);
    this.routers = simulatedTrafficRouters(this.fleet);
  }

  get router() {
    return this.routers['lambda-alias'];
  }

  /** Virtual minutes since the rollout started. */
  minutesSinceStart(at: Date = this.clock.now()): number {
    return (at.getTime() - this.startedAt.getTime()) / MINUTE_MS;
  }

  advanceSeconds(seconds: number): void {
    this.clock.advance(seconds);
  }
}

export type Ending = 'promoted' | 'failed' | 'inconclusive' | 'refused' | 'stopped';

/** What a policy did with one rollout, read back from the fleet's own record of weights. */
export interface RolloutFigures {
  readonly ending: Ending;
  readonly promoted: boolean;
  /** Minutes from the start until the new version carried all traffic; undefined if it never did. */
  readonly reached100?: number;
  /** Minutes from the start until the rollout ended (promoted, or traffic back on the stable version). */
  readonly ended: number;
  /** Minutes from the first request the new version served to the rollback taking effect. */
  readonly exposedToRollback?: number;
  /** The weight the new version had when the rollback came. */
  readonly rollbackWeight?: number;
  /** Errors above the stable rate, plus requests slower than the critical threshold above the stable share, served by the new version. */
  readonly excessBad: number;
}

/**
 * Reads a finished rollout's figures from the fleet: weights from its history, bad requests from
 * its per-minute truth (every slice, published or not). After a promotion the new version serves
 * everything until the observation window ends; those minutes are charged at their expected rates.
 */
export function rolloutFigures(world: BenchWorld, ending: Ending): RolloutFigures {
  const history = world.fleet.history(world.key);
  const exposed = history.find((h) => h.weightPercent > 0);
  const full = history.find((h) => h.weightPercent >= 100);
  const last = history[history.length - 1];
  const promoted = ending === 'promoted';
  const endedAt = new Date(last.at);
  const ended = world.minutesSinceStart(promoted || ending !== 'stopped' ? endedAt : world.clock.now());
  const rollback = !promoted && exposed && last.weightPercent === 0 ? last : undefined;
  const before = rollback ? [...history].reverse().find((h) => Date.parse(h.at) < Date.parse(rollback.at)) : undefined;

  const rates = trueRates(world.scenario);
  let excessBad = 0;
  if (exposed) {
    const from = new Date(Date.parse(exposed.at) - (Date.parse(exposed.at) % MINUTE_MS));
    const until = new Date(Math.min(Date.parse(last.at), world.startedAt.getTime() + OBSERVATION_MINUTES * MINUTE_MS));
    const to = new Date(Math.ceil(until.getTime() / MINUTE_MS) * MINUTE_MS);
    // The fleet only reports minutes that have ended.
    world.clock.advance(Math.max(0, (to.getTime() - world.clock.now().getTime()) / 1000 + 1));
    for (const m of world.fleet.series(world.key, 'canary', from, to, { includeUnpublished: true, slowThresholdMs: SLOW_THRESHOLD_MS })) {
      excessBad += m.errors - m.requests * rates.stable.errors + (m.slowRequests - m.requests * rates.stable.slow);
    }
    if (promoted && last.weightPercent >= 100) {
      const tailMinutes = Math.max(0, OBSERVATION_MINUTES - world.minutesSinceStart(to));
      const regressed = world.scenario.canary ? rates.regressed : rates.stable;
      excessBad += tailMinutes * world.rps * 60 * (regressed.errors - rates.stable.errors + (regressed.slow - rates.stable.slow));
    }
  }
  return {
    ending,
    promoted,
    reached100: full ? world.minutesSinceStart(new Date(full.at)) : undefined,
    ended,
    exposedToRollback: rollback && exposed ? (Date.parse(rollback.at) - Date.parse(exposed.at)) / MINUTE_MS : undefined,
    rollbackWeight: before?.weightPercent,
    excessBad,
  };
}
