import { sumOf, type FiringAlarm } from '../aggregates';
import type { Policy } from '../policy';
import type { SignalResult, Verdict, VerdictValue } from '../verdict';
import { about, count } from './format';
import { signalAlphas } from './requirements';
import { MORE_CANARY_REQUESTS } from './signals/count-signal';
import { judgeAlarms } from './signals/alarms';
import { judgeCustomMetric, skippedCustomMetric } from './signals/custom';
import { judgeErrors } from './signals/errors';
import { judgeLatency } from './signals/latency';
import { judgeSaturation } from './signals/saturation';
import { judgeTraffic } from './signals/traffic';
import { judgeValidationWindow } from './signals/validation';
import { assertValidSeries, phaseMinutes, spanMinutes, wholeMinutes, WHOLE_RELEASE, type CustomMetricWindow, type SignalContext, type TargetWindow } from './window';

export type { CustomMetricWindow, TargetWindow } from './window';

export interface JudgeStep {
  readonly weight: number;
  readonly minBakeSeconds: number;
  readonly maxBakeSeconds: number;
  readonly minSamples?: number;
}

export interface JudgeInput {
  readonly policy: Policy;
  readonly step: JudgeStep;
  /** Seconds since the step's traffic shift. */
  readonly elapsedSeconds: number;
  readonly targets: readonly TargetWindow[];
  /** Alarms named by the policy that are in ALARM right now. @default - none */
  readonly firingAlarms?: readonly FiringAlarm[];
  /** The policy's custom metrics over the same window. @default - none */
  readonly custom?: readonly CustomMetricWindow[];
}

/**
 * One look at a step's data. Any failing signal fails the step; a pass needs every judged signal
 * to pass after the minimum bake; missing evidence is never a pass. Never throws: a bug or bad input
 * becomes an `error` verdict that carries the message.
 */
export function judge(input: JudgeInput): Verdict {
  try {
    return judgeOrThrow(input);
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : `unexpected ${String(err)}`;
    return { value: 'error', reason, signals: [], canaryRequests: 0, baselineRequests: 0 };
  }
}

function judgeOrThrow(input: JudgeInput): Verdict {
  assertValidInput(input);
  const { step, elapsedSeconds: elapsed, targets } = input;
  const ctx: SignalContext = {
    policy: input.policy,
    alphas: signalAlphas(input.policy, targets.length),
    beta: input.policy.missedRegressionRate,
  };
  const signals = [
    ...alarmSignals(input),
    ...targets.flatMap((w) => (isValidation(w) ? judgeValidationWindow(w) : judgeTarget(w, ctx))),
    ...(input.custom ?? []).map((c) => (isValidationFor(c, targets) ? skippedCustomMetric(c) : judgeCustomMetric(c))),
  ];
  const verdict = (value: VerdictValue, reason: string): Verdict => ({
    value,
    reason,
    signals,
    canaryRequests: targets.reduce((t, w) => t + sumOf(phaseMinutes(w.canary, w), 'requests'), 0),
    baselineRequests: targets.reduce((t, w) => t + sumOf(phaseMinutes(w.baseline, w), 'requests'), 0),
  });

  const failed = signals.filter((s) => s.status === 'fail');
  if (failed.length > 0) {
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more failing signal${failed.length > 2 ? 's' : ''})` : '';
    return verdict('fail', `${where(failed[0], 'failed')}: ${failed[0].reason}${more}`);
  }

  const atMaxBake = elapsed >= step.maxBakeSeconds;
  const judged = targets.filter((w) => !isValidation(w));
  const judgedCanary = judged.reduce((t, w) => t + sumOf(w.canary, 'requests'), 0);
  if (judged.length > 0 && judgedCanary === 0) {
    return atMaxBake ? verdict('inconclusive', noCanaryDataReason(input, judged, signals)) : verdict('continue', waitingForData(input));
  }

  const canaryByTarget = new Map(targets.map((w) => [w.targetKey, sumOf(w.canary, 'requests')]));
  const blockers = [...undecidedSignals(signals).map((s) => whyUndecided(s, canaryByTarget.get(s.targetKey) ?? 0)), ...shortOfSamples(step, judged)];
  if (elapsed < step.minBakeSeconds) {
    const progress = `baking ${elapsed}s of the ${step.minBakeSeconds}s minimum`;
    return verdict('continue', blockers.length === 0 ? `${progress}; every signal passes so far` : `${progress}; ${blockers.length} criteria still open`);
  }
  if (blockers.length === 0) return verdict('pass', passReason(input, signals, judgedCanary));
  if (atMaxBake) {
    return verdict('inconclusive', `max bake ${step.maxBakeSeconds}s reached without a decision: ${blockers.join('; ')}${neededSuffix(signals, judged)}`);
  }
  return verdict('continue', `waiting for evidence: ${blockers.join('; ')}`);
}

function judgeTarget(window: TargetWindow, ctx: SignalContext): SignalResult[] {
  return [judgeErrors(window, ctx), judgeLatency(window, ctx), judgeTraffic(window, ctx), judgeSaturation(window, ctx)];
}

function isValidation(window: TargetWindow): boolean {
  return window.expectedCanaryShare === 0;
}

/**
 * Alarms watch the whole function, not the canary's traffic, so they apply on every step, a 0%
 * validation step included. Like custom metrics they are opt-in: without named alarms the verdict
 * carries no alarms result, unless one fires anyway (a firing alarm is never dropped).
 */
function alarmSignals(input: JudgeInput): SignalResult[] {
  const firing = input.firingAlarms ?? [];
  return input.policy.alarms.length > 0 || firing.length > 0 ? [judgeAlarms(input.policy.alarms, firing)] : [];
}

/** A custom metric read for one target follows that target; one read as a whole follows the step. */
function isValidationFor(custom: CustomMetricWindow, targets: readonly TargetWindow[]): boolean {
  if (custom.targetKey === WHOLE_RELEASE) return targets.every(isValidation);
  return targets.some((w) => w.targetKey === custom.targetKey && isValidation(w));
}

/** "errors on lambda:orders:live", or just "alarms" for a signal about the whole release. */
function where(s: SignalResult, verb?: string): string {
  const subject = verb === undefined ? s.signal : `${s.signal} ${verb}`;
  return s.targetKey === WHOLE_RELEASE ? subject : `${subject} on ${s.targetKey}`;
}

function undecidedSignals(signals: readonly SignalResult[]): SignalResult[] {
  return signals.filter((s) => s.status === 'continue' || s.status === 'no-data');
}

/** Short enough to list several in one line; the full statistics stay in the signal results. */
function whyUndecided(s: SignalResult, canaryRequests: number): string {
  if (s.status === 'no-data') return `${where(s)} has no data (${s.reason})`;
  const more = s.statistics[MORE_CANARY_REQUESTS];
  const needs = more === undefined ? '' : `, needs about ${about(more)} more canary requests`;
  return `${where(s)} is undecided after ${count(canaryRequests)} canary requests${needs}`;
}

function shortOfSamples(step: JudgeStep, judged: readonly TargetWindow[]): string[] {
  const min = step.minSamples;
  if (min === undefined || min <= 0) return [];
  return judged
    .map((w) => ({ key: w.targetKey, seen: sumOf(w.canary, 'requests') }))
    .filter(({ seen }) => seen < min)
    .map(({ key, seen }) => `${key} has ${count(seen)} of the ${count(min)} canary requests the step requires (minSamples)`);
}

/** The most any undecided test still needs: the step cannot pass before the slowest one decides. */
function moreCanaryRequests(signals: readonly SignalResult[]): number | undefined {
  const needs = undecidedSignals(signals)
    .map((s) => s.statistics[MORE_CANARY_REQUESTS])
    .filter((n): n is number => n !== undefined);
  return needs.length === 0 ? undefined : Math.max(...needs);
}

/**
 * Nothing of the new version has arrived yet. Early in a step that is CloudWatch's delay, not a
 * lack of traffic, and the user should read it as such.
 */
function waitingForData(input: JudgeInput): string {
  const delay = input.policy.metricDelaySeconds;
  if (input.elapsedSeconds <= delay + input.policy.evaluationIntervalSeconds) {
    return `waiting for CloudWatch: metrics arrive about ${Math.round(delay / 60)} min late (${input.elapsedSeconds}s since the shift)`;
  }
  return `no canary requests yet after ${input.elapsedSeconds}s`;
}

function neededSuffix(signals: readonly SignalResult[], judged: readonly TargetWindow[]): string {
  const more = moreCanaryRequests(signals);
  if (more === undefined || !Number.isFinite(more)) return '';
  // Whole minutes of the current phase only: the newest are still filling and would understate the rate.
  const series = judged.map((w) => wholeMinutes(phaseMinutes(w.canary, w), w));
  const minutes = spanMinutes(...series);
  const perMinute = minutes > 0 ? series.reduce((t, s) => t + sumOf(s, 'requests'), 0) / minutes : 0;
  const time = perMinute > 0 ? `, about ${about(more / perMinute)} more minutes at the current ${about(perMinute)} canary requests/min` : '';
  return `; a decision needs about ${about(more)} more canary requests${time}`;
}

/**
 * The honest low-traffic report: how much was seen, and how much a decision would take, so the
 * user can raise the weight or the bake time instead of trusting a pass that had no evidence.
 */
function noCanaryDataReason(input: JudgeInput, judged: readonly TargetWindow[], signals: readonly SignalResult[]): string {
  const baseline = judged.reduce((t, w) => t + sumOf(w.baseline, 'requests'), 0);
  const seen = `no canary requests in ${input.elapsedSeconds}s at ${input.step.weight}% (baseline: ${count(baseline)} requests)`;
  if (baseline === 0) return `${seen}: no traffic reached either version, so nothing can be judged; check that the function receives traffic and its metrics are published`;
  const more = moreCanaryRequests(signals);
  const needs = more === undefined ? 'a decision needs canary requests' : `a decision needs about ${about(more)} canary requests`;
  return `${seen}: ${needs}, more than this traffic delivers within maxBakeSeconds=${input.step.maxBakeSeconds}; raise the step's weight or its max bake`;
}

function passReason(input: JudgeInput, signals: readonly SignalResult[], judgedCanary: number): string {
  const judged = signals.filter((s) => s.status === 'pass' || s.status === 'warn').length;
  const warnings = signals.filter((s) => s.status === 'warn').map((s) => `${where(s)}: ${s.reason}`);
  const base = `${judged} signal${judged === 1 ? '' : 's'} passed on ${input.targets.length} target${input.targets.length === 1 ? '' : 's'} after ${input.elapsedSeconds}s with ${count(judgedCanary)} canary requests`;
  return warnings.length === 0 ? base : `${base}; warnings: ${warnings.join('; ')}`;
}

function assertValidInput(input: JudgeInput): void {
  const { step, elapsedSeconds, targets } = input;
  if (targets.length === 0) throw new RangeError('no targets to judge');
  if (!(Number.isFinite(elapsedSeconds) && elapsedSeconds >= 0)) throw new RangeError(`elapsedSeconds must be ≥ 0; got ${elapsedSeconds}`);
  if (!(step.minBakeSeconds >= 0 && step.minBakeSeconds <= step.maxBakeSeconds)) {
    throw new RangeError(`step bake must satisfy 0 ≤ minBakeSeconds ≤ maxBakeSeconds; got ${step.minBakeSeconds} and ${step.maxBakeSeconds}`);
  }
  for (const w of targets) {
    if (!(w.expectedCanaryShare >= 0 && w.expectedCanaryShare <= 1)) throw new RangeError(`${w.targetKey}: expectedCanaryShare must be in [0, 1]; got ${w.expectedCanaryShare}`);
    if (w.slowThresholdMs !== undefined && !(w.slowThresholdMs > 0)) throw new RangeError(`${w.targetKey}: slowThresholdMs must be > 0; got ${w.slowThresholdMs}`);
    assertValidSeries(w.canary, `${w.targetKey} canary`);
    assertValidSeries(w.baseline, `${w.targetKey} baseline`);
  }
  const keys = new Set(targets.map((w) => w.targetKey));
  for (const c of input.custom ?? []) {
    if (c.targetKey !== WHOLE_RELEASE && !keys.has(c.targetKey)) throw new RangeError(`custom metric ${c.metric.name} was read for ${c.targetKey}, which is not a target of this step`);
  }
}
