import { z } from 'zod';
import { oneOfByInput, parseOrThrow, printableString } from './validation';
import { DEFAULT_POLICY, policySchema, type Policy } from './policy';
import { strategySchema } from './strategies';
import { smokeTargetOf, smokeTestSchema } from './smoke-test';
import { hooksSchema } from './lifecycle-hooks';
import { targetKey, targetSchema } from './targets';

/** A rollout id: also the execution's name, so it keeps within Step Functions' rules for those. */
export const ROLLOUT_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}$/;
export const ROLLOUT_ID_RULE = 'must be 1-80 letters, digits, ".", "_" or "-", starting with a letter or digit';

/**
 * The largest request accepted, in bytes of JSON once defaults are filled in. Step Functions caps
 * every state's input and output at 256 KiB, and the cursor each state passes on carries the
 * targets beside what preflight captured; the ledger keeps the request in one item. A real
 * release group is a few KB, so this leaves all the room that state needs.
 */
export const MAX_REQUEST_BYTES = 64 * 1024;

const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value) ?? '').length;

/** `policy` is the name `default` or a policy object; either way the result is a complete Policy. */
const policyField = oneOfByInput<Policy>((input) =>
  typeof input === 'string'
    ? z
        .literal('default', { error: 'must be "default" or a policy object (see the README for its fields)' })
        .transform(() => DEFAULT_POLICY)
    : policySchema,
).prefault('default');

export const rolloutRequestSchema = z
  .strictObject({
    rolloutId: z.string().regex(ROLLOUT_ID, ROLLOUT_ID_RULE).optional(),
    description: printableString().max(500, 'must be at most 500 characters').optional(),
    targets: z.array(targetSchema).min(1, 'needs at least one target').max(10, 'at most 10 targets move together'),
    strategy: strategySchema,
    policy: policyField,
    /** `observe`: judge and record everything, but never roll back (shadow mode). */
    mode: z.enum(['enforce', 'observe']).default('enforce'),
    /** Start even though an alarm the policy names is already in ALARM. Recorded in the ledger. */
    force: z.boolean().default(false),
    /** Test events for the new versions, sent before any traffic moves (see smoke-test.ts). */
    smokeTest: smokeTestSchema.optional(),
    /** Functions of the user's run before any traffic moves and after the release takes it all (see lifecycle-hooks.ts). */
    hooks: hooksSchema.optional(),
  })
  .superRefine((req, ctx) => {
    const bytes = jsonBytes(req);
    if (bytes > MAX_REQUEST_BYTES) {
      // Name the field that holds most of it: that is the one to trim.
      const sizes = Object.entries(req).map(([field, value]) => [field, jsonBytes(value)] as const);
      const [largest] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
      ctx.addIssue({
        code: 'custom',
        path: [largest],
        message: `makes the request ${Math.ceil(bytes / 1024)} KB as JSON, over the ${MAX_REQUEST_BYTES / 1024} KB a request may be (Step Functions caps what a state carries at 256 KB)`,
      });
    }
    const seen = new Map<string, number>();
    req.targets.forEach((t, i) => {
      const key = targetKey(t);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['targets', i], message: `duplicates targets[${first}] (${key}); a target can appear once` });
      }
      seen.set(key, i);
    });
    req.smokeTest?.events.forEach((event, i) => {
      const target = smokeTargetOf(event, req.targets);
      if (typeof target === 'string') ctx.addIssue({ code: 'custom', path: ['smokeTest', 'events', i, 'functionName'], message: target });
    });
    if (typeof req.strategy !== 'string') {
      req.strategy.steps.forEach((step, i, steps) => {
        if (i > 0 && step.weight <= steps[i - 1].weight) {
          ctx.addIssue({
            code: 'custom',
            path: ['strategy', 'steps', i, 'weight'],
            message: `weights must increase step by step (${steps[i - 1].weight} then ${step.weight})`,
          });
        }
      });
    }
  });

export type RolloutRequest = z.output<typeof rolloutRequestSchema>;
export type RolloutRequestInput = z.input<typeof rolloutRequestSchema>;

/** The single entry point for untrusted input: throws ValidationError naming each bad field. */
export function parseRolloutRequest(input: unknown): RolloutRequest {
  return parseOrThrow(rolloutRequestSchema, input, 'rollout request');
}
