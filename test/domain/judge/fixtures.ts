import type { CustomPoint, MinuteAggregate } from '../../../lib/domain/aggregates';
import { signalAlphas, type CustomMetricWindow, type JudgeInput, type SignalContext, type TargetPhasePlan, type TargetWindow } from '../../../lib/domain/judge';
import { customMetricSchema, policySchema, type CustomMetric, type PolicyInput } from '../../../lib/domain/policy';

const START = Date.parse('2025-01-01T00:00:00Z');

export function minuteAt(i: number): string {
  return new Date(START + i * 60_000).toISOString();
}

/** A minute with `requests` and nothing else unless given. */
export function newMinute(i: number, fields: Partial<Omit<MinuteAggregate, 'minute'>> = {}): MinuteAggregate {
  return { minute: minuteAt(i), requests: 0, errors: 0, throttles: 0, slowRequests: 0, ...fields };
}

/** `minutes` identical minutes, for deterministic signal tests. */
export function steadySeries(minutes: number, fields: Partial<Omit<MinuteAggregate, 'minute'>>, firstMinute = 0): MinuteAggregate[] {
  return Array.from({ length: minutes }, (_, i) => newMinute(firstMinute + i, fields));
}

/**
 * What a plan asks of a single-phase rollout of a busy function (0.5% errors, 0.3% slow requests,
 * no throttles): rule out the critical regression of each signal.
 */
export const TEST_PLAN: TargetPhasePlan = {
  judgedPhases: 1,
  phaseLabels: ['Canary (10%)'],
  signals: {
    errors: { stableRate: 0.005, critical: 2, pooled: 2 },
    latency: { stableRate: 0.003, critical: 3.3, pooled: 3.3 },
    saturation: { stableRate: 0.0001, critical: 101, pooled: 101 },
  },
};

/** A target at a 10% step that began at minute 0, held to TEST_PLAN. */
export function newTargetWindow(overrides: Partial<TargetWindow> = {}): TargetWindow {
  return { targetKey: 'lambda:orders:live', canary: [], baseline: [], expectedCanaryShare: 0.1, judgedStarts: [minuteAt(0)], slowThresholdMs: 300, plan: TEST_PLAN, ...overrides };
}

export function newJudgeInput(overrides: Partial<JudgeInput> = {}, policy: PolicyInput = {}): JudgeInput {
  return {
    policy: policySchema.parse(policy),
    step: { weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800 },
    elapsedSeconds: 600,
    targets: [newTargetWindow()],
    ...overrides,
  };
}

export function newSignalContext(policy: PolicyInput = {}): SignalContext {
  const parsed = policySchema.parse(policy);
  return { policy: parsed, alphas: signalAlphas(parsed, 1), beta: parsed.missedRegressionRate };
}

/** Ten busy minutes at 200 rps with a 10% canary, both versions at the healthy rates. */
export const BUSY_BASELINE = steadySeries(10, { requests: 10_800, errors: 54, slowRequests: 32, p50Ms: 80, p90Ms: 150, p99Ms: 250, concurrency: 270 });
export const BUSY_CANARY = steadySeries(10, { requests: 1200, errors: 6, slowRequests: 4, p50Ms: 80, p90Ms: 150, p99Ms: 255, concurrency: 30 });

/** A custom metric named `checkout_errors`, with a version dimension and the schema's defaults (minDatapoints 3). */
export function newCustomMetric(overrides: Partial<CustomMetric> = {}): CustomMetric {
  return customMetricSchema.parse({ name: 'checkout_errors', namespace: 'Shop', metricName: 'CheckoutErrors', versionDimension: 'Version', max: 10, ...overrides });
}

/** One point a minute, from minute 0. */
export function customPoints(...values: number[]): CustomPoint[] {
  return values.map((value, i) => ({ minute: minuteAt(i), value }));
}

export function newCustomWindow(overrides: Partial<CustomMetricWindow> = {}): CustomMetricWindow {
  return { metric: newCustomMetric(), targetKey: 'lambda:orders:live', canary: customPoints(1, 2, 3), baseline: customPoints(2, 2, 2), ...overrides };
}
