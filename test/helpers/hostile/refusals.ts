import { UNPRINTABLE } from './hostile-text';

/** Where a hostile input is broken: a field, or a key of the object at `field` ('' for the root) that should not be there. */
export interface BrokenField {
  readonly field: string;
  readonly key?: string;
}

/** Whether one of a refusal's issues (`path: rule`) names the broken field, or the bad key under it. */
export function namesBrokenField(issues: readonly string[], broken: BrokenField): boolean {
  const { field, key } = broken;
  if (key === undefined) return issues.some((issue) => issue.startsWith(`${field}: `));
  return issues.some((issue) => {
    if (!issue.startsWith(field)) return false;
    const rest = issue.slice(field.length);
    // The key's segment ends at one of the ": " that follow it; the key itself may hold ": " too.
    return [...rest.matchAll(/: /g)].some((m) => rendersKey(rest.slice(0, m.index), field === '', key));
  });
}

/**
 * Whether a path segment shows the key faithfully: `.name` (or `name` at the root) for a plain
 * key, else `["…"]` whose JSON string decodes to the key, or to its start followed by "…".
 */
function rendersKey(segment: string, atRoot: boolean, key: string): boolean {
  if (segment.startsWith('[') && segment.endsWith(']')) {
    let shown: unknown;
    try {
      shown = JSON.parse(segment.slice(1, -1));
    } catch {
      return false;
    }
    return typeof shown === 'string' && (shown === key || (shown.length > 1 && shown.endsWith('…') && key.startsWith(shown.slice(0, -1))));
  }
  const name = atRoot ? segment : segment.startsWith('.') ? segment.slice(1) : undefined;
  return name === key && !UNPRINTABLE.test(key);
}

/** Step Functions keeps at most this much of an error's cause. */
export const MAX_ERROR_CAUSE = 32_768;

/** A message a terminal or log shows as written: no control or invisible characters, and short enough to be kept whole. */
export function isSafeMessage(message: string): boolean {
  return !UNPRINTABLE.test(message) && message.length <= MAX_ERROR_CAUSE;
}
