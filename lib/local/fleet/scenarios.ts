import { readFileSync } from 'node:fs';
import { ValidationError } from '../../domain/errors';
import { parseTrafficModel, type TrafficModel, type TrafficModelInput } from './traffic-model';

/**
 * The built-in scenarios of `fledge demo`. All share the healthy service below, taken from a
 * typical Lambda API: 200 rps, 0.5% errors, lognormal latency with an 80 ms median and
 * sigma 0.5 (p99 ≈ 255 ms), no throttles. Regressions are realistic but clear, so the demo
 * shows the judge catching them within a few steps.
 */
const HEALTHY_SERVICE = {
  rps: 200,
  diurnal: null,
  stable: { errorRate: 0.005, latency: { medianMs: 80, sigma: 0.5 }, throttleRate: 0 },
  publishDelayMinutes: { min: 1, max: 3 },
  concurrencyLimit: 1000,
} satisfies Partial<TrafficModelInput>;

const DEFINITIONS = {
  healthy: {
    name: 'healthy',
    description: 'The new version behaves exactly like the stable one. The rollout should be promoted.',
    ...HEALTHY_SERVICE,
  },
  'error-regression': {
    name: 'error-regression',
    description: 'The new version fails 3% of requests instead of 0.5%, from the first shifted minute. It should be rolled back at the first step.',
    ...HEALTHY_SERVICE,
    canary: { errorRate: 0.03 },
  },
  'latency-regression': {
    name: 'latency-regression',
    description: 'The new version is 1.6× slower (median 128 ms instead of 80 ms, p99 ≈ 410 ms instead of 255 ms). It should be rolled back.',
    ...HEALTHY_SERVICE,
    canary: { latency: { medianMs: 128 } },
  },
  'late-regression': {
    name: 'late-regression',
    description:
      'A load-dependent bug: the new version is healthy at small weights, and fails 3% of requests 1.4× slower once it carries 25% of the traffic or more. Early steps pass; the 25% step should fail.',
    ...HEALTHY_SERVICE,
    canary: { errorRate: 0.03, latency: { medianMs: 112 } },
    regression: { afterMinutes: 0, aboveWeight: 25 },
  },
  'low-traffic': {
    name: 'low-traffic',
    description:
      'A healthy release on a quiet function (0.2 rps, 12 requests a minute). At small weights the canary gets too few requests to judge: the judge should say so (inconclusive) rather than pass.',
    ...HEALTHY_SERVICE,
    rps: 0.2,
  },
  'smoke-failure': {
    name: 'smoke-failure',
    description:
      "The new version fails its own test events: the order endpoint's answer is an error. The pre-traffic smoke test should roll it back before any user reaches it.",
    ...HEALTHY_SERVICE,
    smoke: { failEvents: [1], errorType: 'TypeError', errorMessage: 'Cannot read properties of undefined (reading "sku")' },
  },
} satisfies Record<string, TrafficModelInput>;

export type ScenarioName = keyof typeof DEFINITIONS;

export const SCENARIO_NAMES = Object.keys(DEFINITIONS) as readonly ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.prototype.hasOwnProperty.call(DEFINITIONS, name);
}

/** A built-in scenario's traffic model. Throws on an unknown name, listing the valid ones. */
export function scenarioByName(name: string): TrafficModel {
  if (!isScenarioName(name)) {
    throw new ValidationError(`unknown scenario "${name}": valid scenarios are ${SCENARIO_NAMES.join(', ')}, or a path to a traffic model JSON file`);
  }
  return parseTrafficModel(DEFINITIONS[name], `built-in scenario "${name}"`);
}

/** Reads and validates a user-written traffic model. Errors name the file and the bad field. */
export function loadScenarioFile(path: string): TrafficModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`cannot read scenario file ${path}: ${messageOf(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`scenario file ${path} is not valid JSON: ${messageOf(err)}`);
  }
  return parseTrafficModel(json, `scenario file ${path}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What `--scenario` accepts: a built-in name, or a path to a JSON file. Anything that looks
 * like a path (has a slash or ends in .json) is read as a file; anything else must be a name.
 */
export function resolveScenario(nameOrPath: string): TrafficModel {
  if (isScenarioName(nameOrPath)) return scenarioByName(nameOrPath);
  if (/[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.json')) return loadScenarioFile(nameOrPath);
  return scenarioByName(nameOrPath);
}
