import type { MinuteAggregate } from '../domain/aggregates';
import { MINUTE_MS } from '../domain/clock';
import type { TargetWindow } from '../domain/judge';

/** One minute of one version as the ledger keeps it: enough to draw the report's per-minute charts. */
export interface RecordedMinute {
  readonly minute: string;
  readonly requests: number;
  readonly errors: number;
  readonly slowRequests: number;
  readonly throttles: number;
  readonly p99Ms?: number;
}

export interface RecordedTargetMinutes {
  readonly canary: readonly RecordedMinute[];
  readonly baseline: readonly RecordedMinute[];
}

/**
 * The minutes an evaluation adds to the ledger: those that became whole since about the last look,
 * and the ones still filling (a later look records them again, whole). Overlapping looks are fine:
 * a reader keeps the last record of each minute. So the ledger alone can draw every chart.
 */
export function minutesToRecord(targets: readonly TargetWindow[], intervalSeconds: number): Record<string, RecordedTargetMinutes> {
  return Object.fromEntries(
    targets.map((t) => {
      const completeBefore = t.completeBefore === undefined ? 0 : Date.parse(t.completeBefore);
      const since = completeBefore - 2 * Math.max(intervalSeconds * 1000, MINUTE_MS);
      const keep = (series: readonly MinuteAggregate[]) => series.filter((m) => Date.parse(m.minute) >= since).map(recorded);
      return [t.targetKey, { canary: keep(t.canary), baseline: keep(t.baseline) }];
    }),
  );
}

export function recorded(m: MinuteAggregate): RecordedMinute {
  return { minute: m.minute, requests: m.requests, errors: m.errors, slowRequests: m.slowRequests, throttles: m.throttles, ...(m.p99Ms === undefined ? {} : { p99Ms: m.p99Ms }) };
}
