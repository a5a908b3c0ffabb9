import { planNotes, preparePlan } from '../controller/prepared-plan';
import type { BaselineProfile } from '../controller/rollout-context';
import { percent } from '../domain/judge';
import { renderPlanText } from '../domain/judge/plan-summary';
import { planRollout } from '../domain/plan';
import { parseRolloutRequest } from '../domain/rollout-request';
import { targetKey } from '../domain/targets';
import { UsageError } from './errors';
import { EXIT, type CliIo } from './io';
import { readRequestFile } from './request-file';

export interface PlanOptions {
  readonly file: string;
  /** Total requests per second reaching each target. In AWS, preflight measures it. */
  readonly rps?: number;
  /** The stable version's error rate. @default 0.005 */
  readonly errorRate?: number;
  /** The stable version's share of requests slower than the latency threshold. @default 0.0035 */
  readonly slowRate?: number;
  readonly json?: boolean;
}

const LOOKBACK_MINUTES = 60;

/**
 * What a rollout request will establish at a given traffic: per step, the regressions it rules
 * out and catches, and how long a healthy release takes. Offline: the traffic is what you say.
 */
export async function plan(opts: PlanOptions, io: CliIo): Promise<number> {
  const request = parseRolloutRequest((await readRequestFile(opts.file)).request);
  if (opts.rps === undefined) throw new UsageError('fledge plan needs the traffic to plan for: give --rps N (requests per second to each target); in AWS, preflight measures it');
  const errorRate = opts.errorRate ?? 0.005;
  const slowRate = opts.slowRate ?? 0.0035;
  for (const [flag, value] of [['--error-rate', errorRate], ['--slow-rate', slowRate]] as const) {
    if (!(value >= 0 && value < 1)) throw new UsageError(`${flag} must be a rate between 0 and 1, got ${value}`);
  }
  const requests = opts.rps * 60 * LOOKBACK_MINUTES;
  const history = { minutes: LOOKBACK_MINUTES, requests, errors: requests * errorRate, slowRequests: requests * slowRate, throttles: 0 };
  const baselines: Record<string, BaselineProfile> = Object.fromEntries(request.targets.map((t) => [targetKey(t), { requestsPerMinute: opts.rps! * 60, history }]));
  const base = planRollout(request);
  const { prepared, shortfalls } = preparePlan(request, base, baselines);
  if (opts.json) {
    io.out(JSON.stringify({ strategy: prepared.strategyName, judgedPhases: prepared.judgedPhases, requirements: prepared.requirements, shortfalls }, null, 2));
    return EXIT.ok;
  }
  io.out(`plan for strategy ${prepared.strategyName} at ${opts.rps} rps (stable: ${percent(errorRate)} errors, ${percent(slowRate)} slow requests):`);
  for (const line of renderPlanText(prepared.requirements, prepared.judgedPhases)) io.out(line);
  for (const line of planNotes(base, prepared, shortfalls, request.policy.insufficientTraffic)) io.out(line);
  return EXIT.ok;
}

