const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Milliseconds since the epoch, or undefined for a string that is not a date. */
export function parseTime(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** `HH:MM` (or `HH:MM:SS`) in UTC: virtual time has no local zone. */
export function clock(t: number, withSeconds = false): string {
  const iso = new Date(t).toISOString();
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

/** `MM-DD`, for time axes that span days. */
export function monthDay(t: number): string {
  return new Date(t).toISOString().slice(5, 10);
}

/** `2026-01-05 09:00:00 UTC`, or the input unchanged when it is not a date. */
export function dateTime(iso: string): string {
  const t = parseTime(iso);
  return t === undefined ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `1 h 05 min`, `12 min 30 s`, `45 s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.round(ms / SECOND);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

export { MINUTE, HOUR };
