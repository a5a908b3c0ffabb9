import { clock, HOUR, MINUTE, monthDay } from './time-format';

const DAY = 24 * HOUR;

/** A value axis from 0 to `max`, with ticks at round numbers. */
export interface ValueAxis {
  readonly max: number;
  readonly ticks: readonly number[];
}

export interface TimeTick {
  readonly t: number;
  readonly label: string;
}

/**
 * An axis from 0 that covers `dataMax` in at most `maxIntervals` steps of 1, 2 or 5 × 10ⁿ: the
 * smallest such step, so little of the plot is empty. All-zero or missing data still gets an
 * axis (0 to 1) so the chart has a frame.
 */
export function valueAxis(dataMax: number, maxIntervals = 5): ValueAxis {
  const top = Number.isFinite(dataMax) && dataMax > 0 ? dataMax : 1;
  const step = niceStep(top / maxIntervals);
  const intervals = Math.max(1, Math.ceil(top / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  // toFixed keeps 0.1 × 3 from printing as 0.30000000000000004.
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
  return { max: ticks[ticks.length - 1], ticks };
}

/** Fixed axis for shares of traffic. */
export const PERCENT_AXIS: ValueAxis = { max: 100, ticks: [0, 25, 50, 75, 100] };

/** The smallest 1, 2 or 5 × 10ⁿ at least `rough`. */
function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720].map((m) => m * MINUTE);

/**
 * Ticks on whole minutes, hours or days (UTC) between `start` and `end`, at most about `maxTicks`.
 * Labels are `HH:MM`, or `MM-DD` once a step is a day or more.
 */
export function timeTicks(start: number, end: number, maxTicks = 8): TimeTick[] {
  const span = Math.max(end - start, MINUTE);
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  const ticks: TimeTick[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    ticks.push({ t, label: step >= DAY ? monthDay(t) : clock(t) });
  }
  return ticks;
}
