import type { CustomPoint, MinuteAggregate } from '../../../lib/domain/aggregates';
import { judge, type CustomMetricWindow, type JudgeInput, type SignalContext, type TargetWindow } from '../../../lib/domain/judge';
import { customMetricSchema, DEFAULT_POLICY, policySchema, type CustomMetric, type PolicyInput } from '../../../lib/domain/policy';
import type { Verdict, VerdictValue } from '../../../lib/domain/verdict';
import { binomial, gaussian } from '../../helpers/prng';

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

export function newTargetWindow(overrides: Partial<TargetWindow> = {}): TargetWindow {
  return { targetKey: 'lambda:orders:live', canary: [], baseline: [], expectedCanaryShare: 0.1, slowThresholdMs: 300, ...overrides };
}

export const TEST_ALPHA = 0.01 / 24;

export function newJudgeInput(overrides: Partial<JudgeInput> = {}, policy: PolicyInput = {}): JudgeInput {
  return {
    policy: policySchema.parse(policy),
    step: { weight: 10, minBakeSeconds: 300, maxBakeSeconds: 1800 },
    elapsedSeconds: 600,
    alphaPerTest: TEST_ALPHA,
    targets: [newTargetWindow()],
    ...overrides,
  };
}

/** One version's behaviour in a simulated minute. */
export interface CohortModel {
  readonly errorRate: number;
  readonly slowRate: number;
  readonly throttleRate: number;
  readonly p99Ms: number;
}

export const HEALTHY: CohortModel = { errorRate: 0.005, slowRate: 0.003, throttleRate: 0, p99Ms: 255 };

export interface StepSimulation {
  readonly totalRps: number;
  /** 0..1; 1 compares the canary with a pre-rollout history of the baseline. */
  readonly canaryShare: number;
  readonly baseline: CohortModel;
  readonly canary: CohortModel;
  readonly alphaPerTest: number;
  readonly minBakeMinutes: number;
  readonly maxBakeMinutes: number;
  /** Keep looking after a pass (stricter than the controller, which moves on). */
  readonly lookPastPass?: boolean;
}

export interface StepOutcome {
  /** The first decisive verdict, or the last one seen. */
  readonly value: VerdictValue;
  readonly minute: number;
  readonly verdict: Verdict;
}

function simulateMinute(rand: () => number, i: number, requests: number, model: CohortModel): MinuteAggregate {
  // Per-minute p99 wobbles more when fewer requests feed it.
  const noise = 1 + (requests > 0 ? 0.5 / Math.sqrt(requests) : 0) * gaussian(rand);
  return newMinute(i, {
    requests,
    errors: binomial(rand, requests, model.errorRate),
    slowRequests: binomial(rand, requests, model.slowRate),
    throttles: binomial(rand, requests, model.throttleRate),
    ...(requests > 0 ? { p50Ms: (model.p99Ms / 3) * noise, p90Ms: (model.p99Ms / 1.6) * noise, p99Ms: model.p99Ms * noise } : {}),
  });
}

function totalRequests(rand: () => number, rps: number): number {
  const mean = rps * 60;
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));
}

/**
 * One step judged every minute, as the controller does, with per-request random routing (the way
 * a weighted Lambda alias splits traffic) and binomial counts.
 */
export function simulateStep(rand: () => number, sim: StepSimulation): StepOutcome {
  const canary: MinuteAggregate[] = [];
  const baseline: MinuteAggregate[] = [];
  const historical = sim.canaryShare >= 1;
  const history = historical
    ? Array.from({ length: sim.maxBakeMinutes }, (_, i) => simulateMinute(rand, i - sim.maxBakeMinutes, totalRequests(rand, sim.totalRps), sim.baseline))
    : [];
  const perMinuteRate = sim.totalRps * 60;
  let last: StepOutcome | undefined;
  let passed: StepOutcome | undefined;
  for (let minute = 1; minute <= sim.maxBakeMinutes; minute++) {
    const total = totalRequests(rand, sim.totalRps);
    const toCanary = binomial(rand, total, sim.canaryShare);
    canary.push(simulateMinute(rand, minute - 1, toCanary, sim.canary));
    if (!historical) baseline.push(simulateMinute(rand, minute - 1, total - toCanary, sim.baseline));
    const input: JudgeInput = {
      policy: DEFAULT_POLICY,
      step: { weight: sim.canaryShare * 100, minBakeSeconds: sim.minBakeMinutes * 60, maxBakeSeconds: sim.maxBakeMinutes * 60 },
      elapsedSeconds: minute * 60,
      alphaPerTest: sim.alphaPerTest,
      targets: [
        {
          targetKey: 'lambda:sim:live',
          canary,
          baseline: historical ? history.slice(-minute) : baseline,
          expectedCanaryShare: sim.canaryShare,
          slowThresholdMs: sim.baseline.p99Ms * 1.2,
          preRolloutRequestsPerMinute: perMinuteRate,
        },
      ],
    };
    const verdict = judge(input);
    last = { value: verdict.value, minute, verdict };
    if (verdict.value === 'fail' || verdict.value === 'error') return last;
    if (verdict.value === 'continue') continue;
    if (!sim.lookPastPass) return last;
    if (verdict.value === 'pass') passed ??= last;
  }
  if (last === undefined) throw new Error('simulation needs maxBakeMinutes ≥ 1');
  return passed ?? last;
}

export function newSignalContext(policy: PolicyInput = {}, truncated = false): SignalContext {
  const parsed = policySchema.parse(policy);
  return { policy: parsed, alpha: TEST_ALPHA, beta: parsed.missedRegressionRate, truncated };
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
