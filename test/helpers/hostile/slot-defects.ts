import fc from 'fast-check';
import { formatPath } from '../../../lib/domain/validation';
import { dotSegment, injectionId, jsonValueNotOf, overLength, unknownKey, withKey, withUnprintable } from './hostile-text';
import { cloneJson, deleteAt, getAt, setAt, type JsonPath } from './json-paths';
import type { NumberRange, Slot } from './slots';

/** An input with exactly one defect, and the field its refusal must name. */
export interface Hostile {
  readonly defect: string;
  readonly input: unknown;
  /** As a user would write it: `targets[0].newVersion`, `(root)` for the document itself. */
  readonly field: string;
  /** For a key that should not be there (an unknown field, a record key breaking its rule): the key; `field` is then the path of its object ('' for the root). */
  readonly key?: string;
}

export type Json = Record<string, unknown>;

/** The ways a defect can break one valid document (none, when it does not apply to that one). */
export type Defect = (base: Json) => fc.Arbitrary<Hostile>[];

export const hostile = (defect: string, input: unknown, path: JsonPath): Hostile => ({ defect, input, field: formatPath(path) || '(root)' });

/** As a handler receives it: JSON turns -0 into 0, which may be in range. */
const asJson = (n: number) => Number(JSON.stringify(n));

function outOfRange({ min, max, minExclusive, int }: NumberRange): fc.Arbitrary<number> {
  const options = [minExclusive ? fc.constantFrom(min, min - 1e-9, -1e308) : fc.double({ max: min, maxExcluded: true, noNaN: true, noDefaultInfinity: true }).filter((n) => asJson(n) < min)];
  if (max !== undefined) options.push(fc.double({ min: max, minExcluded: true, noNaN: true, noDefaultInfinity: true }).filter((n) => asJson(n) > max));
  // A fraction inside the range, for a field that takes whole numbers only.
  if (int && (max ?? Infinity) - min >= 1) options.push(fc.integer({ min, max: Math.min(max ?? 1e6, 1e6) - 1 }).map((n) => n + 0.5));
  return fc.oneof(...options);
}

/** A string the field does not allow although it is near an allowed one: another case, a space, a plural. */
function notOneOf(valid: readonly string[]): fc.Arbitrary<string> {
  const near = fc.constantFrom(...valid).chain((v) => fc.constantFrom(v.toUpperCase(), `${v} `, ` ${v}`, `${v}s`, v.replace(/-/g, '_')));
  return fc.oneof(near, injectionId, fc.constantFrom(...valid).chain(withUnprintable), overLength(100, 'p'), fc.constant('')).filter((v) => !valid.includes(v));
}

/** How each kind of defect breaks a slot it applies to. */
const BREAKERS: { defect: string; applies: (slot: Slot, base: Json) => boolean; breaks: (slot: Slot, base: Json) => fc.Arbitrary<Hostile> }[] = [
  {
    defect: 'wrong type',
    applies: () => true,
    breaks: (slot, base) => jsonValueNotOf(slot.types).map((value) => hostile('wrong type', setAt(base, slot.path, value), slot.path)),
  },
  {
    defect: 'missing field',
    applies: (slot) => slot.required === true,
    breaks: (slot, base) => fc.constant(hostile('missing field', deleteAt(base, slot.path), slot.path)),
  },
  {
    defect: 'unknown field',
    applies: (slot, base) => slot.fields === true && typeof getAt(base, slot.path) === 'object' && getAt(base, slot.path) !== null,
    breaks: (slot, base) =>
      fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => {
        const input = cloneJson(base);
        withKey((slot.path.length === 0 ? input : getAt(input, slot.path)) as object, key, value);
        return { defect: 'unknown field', input, field: formatPath(slot.path), key };
      }),
  },
  {
    // Ids get injections, dot segments and unprintables; free text, which may hold quotes and spaces, gets unprintables.
    defect: 'unprintable or injected text',
    applies: (slot, base) => !slot.oneOf && typeof getAt(base, slot.path) === 'string',
    breaks: (slot, base) => {
      const current = getAt(base, slot.path) as string;
      return (slot.strict ? fc.oneof(injectionId, dotSegment, withUnprintable(current)) : withUnprintable(current)).map((v) => hostile('unprintable or injected text', setAt(base, slot.path, v), slot.path));
    },
  },
  {
    defect: 'not one of the allowed values',
    applies: (slot) => slot.oneOf !== undefined,
    breaks: (slot, base) => notOneOf(slot.oneOf as readonly string[]).map((v) => hostile('not one of the allowed values', setAt(base, slot.path, v), slot.path)),
  },
  {
    defect: 'too long',
    applies: (slot) => slot.maxLength !== undefined && !slot.oneOf,
    breaks: (slot, base) => overLength(slot.maxLength as number).map((v) => hostile('too long', setAt(base, slot.path, v), slot.path)),
  },
  {
    defect: 'out of range',
    applies: (slot) => slot.range !== undefined,
    breaks: (slot, base) => outOfRange(slot.range as NumberRange).map((v) => hostile('out of range', setAt(base, slot.path, v), slot.path)),
  },
];

/** One defect per kind above, each breaking one of the document's slots that it applies to. */
export function slotDefects(slotsOf: (base: Json) => readonly Slot[]): Defect[] {
  return BREAKERS.map(({ applies, breaks }) => (base) => {
    const slots = slotsOf(base).filter((slot) => applies(slot, base));
    return slots.length === 0 ? [] : [fc.constantFrom(...slots).chain((slot) => breaks(slot, base))];
  });
}
