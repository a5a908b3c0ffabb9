import { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { TARGET_KEY, TARGET_KEY_FORM } from '../../domain/targets';
import { describeIssues, listIssues, printableString } from '../../domain/validation';

/**
 * The traffic model: what the simulated fleet's traffic looks like. Users write it as JSON
 * (`fledge demo --scenario ./my-model.json`); the built-in scenarios are instances of it.
 *
 * Every field except `name` has a default, so the smallest valid model is `{ "name": "x" }`:
 * a healthy service at 200 rps. The `canary` block only lists what differs from `stable`.
 */

const probability = z.number().min(0).max(1);
const medianMs = z.number().positive().max(900_000);
const sigma = z.number().min(0).max(3);
const percent = z.number().min(0).max(100);
/** Mean total requests per second reaching a target; the fleet draws each ten-second slice from it. */
const requestRate = z.number().min(0).max(100_000);

/** Lognormal latency: most Lambda durations are close to it (long right tail, no negatives). */
export const latencySchema = z.strictObject({
  /** Median request duration in milliseconds (e^mu of the lognormal). */
  medianMs: medianMs.default(80),
  /** Spread: sigma of the underlying normal. 0.5 puts p99 at about 3.2× the median. */
  sigma: sigma.default(0.5),
});

/** How one version behaves. */
export const versionBehaviourSchema = z.strictObject({
  /** Probability that an invocation fails (Lambda `Errors` / `Invocations`). */
  errorRate: probability.default(0.005),
  /** Distribution of request durations. */
  latency: latencySchema.prefault({}),
  /** Probability that a request is throttled before it runs, on top of throttles caused by `concurrencyLimit`. */
  throttleRate: probability.default(0),
});

/** What changes in the new version once its regression is active. Absent fields keep the stable value. */
export const canaryBehaviourSchema = z.strictObject({
  /** Error probability of the new version while the regression is active. */
  errorRate: probability.optional(),
  /** Latency of the new version while the regression is active; each field falls back to stable's. */
  latency: z.strictObject({ medianMs: medianMs.optional(), sigma: sigma.optional() }).optional(),
  /** Throttle probability of the new version while the regression is active. */
  throttleRate: probability.optional(),
});

/** Traffic that follows the day: rps × (1 + amplitude · cos(2π · (minute − peakAtMinute) / periodMinutes)). */
export const diurnalSchema = z.strictObject({
  /** Swing around `rps` as a fraction of it: 0.3 means traffic moves between 70% and 130% of `rps`. */
  amplitude: z.number().min(0).max(1),
  /** Length of one cycle in minutes; 1440 is a day. */
  periodMinutes: z.number().positive().default(1440),
  /** Minute of the cycle at which traffic peaks, counted from 00:00 UTC (Unix epoch). 840 = 14:00 UTC. */
  peakAtMinute: z.number().min(0).default(840),
});

/**
 * When the new version starts to misbehave. Both conditions must hold; the defaults make the
 * regression active from the first shifted minute. Before onset the new version behaves like stable.
 */
export const regressionSchema = z.strictObject({
  /** Virtual minutes after the rollout started (first weight above 0) before the regression appears. */
  afterMinutes: z.number().min(0).default(0),
  /** The regression only shows while the new version's weight is at or above this percent: a load-dependent bug. */
  aboveWeight: percent.default(0),
});

/**
 * CloudWatch has a minute's Lambda metrics a few minutes after it ends, and fills the datapoint as
 * the records arrive: each ten-second slice of traffic shows up on its own, this long after it ends.
 */
export const publishDelaySchema = z
  .strictObject({
    /** Shortest delay, in minutes after the end of the slice. */
    min: z.number().min(0).max(60).default(1),
    /** Longest delay; each (target, slice) draws uniformly between min and max. */
    max: z.number().min(0).max(60).default(3),
  })
  .refine((d) => d.min <= d.max, { message: 'min must not be greater than max', path: ['max'] });

/** How the new version answers the smoke test's events, sent to it directly before any traffic. */
export const smokeBehaviourSchema = z.strictObject({
  /** The events that fail with a function error: "all", or their positions in the order sent (from 0). */
  failEvents: z.union([z.literal('all'), z.array(z.number().int().min(0).max(49)).max(50)]).default([]),
  /** How long each answer takes, in milliseconds: set it above an event's `maxDurationMs` for a slow version. */
  durationMs: z.number().min(0).max(900_000).default(40),
  /** The error a failing event reports: its type and its message. */
  errorType: printableString().min(1).max(100).default('Error'),
  errorMessage: printableString().min(1).max(200).default('simulated failure of the new version'),
});

/** Fields a per-target override may change; anything absent keeps the model's value. */
export const targetOverrideSchema = z.strictObject({
  /** Mean total requests per second reaching this target. */
  rps: requestRate.optional(),
  /** Daily cycle for this target, or null for constant traffic. */
  diurnal: diurnalSchema.nullable().optional(),
  /** Stable version's behaviour for this target; fields fall back to the model's `stable`. */
  stable: canaryBehaviourSchema.optional(),
  /** New version's regressed behaviour for this target; fields fall back to the model's `canary`. */
  canary: canaryBehaviourSchema.optional(),
  /** Regression onset for this target. */
  regression: z.strictObject({ afterMinutes: z.number().min(0).optional(), aboveWeight: percent.optional() }).optional(),
  /** Concurrency limit for this target. */
  concurrencyLimit: z.number().int().positive().optional(),
});

export const trafficModelSchema = z.strictObject({
  /** Short name, shown in the demo timeline and the report. */
  name: printableString().min(1).max(100),
  /** One or two sentences on what the model shows. */
  description: printableString().max(1000).default(''),
  /** Mean total requests per second reaching each target, split between the versions by weight. */
  rps: requestRate.default(200),
  /** Daily cycle of the traffic, or null for constant traffic. */
  diurnal: diurnalSchema.nullable().default(null),
  /** Behaviour of the stable version, and of the new version before its regression starts. */
  stable: versionBehaviourSchema.prefault({}),
  /** Behaviour of the new version once the regression is active. Empty means a healthy release. */
  canary: canaryBehaviourSchema.default({}),
  /** When the new version's regression becomes active. */
  regression: regressionSchema.prefault({}),
  /** Delay before each ten-second slice of traffic shows in the metrics, in minutes after it ends. */
  publishDelayMinutes: publishDelaySchema.prefault({}),
  /** Reserved (or account) concurrency: demand above it is throttled, and the concurrency figure saturates at it. */
  concurrencyLimit: z.number().int().positive().default(1000),
  /** How the new version answers smoke-test events. The default passes them all. */
  smoke: smokeBehaviourSchema.prefault({}),
  /** Per-target changes, keyed by target key (`lambda:<function>:<alias>` or `appconfig:<app>/<env>/<profile>#<flag>`). */
  targets: z.record(z.string().regex(TARGET_KEY, `must be a target key: ${TARGET_KEY_FORM}`), targetOverrideSchema).default({}),
});

export type TrafficModel = z.output<typeof trafficModelSchema>;
export type TrafficModelInput = z.input<typeof trafficModelSchema>;
export type VersionBehaviour = z.output<typeof versionBehaviourSchema>;
export type CanaryBehaviour = z.output<typeof canaryBehaviourSchema>;
export type Diurnal = z.output<typeof diurnalSchema>;
export type TargetOverride = z.output<typeof targetOverrideSchema>;
export type SmokeBehaviour = z.output<typeof smokeBehaviourSchema>;

/** What the fleet needs for one target once the model's defaults and that target's override are applied. */
export interface ResolvedTargetModel {
  readonly rps: number;
  readonly diurnal: Diurnal | null;
  readonly stable: VersionBehaviour;
  /** The new version's behaviour while the regression is active (stable's values where the model is silent). */
  readonly regressed: VersionBehaviour;
  readonly regression: { readonly afterMinutes: number; readonly aboveWeight: number };
  readonly publishDelayMinutes: { readonly min: number; readonly max: number };
  readonly concurrencyLimit: number;
}

/**
 * Parses a model, throwing a ValidationError whose message names each bad field
 * (`stable.errorRate: Too big: expected number to be <=1`). `source` says where it came from.
 */
export function parseTrafficModel(input: unknown, source = 'traffic model'): TrafficModel {
  const result = trafficModelSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues);
  throw new ValidationError(`${source} is invalid: ${listIssues(issues)}`, issues);
}

/** Applies the model's defaults and the target's override (if any). */
export function resolveTargetModel(model: TrafficModel, targetKey: string): ResolvedTargetModel {
  const override = model.targets[targetKey] ?? {};
  const stable = mergeBehaviour(model.stable, override.stable);
  return {
    rps: override.rps ?? model.rps,
    diurnal: override.diurnal === undefined ? model.diurnal : override.diurnal,
    stable,
    // The override's canary wins over the model's canary; whatever neither sets falls back to stable.
    regressed: mergeBehaviour(mergeBehaviour(stable, model.canary), override.canary),
    regression: {
      afterMinutes: override.regression?.afterMinutes ?? model.regression.afterMinutes,
      aboveWeight: override.regression?.aboveWeight ?? model.regression.aboveWeight,
    },
    publishDelayMinutes: model.publishDelayMinutes,
    concurrencyLimit: override.concurrencyLimit ?? model.concurrencyLimit,
  };
}

function mergeBehaviour(base: VersionBehaviour, patch: CanaryBehaviour | undefined): VersionBehaviour {
  if (!patch) return base;
  return {
    errorRate: patch.errorRate ?? base.errorRate,
    throttleRate: patch.throttleRate ?? base.throttleRate,
    latency: {
      medianMs: patch.latency?.medianMs ?? base.latency.medianMs,
      sigma: patch.latency?.sigma ?? base.latency.sigma,
    },
  };
}

/** Mean total requests per second at the start of `minuteIndex` (minutes since the Unix epoch). */
export function rpsAt(model: Pick<ResolvedTargetModel, 'rps' | 'diurnal'>, minuteIndex: number): number {
  const { rps, diurnal } = model;
  if (!diurnal || diurnal.amplitude === 0) return rps;
  const phase = (2 * Math.PI * (minuteIndex - diurnal.peakAtMinute)) / diurnal.periodMinutes;
  return Math.max(0, rps * (1 + diurnal.amplitude * Math.cos(phase)));
}
