import type { MetricProvider, MetricQuery } from '../../adapters/metrics/metric-provider';
import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import type { SimulatedFleet } from './simulated-fleet';

/**
 * The metric provider of local mode. Like CloudWatch's `ExecutedVersion` dimension, it answers
 * by version: the new version's figures are the canary cohort, the stable version's the
 * baseline, and any other version has no data.
 */
export class SimulatedMetricProvider implements MetricProvider {
  constructor(private readonly fleet: SimulatedFleet) {}

  async fetch(queries: readonly MetricQuery[]): Promise<ReadonlyMap<string, readonly MinuteAggregate[]>> {
    const results = new Map<string, readonly MinuteAggregate[]>();
    for (const query of queries) {
      // GetMetricData refuses duplicate ids; silently keeping one would hide a caller's bug.
      if (results.has(query.id)) throw new Error(`duplicate metric query id "${query.id}"`);
      results.set(query.id, this.series(query));
    }
    return results;
  }

  private series(query: MetricQuery): readonly MinuteAggregate[] {
    const key = this.fleet.register(query.target);
    const cohort = this.cohortOf(key, query.version);
    if (!cohort) return [];
    return this.fleet.series(key, cohort, query.from, query.to, { slowThresholdMs: query.slowThresholdMs });
  }

  private cohortOf(key: string, version: string): Cohort | undefined {
    const versions = this.fleet.versions(key);
    if (version === versions.new) return 'canary';
    if (version === versions.stable) return 'baseline';
    return undefined;
  }
}
