import type { AlarmSource } from '../adapters/metrics/metric-provider';
import type { FiringAlarm } from '../domain/aggregates';
import { PreconditionError } from '../domain/errors';
import { LIFECYCLE_EVENTS } from '../domain/lifecycle-hooks';
import type { RolloutRequest } from '../domain/rollout-request';
import type { HookFunctions } from './dependencies';

/**
 * The rules by which preflight refuses a start, apart from each router's own (captured state) and
 * the locks: shared by the Preflight handler, which throws on them, and `fledge check`, which
 * reports them all without moving anything.
 */

/** The guarding alarms the policy names that are in ALARM now. */
export async function firingAlarms(alarms: AlarmSource, request: RolloutRequest): Promise<FiringAlarm[]> {
  return request.policy.alarms.length === 0 ? [] : alarms.firing(request.policy.alarms);
}

/**
 * Starting a rollout while a guarding alarm already fires would blame the new version for an
 * existing problem, so it is refused unless the request says `force` (the ledger records it).
 */
export function alarmRefusal(firing: readonly FiringAlarm[], request: RolloutRequest): string | undefined {
  if (firing.length === 0 || request.force) return undefined;
  const list = firing.map((a) => `${a.name} (${a.reason})`).join('; ');
  return `alarm${firing.length > 1 ? 's' : ''} already in ALARM: ${list}; fix it first, or set "force": true to start anyway`;
}

/** With `insufficientTraffic: refuse`, a plan the traffic cannot support is refused before traffic moves. */
export function trafficRefusal(shortfalls: readonly string[], request: RolloutRequest): string | undefined {
  if (shortfalls.length === 0 || request.policy.insufficientTraffic !== 'refuse') return undefined;
  return `the traffic cannot support this strategy (policy insufficientTraffic=refuse): ${shortfalls.join('; ')}; raise the weights or the bakes (fledge plan shows what they establish), or set insufficientTraffic=warn to start anyway`;
}

/**
 * Every lifecycle hook the request names must be able to run; one that cannot would only fail
 * once the rollout is under way (after the smoke test, or at 100%). Each refusal names the field;
 * `onError` decides what another failure (no permission, throttling) becomes. Preflight throws it.
 */
export async function hookRefusals(hookFunctions: HookFunctions, request: RolloutRequest, onError: (error: unknown, field: string, functionName: string) => string = rethrow): Promise<string[]> {
  const refusals: string[] = [];
  for (const event of LIFECYCLE_EVENTS) {
    const hook = request.hooks?.[event];
    if (!hook) continue;
    const field = `hooks.${event}.functionName`;
    try {
      await hookFunctions.check(hook.functionName);
    } catch (error) {
      refusals.push(error instanceof PreconditionError ? `${field}: ${error.message}` : onError(error, field, hook.functionName));
    }
  }
  return refusals;
}

function rethrow(error: unknown): never {
  throw error;
}
