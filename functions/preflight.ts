import { lambdaEntry } from '../lib/runtime/lambda-entry';
import { routerFor } from '../lib/adapters/traffic/traffic-router';
import { measureBaselines } from '../lib/controller/baseline-profile';
import { planNotes, preparePlan } from '../lib/controller/prepared-plan';
import { alarmRefusal, firingAlarms, hookRefusals, trafficRefusal } from '../lib/controller/preflight-rules';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { RolloutExistsError, type RolloutRecord } from '../lib/adapters/ledger';
import { plainJson } from '../lib/controller/json';
import { cursorFor, ledgerNote, type TargetContext } from '../lib/controller/rollout-context';
import type { RolloutCursor } from '../lib/domain/cursor';
import { PreconditionError } from '../lib/domain/errors';
import { planRollout } from '../lib/domain/plan';
import { newRolloutId, rolloutIdOfExecution } from '../lib/domain/rollout-id';
import { parseRolloutRequest, type RolloutRequest } from '../lib/domain/rollout-request';
import { targetKey } from '../lib/domain/targets';

export interface PreflightEvent {
  readonly request: unknown;
  readonly executionId?: string;
  /** When the execution started (ISO 8601). */
  readonly executionStartedAt?: string;
}

/**
 * Validates the request, locks the targets, captures their stable state and writes the rollout
 * record. No traffic moves here: any failure leaves every target as it was, and releases the locks.
 */
export function makePreflightHandler(deps: ControllerDeps) {
  return async (event: PreflightEvent): Promise<RolloutCursor> => {
    const request = parseRolloutRequest(event.request);
    const rolloutId = request.rolloutId ?? idOfExecution(event) ?? newRolloutId(deps.clock.now());
    const plan = planRollout(request);
    const keys = request.targets.map(targetKey);
    // Before touching locks: they are re-entrant for their holder, so a duplicate id must not reach them.
    // The one exception is this very execution run again after its first attempt died having
    // written the record: it carries on from what it wrote. Nothing has moved yet at preflight.
    const existing = await deps.ledger.getRollout(rolloutId);
    const resumed = existing && isOwnRetry(existing, event) ? existing : undefined;
    if (existing && !resumed) throw new RolloutExistsError(rolloutId);

    try {
      const firing = await firingAlarms(deps.alarms, request);
      const alarmStop = alarmRefusal(firing, request);
      if (alarmStop) throw new PreconditionError(alarmStop);
      const [hookStop] = await hookRefusals(deps.hookFunctions, request);
      if (hookStop) throw new PreconditionError(hookStop);
      const { expired: stale } = await deps.ledger.locksOfOthers(rolloutId, keys);
      await deps.ledger.acquireLocks(rolloutId, keys, plan.maxDurationSeconds);
      const targets: TargetContext[] = [];
      for (const target of request.targets) {
        targets.push({ target, captured: await routerFor(deps.routers, target).capture(target) });
      }
      const now = deps.clock.now();
      const { prepared, shortfalls } = preparePlan(request, plan, await measureBaselines(deps.metrics, request.policy, targets, now));
      const trafficStop = trafficRefusal(shortfalls, request);
      if (trafficStop) throw new PreconditionError(trafficStop);
      const record = resumed ?? await deps.ledger.createRollout({
        rolloutId,
        status: 'IN_PROGRESS',
        request: plainJson(request),
        plan: plainJson(prepared),
        captured: targets.map((t) => plainJson(t.captured)),
        targetKeys: keys,
        mode: request.mode,
        executionId: event.executionId,
      });
      if (!resumed || !(await hasPreflightEvent(deps, rolloutId))) await deps.ledger.appendEvent(rolloutId, 'preflight', {
        strategy: plan.strategyName,
        steps: prepared.steps.map((s) => ({ name: s.name, weight: s.weight, minBakeSeconds: s.minBakeSeconds, maxBakeSeconds: s.maxBakeSeconds })),
        captured: plainJson(targets.map((t) => t.captured)),
        baselines: plainJson(prepared.baselines),
        judgedPhases: plainJson(prepared.judgedPhases),
        requirements: plainJson(prepared.requirements),
        notes: planNotes(plan, prepared, shortfalls, request.policy.insufficientTraffic),
        evaluationIntervalSeconds: plan.evaluationIntervalSeconds,
        mode: request.mode,
        ...(firing.length > 0 ? { forcedPastAlarms: plainJson(firing) } : {}),
      });
      for (const lock of stale) {
        await deps.ledger.appendEvent(rolloutId, 'lock-taken-over', { targetKey: lock.targetKey, from: lock.rolloutId, expiredAt: new Date(lock.expiresAt * 1000).toISOString() });
      }
      return cursorFor(
        { record, request, plan: prepared, targets },
        { stepIndex: -1, phase: 'step', phaseStartedAt: now.toISOString(), decision: 'advance' },
      );
    } catch (error) {
      // Lost a race with a rollout of the same id: its locks and record are its own, leave them.
      if (error instanceof RolloutExistsError) throw error;
      // Releases only locks this rollout holds: a lock held by another rollout is left alone.
      await deps.ledger.releaseLocks(rolloutId, keys);
      await recordRejection(deps, rolloutId, request, error);
      throw error;
    }
  };
}

function idOfExecution(event: PreflightEvent): string | undefined {
  const startedAt = event.executionStartedAt ? new Date(event.executionStartedAt) : undefined;
  return event.executionId && startedAt && !Number.isNaN(startedAt.getTime()) ? rolloutIdOfExecution(event.executionId, startedAt) : undefined;
}

/** The record was written by an earlier attempt of this execution, which died before it answered. */
function isOwnRetry(record: RolloutRecord, event: PreflightEvent): boolean {
  return event.executionId !== undefined && record.executionId === event.executionId && record.status === 'IN_PROGRESS';
}

async function hasPreflightEvent(deps: ControllerDeps, rolloutId: string): Promise<boolean> {
  return (await deps.ledger.listEvents(rolloutId)).some((e) => e.type === 'preflight');
}

/**
 * Best effort: a refused rollout still leaves a trace in the target's history, unless the id itself
 * clashed. A record this attempt (or an earlier one of the same execution) already wrote is closed.
 */
async function recordRejection(deps: ControllerDeps, rolloutId: string, request: RolloutRequest, error: unknown): Promise<void> {
  const reason = ledgerNote(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const outcome = { decision: 'rejected' as const, reason, at: deps.clock.now().toISOString() };
  try {
    if (await deps.ledger.getRollout(rolloutId)) {
      await deps.ledger.updateRollout(rolloutId, { status: 'REJECTED', outcome }, { expectedStatus: 'IN_PROGRESS' });
      return;
    }
    await deps.ledger.createRollout({
      rolloutId,
      status: 'REJECTED',
      request: plainJson(request),
      plan: {},
      captured: [],
      targetKeys: request.targets.map(targetKey),
      mode: request.mode,
      outcome,
    });
  } catch {
    // The original error is what the caller needs to see.
  }
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('preflight', makePreflightHandler);
