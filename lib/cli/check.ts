import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchAlarmSource } from '../adapters/metrics/cloudwatch-alarm-source';
import { CloudWatchMetricProvider } from '../adapters/metrics/cloudwatch-metric-provider';
import { AppConfigFlagRouter } from '../adapters/traffic/appconfig-flag-router';
import { LambdaAliasRouter } from '../adapters/traffic/lambda-alias-router';
import { routerFor, type CapturedState, type TrafficRouters } from '../adapters/traffic/traffic-router';
import { measureBaselines } from '../controller/baseline-profile';
import { alarmRefusal, firingAlarms, hookRefusals, trafficRefusal } from '../controller/preflight-rules';
import { LambdaHookFunctions } from '../adapters/invoke/lambda-hook-functions';
import { hookFunctionName } from '../domain/lifecycle-hooks';
import { planNotes, preparePlan } from '../controller/prepared-plan';
import type { TargetContext } from '../controller/rollout-context';
import type { FiringAlarm } from '../domain/aggregates';
import { renderPlanText } from '../domain/judge/plan-summary';
import { DriftError, PreconditionError, TransientError, ValidationError } from '../domain/errors';
import { AccessDeniedError } from '../adapters/aws-errors';
import { planRollout } from '../domain/plan';
import { parseRolloutRequest } from '../domain/rollout-request';
import { targetKey } from '../domain/targets';
import { awsCliCall, explainAwsError } from './aws-cli-errors';
import { connectController, type Controller, type ControllerOptions } from './controller-access';
import { EXIT, type CliIo } from './io';
import { readRequestFile } from './request-file';

export interface CheckOptions extends ControllerOptions {
  readonly file: string;
  readonly json?: boolean;
}

/** What `check` found: whether a start would go ahead, and why not. */
export interface CheckResult {
  readonly accepted: boolean;
  /** Each reason a start would be refused, one line each. */
  readonly refusals: readonly string[];
  readonly targets: readonly { readonly targetKey: string; readonly captured?: CapturedState; readonly lockedBy?: string }[];
  readonly alarms: readonly { readonly name: string; readonly firing: boolean; readonly reason?: string }[];
  /** The plan sized to the traffic measured, as preflight would record it; absent when no target could be read. */
  readonly plan?: readonly string[];
  readonly notes: readonly string[];
}

/**
 * A read-only preflight against the real account: the same reads preflight makes (aliases and
 * versions, flag profiles, an hour of per-version metrics, the guarding alarms, the ledger's
 * locks), never a write. It reports every reason a start would be refused, not just the first, and
 * the traffic it measured. Exit 0 when a start would go ahead, 2 when it would be refused.
 */
export async function check(opts: CheckOptions, io: CliIo): Promise<number> {
  const request = parseRolloutRequest((await readRequestFile(opts.file)).request);
  const controller = await connectController(opts);
  const result = await inspect(controller, request);
  if (opts.json) io.out(JSON.stringify(result, null, 2));
  else for (const line of describeCheck(result)) io.out(line);
  return result.accepted ? EXIT.ok : EXIT.usage;
}

async function inspect(controller: Controller, request: ReturnType<typeof parseRolloutRequest>): Promise<CheckResult> {
  const routers = readOnlyRouters(controller);
  const refusals: string[] = [];
  const targets: { targetKey: string; captured?: CapturedState; lockedBy?: string }[] = [];
  const contexts: TargetContext[] = [];

  for (const target of request.targets) {
    const key = targetKey(target);
    const entry: { targetKey: string; captured?: CapturedState; lockedBy?: string } = { targetKey: key };
    targets.push(entry);
    try {
      const captured = await routerFor(routers, target).capture(target);
      entry.captured = captured;
      contexts.push({ target, captured });
    } catch (error) {
      refusals.push(refusalOf(error, `read ${key}`));
    }
    const [lock] = (await awsCliCall(`read the lock on ${key}`, 'dynamodb:GetItem', () => controller.ledger.locksOfOthers(undefined, [key]))).live;
    // An expired lock is free to take: preflight takes it over.
    if (lock) {
      entry.lockedBy = lock.rolloutId;
      refusals.push(`${key} is locked by rollout ${lock.rolloutId} until ${new Date(lock.expiresAt * 1000).toISOString()}: wait for it to end, or abort it (fledge abort ${lock.rolloutId} --reason …)`);
    }
  }

  let firing: FiringAlarm[] = [];
  try {
    firing = await firingAlarms(new CloudWatchAlarmSource({ client: new CloudWatchClient(controller.settings) }), request);
    const stop = alarmRefusal(firing, request);
    if (stop) refusals.push(stop);
  } catch (error) {
    refusals.push(refusalOf(error, 'read the guarding alarms'));
  }
  const hookFunctions = new LambdaHookFunctions({ client: new LambdaClient(controller.settings) });
  refusals.push(
    ...(await hookRefusals(hookFunctions, request, (error, field, functionName) => {
      // The pipeline policy reads the controller's hook functions only: one it may not read is not one of them.
      if (error instanceof AccessDeniedError) {
        return `${field}: the pipeline policy may not read ${functionName}, so it is not one of this controller's hook functions, and preflight would refuse it; redeploy with -c hooks=${hookFunctionName(functionName)}`;
      }
      return refusalOf(error, `read hook function ${functionName}`);
    })),
  );

  const alarms = request.policy.alarms.map((name) => {
    const fired = firing.find((a) => a.name === name);
    return { name, firing: fired !== undefined, ...(fired ? { reason: fired.reason } : {}) };
  });

  let plan: string[] | undefined;
  const notes: string[] = [];
  if (contexts.length === request.targets.length) {
    const base = planRollout(request);
    const metrics = new CloudWatchMetricProvider({ client: new CloudWatchClient(controller.settings) });
    const baselines = await awsCliCall('read the targets’ metrics', 'cloudwatch:GetMetricData', () => measureBaselines(metrics, request.policy, contexts, new Date()));
    const { prepared, shortfalls } = preparePlan(request, base, baselines);
    plan = renderPlanText(prepared.requirements, prepared.judgedPhases);
    notes.push(...planNotes(base, prepared, shortfalls, request.policy.insufficientTraffic));
    const stop = trafficRefusal(shortfalls, request);
    if (stop) refusals.push(stop);
  }
  return { accepted: refusals.length === 0, refusals, targets, alarms, ...(plan ? { plan } : {}), notes };
}

/**
 * The routers preflight uses, for their capture only. Capture never deploys, so the flag router's
 * deployment strategy is never read; a placeholder keeps the constructor satisfied.
 */
function readOnlyRouters(controller: Controller): TrafficRouters {
  return {
    'lambda-alias': new LambdaAliasRouter({ client: new LambdaClient(controller.settings) }),
    'appconfig-flag': new AppConfigFlagRouter({ client: new AppConfigClient(controller.settings), deploymentStrategyId: 'unused-by-capture' }),
  };
}

/**
 * What preflight would refuse on (the target's state or configuration, a missing alarm) is a
 * finding; the caller lacking a permission, or AWS failing to answer, is an error of the check.
 */
function refusalOf(error: unknown, doing: string): string {
  if (error instanceof PreconditionError || error instanceof ValidationError || error instanceof DriftError) return error.message;
  const cause = error instanceof AccessDeniedError || error instanceof TransientError ? error.cause : error;
  throw explainAwsError(cause, doing, 'the read actions of the pipeline policy');
}

export function describeCheck(result: CheckResult): string[] {
  const lines: string[] = [];
  for (const t of result.targets) {
    const state = t.captured ? `${t.captured.stableVersion} → ${t.captured.newVersion}, ${describeCaptured(t.captured)}` : 'could not be captured';
    lines.push(`${t.targetKey}: ${state}${t.lockedBy ? `; locked by ${t.lockedBy}` : ''}`);
  }
  if (result.alarms.length > 0) lines.push(`alarms: ${result.alarms.map((a) => `${a.name} ${a.firing ? 'in ALARM' : 'OK'}`).join(', ')}`);
  if (result.plan) lines.push('plan at the traffic measured over the last hour:', ...result.plan.map((l) => `  ${l}`));
  for (const note of result.notes) lines.push(note);
  lines.push('');
  if (result.accepted) lines.push('OK: a start would go ahead (nothing was changed)');
  else lines.push('REFUSED: a start would be refused (nothing was changed):', ...result.refusals.map((r) => `  - ${r}`));
  return lines;
}

function describeCaptured(c: CapturedState): string {
  const a = c.attributes;
  if (c.kind === 'lambda-alias') return `alias revision ${String(a.revisionId)}`;
  return `configuration version ${String(a.configurationVersion)}`;
}
