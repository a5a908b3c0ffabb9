import { z } from 'zod';
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

/**
 * A field that takes different shapes (a preset name or an object). Choosing the schema from the
 * input's type, rather than a zod union, keeps errors about the shape the user meant:
 * `strategy.steps[2].weight`, not "no union member matched".
 */
export function oneOfByInput<T>(pick: (input: unknown) => z.ZodType<T>) {
  return z.unknown().transform((input, ctx): T => {
    const result = pick(input).safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) ctx.addIssue({ code: 'custom', message: 'unknown field', path: [...issue.path, key], input });
      } else {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input });
      }
    }
    return z.NEVER;
  });
}
