import type { z } from 'zod';
import { ValidationError } from './errors';

/** `targets[1].newVersion`: the field as a user would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** Parses with a zod schema, or throws one ValidationError whose message names every bad field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) =>
    // Name each unknown field on its own: "targets[0].fnName: unknown field" says what to fix.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`)
      : [`${formatPath(issue.path) || '(root)'}: ${issue.message}`],
  );
  throw new ValidationError(`invalid ${what}: ${issues.join('; ')}`, issues);
}
