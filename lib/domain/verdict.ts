/** Verdicts are values, not booleans: the reason travels with the outcome. */
export type VerdictValue = 'pass' | 'continue' | 'fail' | 'inconclusive' | 'error';

export type SignalName = 'errors' | 'latency' | 'traffic' | 'saturation' | 'alarms' | 'custom';

/**
 * Per-signal outcome.
 * - `warn` is recorded and shown but never blocks or fails a step.
 * - `no-data` means the signal could not be judged; it never counts as a pass.
 */
export type SignalStatus = 'pass' | 'continue' | 'fail' | 'warn' | 'no-data' | 'skipped';

export interface SignalResult {
  readonly signal: SignalName;
  readonly targetKey: string;
  readonly status: SignalStatus;
  /** Measured values, e.g. `{ canaryRate: 0.004, baselineRate: 0.003, llr: -1.2 }`. */
  readonly statistics: Readonly<Record<string, number>>;
  /** The bounds they were judged against, e.g. `{ p1: 0.008, upperBoundary: 7.6 }`. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** One line a human can read in a timeline or a ledger dump. */
  readonly reason: string;
}

export interface Verdict {
  readonly value: VerdictValue;
  /** One line: the deciding reason. */
  readonly reason: string;
  readonly signals: readonly SignalResult[];
  readonly canaryRequests: number;
  readonly baselineRequests: number;
}
