import { z } from 'zod';
import { quoted } from './text';
import { oneOfByInput, printableString } from './validation';

/** One traffic step. Weights are percent of requests sent to the new version. */
export const stepSchema = z
  .strictObject({
    name: printableString().min(1).max(40).optional(),
    weight: z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100'),
    minBakeSeconds: z.number().int('must be a whole number of seconds').min(0),
    maxBakeSeconds: z.number().int('must be a whole number of seconds').min(0).max(7 * 24 * 3600, 'must be at most 7 days'),
    /** Canary requests needed before the step may pass. */
    minSamples: z.number().int().min(0).optional(),
    /** Manual gate: after the step passes, wait for `fledge approve`. */
    approval: z.boolean().optional(),
  })
  .refine((s) => s.minBakeSeconds <= s.maxBakeSeconds, {
    message: 'minBakeSeconds must not exceed maxBakeSeconds',
    path: ['minBakeSeconds'],
  });

export type Step = z.infer<typeof stepSchema>;

export const PRESET_NAMES = ['canary-10-5m', 'linear-10-every-1m', 'exponential', 'progressive', 'all-at-once'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface ResolvedStrategy {
  readonly name: string;
  readonly steps: readonly (Step & { readonly name: string })[];
  /** Judged bake after promotion to 100%, against the pre-rollout baseline. */
  readonly finalBakeSeconds: number;
  /**
   * Presets only: how long preflight may stretch the last step's max bake when the traffic needs
   * longer to rule out the critical regression. Custom strategies keep the bakes they were given.
   */
  readonly stretchLastStepToSeconds?: number;
}

/** The longest a preset's last step may bake at low traffic. */
export const PRESET_STRETCH_SECONDS = 2 * 3600;

const MIN = 60;

/**
 * Presets mirror what users already know from CodeDeploy and AppConfig. Every preset ends with a
 * judged 100% step: with no stable traffic left, it is compared with the pre-rollout window.
 * The max bakes leave room for evidence to accumulate at modest traffic; steps usually pass earlier.
 */
const PRESETS: Record<PresetName, () => ResolvedStrategy> = {
  'canary-10-5m': () => ({
    name: 'canary-10-5m',
    steps: [
      { name: 'Canary', weight: 10, minBakeSeconds: 5 * MIN, maxBakeSeconds: 20 * MIN },
      { name: 'Complete', weight: 100, minBakeSeconds: 5 * MIN, maxBakeSeconds: 15 * MIN },
    ],
    finalBakeSeconds: 0,
  }),
  'linear-10-every-1m': () => ({
    name: 'linear-10-every-1m',
    steps: [
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((weight) => ({
        name: `Linear ${weight}%`,
        weight,
        minBakeSeconds: 1 * MIN,
        maxBakeSeconds: 10 * MIN,
      })),
      { name: 'Complete', weight: 100, minBakeSeconds: 5 * MIN, maxBakeSeconds: 15 * MIN },
    ],
    finalBakeSeconds: 0,
  }),
  exponential: () => ({
    name: 'exponential',
    steps: [
      ...[1, 2, 4, 8, 16, 32, 64].map((weight) => ({
        name: `Exponential ${weight}%`,
        weight,
        minBakeSeconds: 2 * MIN,
        maxBakeSeconds: 20 * MIN,
      })),
      { name: 'Complete', weight: 100, minBakeSeconds: 5 * MIN, maxBakeSeconds: 15 * MIN },
    ],
    finalBakeSeconds: 0,
  }),
  progressive: () => ({
    name: 'progressive',
    steps: [
      { name: 'Validation', weight: 0, minBakeSeconds: 0, maxBakeSeconds: 10 * MIN },
      // 1% is the step starved of evidence: at 200 rps it sees ~120 requests a minute, and telling a
      // healthy 0.5% error rate from a critical 1% takes a few thousand. It passes as soon as the
      // evidence is in (about 15 minutes there); the hour is for the long tail of healthy runs.
      { name: 'Canary', weight: 1, minBakeSeconds: 5 * MIN, maxBakeSeconds: 60 * MIN },
      { name: 'Early Adopter', weight: 5, minBakeSeconds: 5 * MIN, maxBakeSeconds: 30 * MIN },
      { name: 'Partial', weight: 25, minBakeSeconds: 5 * MIN, maxBakeSeconds: 20 * MIN },
      { name: 'Majority', weight: 75, minBakeSeconds: 5 * MIN, maxBakeSeconds: 20 * MIN },
      { name: 'Complete', weight: 100, minBakeSeconds: 5 * MIN, maxBakeSeconds: 15 * MIN },
    ],
    finalBakeSeconds: 0,
  }),
  'all-at-once': () => ({
    name: 'all-at-once',
    steps: [{ name: 'Complete', weight: 100, minBakeSeconds: 10 * MIN, maxBakeSeconds: 30 * MIN }],
    finalBakeSeconds: 0,
  }),
};

export function presetStrategy(name: PresetName): ResolvedStrategy {
  return { ...PRESETS[name](), stretchLastStepToSeconds: PRESET_STRETCH_SECONDS };
}

export const customStrategySchema = z.strictObject({
  steps: z.array(stepSchema).min(1, 'needs at least one step').max(50, 'at most 50 steps'),
  finalBakeSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(0),
});

const presetNameSchema = z.enum(PRESET_NAMES, {
  error: (issue) => `unknown preset ${quoted(String(issue.input))}: use one of ${PRESET_NAMES.join(', ')}, or { "steps": [...] }`,
});

/** What a strategy may be, for messages about a missing or mistyped one. */
export const STRATEGY_FORMS = `a preset name (${PRESET_NAMES.join(', ')}) or { "steps": [{ "weight": 10, "minBakeSeconds": 300, "maxBakeSeconds": 1800 }, …] }`;

const notAStrategy = z.unknown().superRefine((input, ctx) => {
  const got = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
  const problem = input === undefined ? 'is required' : `must be a preset name or a steps object, got ${got}`;
  ctx.addIssue({ code: 'custom', message: `${problem}: use ${STRATEGY_FORMS}` });
}) as unknown as z.ZodType<never>;

/** A preset name or a custom step list. Anything else is refused with both forms spelled out. */
export const strategySchema = oneOfByInput<PresetName | z.output<typeof customStrategySchema>>((input) =>
  typeof input === 'string' ? presetNameSchema : typeof input === 'object' && input !== null && !Array.isArray(input) ? customStrategySchema : notAStrategy,
);

export type StrategyInput = PresetName | z.input<typeof customStrategySchema>;

export function resolveStrategy(strategy: z.output<typeof strategySchema>): ResolvedStrategy {
  if (typeof strategy === 'string') return presetStrategy(strategy);
  return {
    name: 'custom',
    steps: strategy.steps.map((s, i) => ({ ...s, name: s.name ?? `Step ${i + 1} (${s.weight}%)` })),
    finalBakeSeconds: strategy.finalBakeSeconds,
  };
}
