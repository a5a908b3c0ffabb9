/** Time source injected into every handler, so local mode can run on virtual time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const MINUTE_MS = 60_000;

/** Start of the minute containing `t`. */
export function floorToMinute(t: Date): Date {
  return new Date(Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Start of the first whole minute at or after `t`. */
export function ceilToMinute(t: Date): Date {
  return new Date(Math.ceil(t.getTime() / MINUTE_MS) * MINUTE_MS);
}
