import { z } from 'zod';
import { functionNameOf, LAMBDA_NAME_OR_ARN, type LambdaAliasTarget, type Target } from './targets';

/**
 * The pre-traffic smoke test: events sent straight to the new version of a Lambda alias target
 * (Invoke with the version as qualifier) before any alias weight moves. A failing event rolls the
 * rollout back before any user has met the new version.
 */
export const smokeExpectationSchema = z.strictObject({
  /** @default true */
  noFunctionError: z.boolean().optional(),
  maxDurationMs: z.number().int('must be a whole number of milliseconds').min(1).max(900_000, 'must be at most 900000 (Lambda runs 15 minutes at most)').optional(),
  /** A JSON value the response must contain: objects by subset, arrays and scalars exactly. */
  responseContains: z.json().optional(),
});

export const smokeEventSchema = z.strictObject({
  /** Which alias target's new version gets the event; may be left out when the release group has one. */
  functionName: z.string().regex(LAMBDA_NAME_OR_ARN, 'must be a Lambda function name or function ARN without a qualifier').optional(),
  /** The test event, as the function receives it. */
  payload: z.json(),
  expect: smokeExpectationSchema.optional(),
});

export const smokeTestSchema = z.strictObject({
  events: z.array(smokeEventSchema).min(1, 'needs at least one event').max(50, 'at most 50 events'),
  /** Events in flight at once. */
  concurrency: z.number().int().min(1).max(10, 'at most 10 events at once').default(1),
  /** How long the whole test may take; events not started by then fail as not run. */
  // Inside the SmokeTest function's own timeout (see controller-functions.ts).
  timeoutSeconds: z.number().int().min(1).max(240, 'must be at most 240 seconds').default(60),
});

export type SmokeTest = z.output<typeof smokeTestSchema>;
export type SmokeEvent = z.output<typeof smokeEventSchema>;

/**
 * The alias target an event is for, or a message saying why there is none: the event names no
 * function of the group, or names none while the group has several (or no) aliases.
 */
export function smokeTargetOf(event: Pick<SmokeEvent, 'functionName'>, targets: readonly Target[]): LambdaAliasTarget | string {
  const aliases = targets.filter((t): t is LambdaAliasTarget => t.kind === 'lambda-alias');
  if (event.functionName === undefined) {
    if (aliases.length === 1) return aliases[0];
    return aliases.length === 0
      ? 'the smoke test invokes Lambda versions, and the release group has no lambda-alias target'
      : `must name one of the release group's functions (${aliases.map((a) => functionNameOf(a.functionName)).join(', ')})`;
  }
  const name = functionNameOf(event.functionName);
  return aliases.find((a) => functionNameOf(a.functionName) === name) ?? `names ${name}, which is not a lambda-alias target of this rollout`;
}
