import { InvalidArgumentError } from 'commander';
import { printable } from '../domain/text';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** No rollout outlives a Step Functions execution, which lasts at most a year. */
const MAX_DURATION_MS = 366 * 86_400_000;

/** `2h`, `90m`, `1h30m`, `45s` or plain seconds, in milliseconds; commander shows the message on a bad one. */
export function parseDuration(value: string): number {
  // A line break or control character is no part of a duration, though trim() would quietly drop some.
  const text = printable(value) === value ? value.trim() : '';
  const ms = Math.round((/^\d+$/.test(text) ? Number(text) : secondsWithUnits(text)) * 1000);
  // "0s" would stop waiting at once, and a long string of nines is Infinity: neither is a timeout.
  if (!(ms > 0 && ms <= MAX_DURATION_MS)) throw new InvalidArgumentError('expected a duration such as 2h, 90m, 1h30m or 45s, above 0 and at most 366d');
  return ms;
}

/** `1h30m` in seconds; NaN unless the whole text is number-unit pairs. */
function secondsWithUnits(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return Number.NaN;
  return parts.reduce((t, [, n, unit]) => t + Number(n) * UNITS[unit], 0);
}
