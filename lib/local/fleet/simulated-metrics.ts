import type { CustomPoint, MetricBatch, MetricProvider, MetricQuery, MetricResults } from '../../adapters/metrics/metric-provider';
import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import type { SimulatedFleet } from './simulated-fleet';

/**
 * The metric provider of local mode. Like CloudWatch's `ExecutedVersion` dimension, it answers
 * by version: the new version's figures are the canary cohort, the stable version's the
 * baseline, and any other version has no data.
 */
export class SimulatedMetricProvider implements MetricProvider {
  constructor(private readonly fleet: SimulatedFleet) {}

  async fetch(batch: MetricBatch): Promise<MetricResults> {
    const golden = new Map<string, readonly MinuteAggregate[]>();
    const custom = new Map<string, readonly CustomPoint[]>();
    for (const query of batch.golden) {
      // GetMetricData refuses duplicate ids; silently keeping one would hide a caller's bug.
      if (golden.has(query.id)) throw new Error(`duplicate metric query id "${query.id}"`);
      golden.set(query.id, this.series(query));
    }
    // The fleet models the golden signals only: a user's own metrics have no data locally.
    for (const query of batch.custom ?? []) custom.set(query.id, []);
    return { golden, custom };
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
