import { InvalidArgumentError } from 'commander';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `2h`, `90m`, `1h30m`, `45s` or plain seconds, in milliseconds; commander shows the message on a bad one. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new InvalidArgumentError('expected a duration such as 2h, 90m, 1h30m or 45s');
  return Math.round(parts.reduce((t, [, n, unit]) => t + Number(n) * UNITS[unit], 0) * 1000);
}
