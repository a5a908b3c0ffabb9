import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CustomPoint, MinuteAggregate } from '../../domain/aggregates';
import { floorToMinute } from '../../domain/clock';
import type { CustomPlan, GoldenField, GoldenPlan } from './cloudwatch-queries';

/** CloudWatch id → minute start (epoch ms) → value. */
export type SeriesById = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * Adds one page of results to the series read so far. Pages continue a series (ScanBy
 * TimestampAscending), so a later page never contradicts an earlier one.
 */
export function addPage(series: Map<string, Map<number, number>>, results: readonly MetricDataResult[]): void {
  for (const result of results) {
    if (!result.Id) continue;
    const points = series.get(result.Id) ?? new Map<number, number>();
    const timestamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    timestamps.forEach((t, i) => {
      const value = values[i];
      if (value !== undefined && Number.isFinite(value)) points.set(floorToMinute(t).getTime(), value);
    });
    series.set(result.Id, points);
  }
}

/**
 * One aggregate per minute of the query's window that has traffic. A minute is present when it
 * has an Invocations (Requests) datapoint or a Throttles datapoint: a minute of nothing but
 * throttles is a saturation signal, not an empty minute. Lambda publishes nothing for a quiet
 * minute, so a missing Errors or Throttles datapoint beside present traffic means 0; minutes
 * without any traffic are left out, never zero-filled.
 */
export function goldenSeries(plan: GoldenPlan, series: SeriesById): MinuteAggregate[] {
  const read = (field: GoldenField): ReadonlyMap<number, number> => {
    const id = plan.ids[field];
    return (id && series.get(id)) || new Map<number, number>();
  };
  const requests = read('requests');
  const throttles = read('throttles');
  const minutes = [...new Set([...requests.keys(), ...throttles.keys()])].filter((t) => inWindow(t, plan.query)).sort((a, b) => a - b);
  return minutes.map((t): MinuteAggregate => {
    const count = asCount(requests.get(t));
    return {
      minute: new Date(t).toISOString(),
      requests: count,
      errors: asCount(read('errors').get(t)),
      throttles: asCount(throttles.get(t)),
      // The expression's figure is an estimate from a percentile rank: never more slow requests than requests.
      slowRequests: Math.min(asCount(read('slowRequests').get(t)), count),
      ...optional('p50Ms', read('p50Ms').get(t)),
      ...optional('p90Ms', read('p90Ms').get(t)),
      ...optional('p99Ms', read('p99Ms').get(t)),
      ...optional('concurrency', read('concurrency').get(t)),
    };
  });
}

export function customSeries(plan: CustomPlan, series: SeriesById): CustomPoint[] {
  const points = series.get(plan.id) ?? new Map<number, number>();
  return [...points.entries()]
    .filter(([t]) => inWindow(t, plan.query))
    .sort(([a], [b]) => a - b)
    .map(([t, value]) => ({ minute: new Date(t).toISOString(), value }));
}

/** The call spans several windows; each series keeps its own [from, to). */
function inWindow(t: number, window: { readonly from: Date; readonly to: Date }): boolean {
  return t >= window.from.getTime() && t < window.to.getTime();
}

/** Sums of counts are whole numbers; the slow count comes from a percentage and is rounded to one. */
function asCount(value: number | undefined): number {
  return value === undefined ? 0 : Math.max(0, Math.round(value));
}

function optional<K extends 'p50Ms' | 'p90Ms' | 'p99Ms' | 'concurrency'>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
