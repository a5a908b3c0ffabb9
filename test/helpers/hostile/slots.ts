import type { JsonType } from './hostile-text';
import type { JsonPath } from './json-paths';

/**
 * A field of a JSON document that a mutation can break, and the rules it breaks: restated in the
 * tests from the schema's documentation, so the tests check the schema rather than repeat it.
 */
export interface Slot {
  readonly path: JsonPath;
  /** The JSON types the field accepts. */
  readonly types: readonly JsonType[];
  readonly required?: boolean;
  /** The longest valid string. */
  readonly maxLength?: number;
  /** An id: so few characters are allowed that an injection string is a defect (free text may hold one). */
  readonly strict?: boolean;
  /** The only valid strings. */
  readonly oneOf?: readonly string[];
  readonly range?: NumberRange;
  /** An object of named fields (not a record of user-chosen names), so an unknown key is a defect. */
  readonly fields?: boolean;
}

export interface NumberRange {
  readonly min: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly int?: boolean;
}
