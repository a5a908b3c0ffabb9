import type { CapturedState } from '../adapters/traffic/traffic-router';
import type { Ledger, RolloutRecord } from '../adapters/ledger';
import type { PhaseStart, RolloutStatus } from '../adapters/ledger/records';
import type { RolloutCursor } from '../domain/cursor';
import type { TargetPlan, TrafficHistory } from '../domain/judge';
import type { RecordedMinute } from './recorded-minutes';
import type { RolloutPlan } from '../domain/plan';
import { parseRolloutRequest, type RolloutRequest } from '../domain/rollout-request';
import type { Target } from '../domain/targets';
import { oneLine } from '../domain/text';
import { LIFECYCLE_EVENTS } from '../domain/lifecycle-hooks';

/** What preflight measured about the stable version, for judging against. */
export interface BaselineProfile {
  /** Requests slower than this count as slow; absent when the stable version had no traffic. */
  readonly slowThresholdMs?: number;
  readonly p99Ms?: number;
  readonly requestsPerMinute?: number;
  /** The stable version's counts over the lookback: the prior of the judge's stable rates. */
  readonly history?: TrafficHistory;
  /** The lookback's last minutes, for the report's charts. */
  readonly leadIn?: readonly RecordedMinute[];
}

/** The plan as stored: the pure plan plus what preflight measured, and what each phase must establish at that traffic. */
export interface PreparedPlan extends RolloutPlan {
  readonly baselines: Readonly<Record<string, BaselineProfile>>;
  /** Per target, in request order. */
  readonly requirements: readonly TargetPlan[];
}

export interface TargetContext {
  readonly target: Target;
  readonly captured: CapturedState;
}

export interface RolloutContext {
  readonly record: RolloutRecord;
  readonly request: RolloutRequest;
  readonly plan: PreparedPlan;
  /** In request order. */
  readonly targets: readonly TargetContext[];
}

export async function loadRollout(ledger: Ledger, rolloutId: string): Promise<RolloutContext> {
  const record = await ledger.requireRollout(rolloutId);
  const request = parseRolloutRequest(record.request);
  const captured = record.captured as unknown as CapturedState[];
  return {
    record,
    request,
    plan: record.plan as unknown as PreparedPlan,
    targets: request.targets.map((target, i) => ({ target, captured: captured[i] })),
  };
}

/** A fresh cursor for a phase: drops whatever the previous state left (approval results, errors). */
export function cursorFor(
  ctx: RolloutContext,
  fields: Pick<RolloutCursor, 'stepIndex' | 'phase' | 'phaseStartedAt' | 'decision'> & Partial<RolloutCursor>,
): RolloutCursor {
  const hooks = configuredHooks(ctx.request);
  return {
    rolloutId: ctx.record.rolloutId,
    waitSeconds: ctx.plan.evaluationIntervalSeconds,
    targets: ctx.targets,
    ...(hooks ? { hooks } : {}),
    ...fields,
  };
}

/** Which hooks the request names, as the cursor carries them; undefined when it names none. */
function configuredHooks(request: RolloutRequest): RolloutCursor['hooks'] {
  const names = LIFECYCLE_EVENTS.filter((event) => request.hooks?.[event] !== undefined);
  return names.length > 0 ? Object.fromEntries(names.map((event) => [event, true as const])) : undefined;
}

/** The weight fledge set for the step at `stepIndex`: 0 before the first shift. */
export function weightInEffect(ctx: RolloutContext, stepIndex: number): number {
  return stepIndex >= 0 ? (ctx.plan.steps[stepIndex]?.weight ?? 0) : 0;
}

/** A ledger note or cursor note: one line, at most 500 characters (state payloads stay small). */
export function ledgerNote(text: string): string {
  return oneLine(text, 500);
}

/**
 * Records when a phase's weight took effect, with the status the phase runs under: the judge reads
 * the list to keep evidence across phases and to restart its change detector at each.
 */
export async function recordPhaseStart(ledger: Ledger, ctx: RolloutContext, start: PhaseStart, status: RolloutStatus = 'IN_PROGRESS'): Promise<void> {
  const starts = ctx.record.phaseStarts ?? [];
  // A retried shift keeps the time the weight first took effect.
  const known = starts.some((s) => s.phase === start.phase && s.stepIndex === start.stepIndex);
  await ledger.updateRollout(ctx.record.rolloutId, { status, phaseStarts: known ? starts : [...starts, start] });
}
