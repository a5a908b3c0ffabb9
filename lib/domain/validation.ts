import { z } from 'zod';
import { ValidationError } from './errors';
import { printable, quoted } from './text';

/** A key that reads as itself in a path; any other (spaces, controls, a whole paragraph) is shown quoted. */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** `targets[1].newVersion`, or `dimensions["bad key"]`: the field as a user would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (!PLAIN_KEY.test(name)) return `${out}[${quoted(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
}

/**
 * How many issues a refusal spells out. A hostile input can break thousands of rules at once;
 * the message stays readable (and under Step Functions' limit for an error's cause) with the first few.
 */
const LISTED_ISSUES = 10;

/** One line per bad field, `path: rule`; each unknown field on its own, since "targets[0].fnName: unknown field" says what to fix. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
    return [`${formatPath(issue.path) || '(root)'}: ${ruleOf(issue)}`];
  });
}

/** What the issue says is wrong. For a record key that breaks its rule: the rule, not zod's "Invalid key in record". */
function ruleOf(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
}

/** The issues joined for a message: the first few, and how many more there are. */
export function listIssues(issues: readonly string[]): string {
  const more = issues.length - LISTED_ISSUES;
  return more > 0 ? `${issues.slice(0, LISTED_ISSUES).join('; ')}; and ${more} more` : issues.join('; ');
}

/** Parses with a zod schema, or throws one ValidationError whose message names every bad field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues);
  throw new ValidationError(`invalid ${what}: ${listIssues(issues)}`, issues);
}

/** Text a person reads back (a name, a description): it may hold anything but what would rewrite the line it is shown on. */
export function printableString() {
  return z.string().refine((text) => printable(text) === text, 'must not contain control or invisible characters (line breaks, ANSI escapes, direction overrides)');
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
        ctx.addIssue({ code: 'custom', message: ruleOf(issue), path: issue.path, input });
      }
    }
    return z.NEVER;
  });
}
