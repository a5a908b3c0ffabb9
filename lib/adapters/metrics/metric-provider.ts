import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import type { Target } from '../../domain/targets';

export interface MetricQuery {
  /** Caller's id for this query; the result map is keyed by it. */
  readonly id: string;
  readonly target: Target;
  readonly cohort: Cohort;
  /** Lambda version, or flag variant, whose figures are wanted. */
  readonly version: string;
  /** Inclusive start of the first minute. */
  readonly from: Date;
  /** Exclusive end: minutes starting at or after this are not returned. */
  readonly to: Date;
  /** Requests slower than this count as slow. */
  readonly slowThresholdMs?: number;
}

/**
 * Fetches per-minute aggregates. One call per evaluation carries every query of every target,
 * because CloudWatch's GetMetricData is rate-limited per account and priced per metric.
 * Minutes with no data are absent from the result, never zero-filled.
 */
export interface MetricProvider {
  fetch(queries: readonly MetricQuery[]): Promise<ReadonlyMap<string, readonly MinuteAggregate[]>>;
}
