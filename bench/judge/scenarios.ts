import { lognormalQuantile, lognormalSurvival, parseTrafficModel, type TrafficModel, type TrafficModelInput } from '../../lib/local/fleet';

/**
 * The benchmark's grid of traffic. Every cell shares one healthy service: 0.5% errors, lognormal
 * latency (median 80 ms, sigma 0.5, so p99 ≈ 256 ms), CloudWatch arrival 1–3 minutes after each
 * ten-second slice. A scenario changes only the new version.
 */
export const RPS_LEVELS = [2, 10, 50, 200, 1000] as const;

export const BASE_ERROR_RATE = 0.005;
export const MEDIAN_MS = 80;
export const SIGMA = 0.5;

/** Sigma that puts p99 60% higher with the same median: the slow tail grows, typical requests do not. */
export const TAIL_SIGMA = Math.log(1.6 * lognormalQuantile(0.99, MEDIAN_MS, SIGMA) / MEDIAN_MS) / 2.3263478740408408;

/** "Slow" for the ground truth: 20% above the stable version's true p99, the policy's critical degradation. */
export const SLOW_THRESHOLD_MS = 1.2 * lognormalQuantile(0.99, MEDIAN_MS, SIGMA);

export interface Scenario {
  readonly name: string;
  readonly label: string;
  /** What changes in the new version (absent: healthy). */
  readonly canary?: TrafficModelInput['canary'];
  /** The regression only shows at or above this weight. */
  readonly aboveWeight?: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'healthy', label: 'healthy' },
  { name: 'errors-x1.5', label: 'errors ×1.5', canary: { errorRate: BASE_ERROR_RATE * 1.5 } },
  { name: 'errors-x2', label: 'errors ×2', canary: { errorRate: BASE_ERROR_RATE * 2 } },
  { name: 'errors-x5', label: 'errors ×5', canary: { errorRate: BASE_ERROR_RATE * 5 } },
  { name: 'errors-x20', label: 'errors ×20', canary: { errorRate: BASE_ERROR_RATE * 20 } },
  { name: 'latency-tail', label: 'p99 +60% (tail)', canary: { latency: { sigma: TAIL_SIGMA } } },
  { name: 'errors-x5-at-25', label: 'errors ×5 from 25%', canary: { errorRate: BASE_ERROR_RATE * 5 }, aboveWeight: 25 },
];

export function scenarioNamed(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown benchmark scenario ${name}: use one of ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}

export function trafficModel(scenario: Scenario, rps: number): TrafficModel {
  return parseTrafficModel({
    name: `${scenario.name}@${rps}rps`,
    rps,
    stable: { errorRate: BASE_ERROR_RATE, latency: { medianMs: MEDIAN_MS, sigma: SIGMA }, throttleRate: 0 },
    canary: scenario.canary ?? {},
    regression: { afterMinutes: 0, aboveWeight: scenario.aboveWeight ?? 0 },
    publishDelayMinutes: { min: 1, max: 3 },
    concurrencyLimit: 10_000,
  });
}

/** The true per-request rates of the bad events, for the stable version and the regressed new one. */
export function trueRates(scenario: Scenario): { readonly stable: { errors: number; slow: number }; readonly regressed: { errors: number; slow: number } } {
  const slow = (sigma: number, median: number) => lognormalSurvival(SLOW_THRESHOLD_MS, median, sigma);
  const canaryLatency = scenario.canary?.latency ?? {};
  return {
    stable: { errors: BASE_ERROR_RATE, slow: slow(SIGMA, MEDIAN_MS) },
    regressed: { errors: scenario.canary?.errorRate ?? BASE_ERROR_RATE, slow: slow(canaryLatency.sigma ?? SIGMA, canaryLatency.medianMs ?? MEDIAN_MS) },
  };
}
