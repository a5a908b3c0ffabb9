import type { Cohort, MinuteAggregate } from '../../../lib/domain/aggregates';
import { MINUTE_MS } from '../../../lib/domain/clock';
import { DEFAULT_POLICY } from '../../../lib/domain/policy';
import type { BenchWorld } from '../world';

/**
 * How the peers read CloudWatch: a metric query returns the newest datapoint there is, which for
 * Lambda is a minute still filling as its records arrive (1–3 minutes late). A query finds no
 * datapoint right after a shift, or when a minute had no requests.
 */
export const METRIC_DELAY_MS = DEFAULT_POLICY.metricDelaySeconds * 1000;

/** How far back a query looks for a datapoint. */
const QUERY_MINUTES = 5;

/** The newest minute of one cohort CloudWatch has any of, among minutes that have ended (undefined: no datapoint). */
export function newestDatapoint(world: BenchWorld, cohort: Cohort, slowThresholdMs?: number): MinuteAggregate | undefined {
  const end = Math.floor(world.clock.now().getTime() / MINUTE_MS) * MINUTE_MS;
  const series = world.fleet.series(world.key, cohort, new Date(end - QUERY_MINUTES * MINUTE_MS), new Date(end), { slowThresholdMs });
  return series[series.length - 1];
}

/** Minutes of one cohort in [from, to), as CloudWatch has them now (the newest may be partial). */
export function visibleMinutes(world: BenchWorld, cohort: Cohort, from: Date, to: Date, slowThresholdMs?: number): MinuteAggregate[] {
  return world.fleet.series(world.key, cohort, from, to, { slowThresholdMs });
}

/** Both versions of the alias together, minute by minute: what an alarm on `Resource=function:alias` sees. */
export function aliasMinutes(world: BenchWorld, from: Date, to: Date): { minute: string; requests: number; errors: number }[] {
  const byMinute = new Map<string, { minute: string; requests: number; errors: number }>();
  for (const cohort of ['canary', 'baseline'] as const) {
    for (const m of visibleMinutes(world, cohort, from, to)) {
      const e = byMinute.get(m.minute) ?? { minute: m.minute, requests: 0, errors: 0 };
      e.requests += m.requests;
      e.errors += m.errors;
      byMinute.set(m.minute, e);
    }
  }
  return [...byMinute.values()].sort((a, b) => (a.minute < b.minute ? -1 : 1));
}

/** Sets the new version's weight the way a peer would, through the same simulated alias. */
export async function setWeight(world: BenchWorld, captured: Awaited<ReturnType<BenchWorld['router']['capture']>>, weight: number): Promise<void> {
  const previous = world.fleet.weightAt(world.key, world.clock.now());
  if (weight >= 100) await world.router.promote(world.target, captured, previous);
  else await world.router.setWeight(world.target, captured, weight, previous);
}
