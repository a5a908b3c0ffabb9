import type { Cohort, CustomPoint, FiringAlarm, MinuteAggregate } from '../../domain/aggregates';

export type { CustomPoint, FiringAlarm };
import type { CustomMetric } from '../../domain/policy';
import type { Target } from '../../domain/targets';

/** Golden-signal figures of one version of one target, per minute. */
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

/** One of the user's own metrics, per minute: for one version (when it has a version dimension) or as a whole. */
export interface CustomMetricQuery {
  readonly id: string;
  readonly metric: CustomMetric;
  /** The value of `metric.versionDimension` to select; absent for a metric judged as a whole. */
  readonly version?: string;
  readonly from: Date;
  readonly to: Date;
}

/** Everything one evaluation needs, asked for at once. */
export interface MetricBatch {
  readonly golden: readonly MetricQuery[];
  readonly custom?: readonly CustomMetricQuery[];
}

export interface MetricResults {
  readonly golden: ReadonlyMap<string, readonly MinuteAggregate[]>;
  readonly custom: ReadonlyMap<string, readonly CustomPoint[]>;
}

/**
 * Fetches per-minute figures. One call per evaluation carries every query of every target,
 * because CloudWatch's GetMetricData is rate-limited per account and priced per metric.
 * Minutes with no data are absent from the result, never zero-filled.
 */
export interface MetricProvider {
  fetch(batch: MetricBatch): Promise<MetricResults>;
}

/** Reads the state of the alarms a policy names. */
export interface AlarmSource {
  firing(alarmNames: readonly string[]): Promise<FiringAlarm[]>;
}
