import { z } from 'zod';
import { oneOfByInput, parseOrThrow } from './validation';
import { DEFAULT_POLICY, policySchema, type Policy } from './policy';
import { strategySchema } from './strategies';
import { targetKey, targetSchema } from './targets';

const ROLLOUT_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}$/;

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
    rolloutId: z
      .string()
      .regex(ROLLOUT_ID, 'must be 1-80 letters, digits, ".", "_" or "-", starting with a letter or digit')
      .optional(),
    description: z.string().max(500, 'must be at most 500 characters').optional(),
    targets: z.array(targetSchema).min(1, 'needs at least one target').max(10, 'at most 10 targets move together'),
    strategy: strategySchema,
    policy: policyField,
    /** `observe`: judge and record everything, but never roll back (shadow mode). */
    mode: z.enum(['enforce', 'observe']).default('enforce'),
    /** Start even though an alarm the policy names is already in ALARM. Recorded in the ledger. */
    force: z.boolean().default(false),
  })
  .superRefine((req, ctx) => {
    const seen = new Map<string, number>();
    req.targets.forEach((t, i) => {
      const key = targetKey(t);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['targets', i], message: `duplicates targets[${first}] (${key}); a target can appear once` });
      }
      seen.set(key, i);
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
