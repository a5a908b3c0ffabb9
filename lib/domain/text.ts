/** One line, bounded: what ledger notes and verdict reasons hold, whatever an error message contained. */
export function oneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Characters that would let quoted input rewrite a terminal or log line rather than show in it:
 * C0 and C1 controls (ANSI escapes), line and paragraph separators, invisible format characters,
 * bidirectional overrides, and lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/gu;

/** The text with every unprintable character written as a `\uXXXX` escape, so it reads as what it is. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The most of an answer or error message of someone else's code the ledger keeps (it may hold data). */
export const EXCERPT_CHARS = 200;

/** The start of a text from outside (a response, an error message): one line, escaped, cut short. */
export function excerpt(text: string): string {
  return oneLine(printable(text), EXCERPT_CHARS);
}

/** A value from the input, quoted for a message: escaped like a JSON string, unprintables spelt out, cut after `max` characters. */
export function quoted(value: string, max = 60): string {
  return printable(JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value));
}

/** Cuts the middle out of a long text: a message quoting a huge value keeps both its start and the advice at its end. */
export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
