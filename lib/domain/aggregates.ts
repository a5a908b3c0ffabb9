/**
 * Per-minute, per-version aggregates: the only shape of metric data the judge sees.
 * CloudWatch and the simulated fleet both produce it.
 */
export interface MinuteAggregate {
  /** ISO timestamp of the start of the minute. */
  readonly minute: string;
  /** Invocations (Lambda) or flag evaluations that reached this version. */
  readonly requests: number;
  readonly errors: number;
  readonly throttles: number;
  /** Requests slower than the slow-request threshold the query asked for. */
  readonly slowRequests: number;
  readonly p50Ms?: number;
  readonly p90Ms?: number;
  readonly p99Ms?: number;
  /** Peak concurrent executions in the minute. */
  readonly concurrency?: number;
}

/** One minute of a user's own metric. */
export interface CustomPoint {
  readonly minute: string;
  readonly value: number;
}

/** An alarm currently in ALARM, with CloudWatch's reason. */
export interface FiringAlarm {
  readonly name: string;
  readonly reason: string;
  readonly since?: string;
}

/** Which side of the comparison a series belongs to. */
export type Cohort = 'canary' | 'baseline';

export function sumOf(series: readonly MinuteAggregate[], field: 'requests' | 'errors' | 'throttles' | 'slowRequests'): number {
  return series.reduce((total, m) => total + m[field], 0);
}
