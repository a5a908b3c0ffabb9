import { z } from 'zod';
import { dimensionNameSchema, dimensionsSchema } from './metric-dimensions';
import { printableString } from './validation';

/**
 * The judging policy. Every field has a default, so `{}` (or the name `default`) gives the
 * thresholds of the `default` policy:
 * - errors: a rise of more than 50% over the baseline's rate is critical;
 * - latency: a p99 more than 20% above the baseline's is critical, more than 50% aborts;
 * - traffic: a drop of more than 10% in total traffic is a warning;
 * - saturation: more than 80% of the concurrency limit is a warning.
 */
const NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/**
 * A metric of the user's own, judged beside the golden signals. These are guards, not sequential
 * tests: a bound is breached when the window's mean is past it over at least `minDatapoints` minutes.
 */
export const customMetricSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'must be a short identifier (letters, digits, _ and -)'),
    namespace: printableString().min(1).max(255),
    metricName: printableString().min(1).max(255),
    /** Fixed dimensions of the metric; fledge adds `versionDimension` to them. */
    dimensions: dimensionsSchema(1).default({}),
    /** A CloudWatch statistic: Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99. */
    stat: z.string().regex(/^(Sum|Average|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?)$/, 'must be Sum, Average, Minimum, Maximum, SampleCount or pNN').default('Average'),
    /**
     * The dimension that tells versions apart (e.g. `ExecutedVersion`, or a flag's `Variant`):
     * the canary is compared with the baseline. Without it, only the absolute bounds apply.
     */
    versionDimension: dimensionNameSchema.optional(),
    /** Fails when the canary's mean exceeds the baseline's by more than this fraction (needs versionDimension). */
    maxIncrease: z.number().gt(0).optional(),
    /** Fails when the canary's mean is above this. */
    max: z.number().optional(),
    /** Fails when the canary's mean is below this. */
    min: z.number().optional(),
    minDatapoints: z.number().int().min(1).max(60).default(3),
  })
  .refine((m) => m.maxIncrease === undefined || m.versionDimension !== undefined, {
    message: 'maxIncrease compares versions, so it needs versionDimension',
    path: ['maxIncrease'],
  })
  .refine((m) => m.maxIncrease !== undefined || m.max !== undefined || m.min !== undefined, {
    message: 'needs at least one of maxIncrease, max or min',
    path: ['name'],
  });

export type CustomMetric = z.output<typeof customMetricSchema>;

export const policySchema = z.strictObject({
  /** What an `inconclusive` verdict (max bake reached without enough evidence) leads to. */
  onInconclusive: z.enum(['rollback', 'pause', 'promote']).default('rollback'),
  /**
   * When the traffic measured before the rollout cannot rule out the critical regression within
   * the strategy: `warn` records what it can rule out and runs to that, `refuse` refuses to start.
   */
  insufficientTraffic: z.enum(['warn', 'refuse']).default('warn'),
  /** Probability of rolling back a healthy rollout, split over signals and targets (never over looks or steps). */
  falseRollbackBudget: z.number().gt(0).max(0.2).default(0.01),
  /** Probability of passing a step whose canary really is regressed by the critical amount. */
  missedRegressionRate: z.number().gt(0).max(0.5).default(0.05),
  /** Seconds between evaluations while a step bakes. CloudWatch's Lambda metrics are per minute. */
  evaluationIntervalSeconds: z.number().int().min(60).max(3600).default(60),
  /**
   * How long CloudWatch takes to have a minute of Lambda metrics whole. The judge reads newer
   * minutes as they fill (their counts only grow); traffic levels use whole minutes only, and the
   * plan expects evidence to arrive this late.
   */
  metricDelaySeconds: z.number().int().min(0).max(900).default(180),
  errors: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Critical relative rise of the canary's error rate over the baseline's (0.5 = +50%). */
      maxRelativeIncrease: z.number().gt(0).max(100).default(0.5),
      /** Smallest absolute rise (in rate, 0.005 = 0.5 points) worth failing for; keeps near-zero baselines testable. */
      minDetectableIncrease: z.number().gt(0).max(1).default(0.005),
    })
    .prefault({}),
  latency: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Critical p99 degradation (0.2 = +20%): requests slower than baseline p99 × 1.2 count as slow. */
      maxDegradation: z.number().gt(0).max(10).default(0.2),
      /** Absolute guard: a canary p99 this much worse than the baseline's fails at once (0.5 = +50%). */
      abortDegradation: z.number().gt(0).max(10).default(0.5),
      /** Fixed slow-request threshold in ms; by default it is derived from the baseline's p99 at preflight. */
      thresholdMs: z.number().positive().optional(),
    })
    .prefault({}),
  traffic: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** The canary fails when it gets less than this fraction of its expected share of requests. */
      minShareOfExpected: z.number().gt(0).lt(1).default(0.5),
      /** A drop in total traffic larger than this (0.1 = 10%) against the pre-rollout rate is a warning. */
      maxTotalDrop: z.number().gt(0).lt(1).default(0.1),
    })
    .prefault({}),
  /**
   * CloudWatch alarms that guard the rollout. Preflight refuses to start while one is in ALARM
   * (unless the request sets `force`); one going into ALARM during a step fails it.
   */
  alarms: z.array(printableString().min(1).max(255)).max(100).default([]),
  customMetrics: z.array(customMetricSchema).max(20).default([]),
  saturation: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Smallest absolute rise in the throttle rate worth failing for (0.01 = 1 point). */
      minDetectableThrottleIncrease: z.number().gt(0).max(1).default(0.01),
      /** Concurrency above this fraction of the limit is a warning. */
      maxUtilisation: z.number().gt(0).max(1).default(0.8),
      /** Concurrency limit (reserved or account) used for the utilisation warning. */
      concurrencyLimit: z.number().int().positive().default(1000),
    })
    .prefault({}),
});

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** The `default` policy: every threshold at its documented default. */
export const DEFAULT_POLICY: Policy = policySchema.parse({});
