/** Number formats for one-line reasons: short enough for a timeline, precise enough to audit. */

export function pct(rate: number): string {
  if (rate === 0) return '0%';
  return `${Number((rate * 100).toPrecision(2))}%`;
}

/** Thousands separators without Intl: the judge formats on every look, and Intl is slow. */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Rounds "needs about N" figures to two significant digits: more would claim false precision. */
export function about(n: number): string {
  if (n < 100) return count(Math.ceil(n));
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return count(Math.ceil(n / magnitude) * magnitude);
}

export function num(x: number, digits = 2): string {
  return x.toFixed(digits);
}

export function ms(x: number): string {
  return `${Math.round(x)} ms`;
}

/** A user's own metric has no known unit or scale: three significant digits, no exponent below 1e21. */
export function figure(x: number): string {
  return String(Number(x.toPrecision(3)));
}

