import type { Policy } from '../policy';
import { priorRate, segmentStartWeights, type CountPrior } from './evidence';
import { expectedExcessEvents, ruleOutChance, smallestCaught, smallestRuledOut, trialsToRuleOut, type SizingInput } from './sizing';

/**
 * What each judged phase of a rollout must establish, per target and count signal, sized to the
 * traffic measured before the rollout. The judge then holds every phase to its plan:
 * - `own`: the regression the phase's own requests must rule out, so a regression that appears
 *   only at this weight is stopped here;
 * - `pooled`: the regression everything since the rollout began must rule out by then.
 * Early phases of a quiet function can establish little, and are not asked to; the last phase
 * must rule out the critical regression, unless the traffic cannot support that (then the plan
 * says what it can rule out instead, and the policy decides whether to start).
 */

export const COUNT_SIGNALS = ['errors', 'latency', 'saturation'] as const;
export type CountSignal = (typeof COUNT_SIGNALS)[number];

/** A phase of the rollout that is judged: a step with weight above 0, or the final bake. */
export interface JudgedPhase {
  readonly name: string;
  readonly weight: number;
  readonly minBakeSeconds: number;
  readonly maxBakeSeconds: number;
}

/** The stable version before the rollout: per-minute traffic and its signals' events over the lookback. */
export interface TrafficHistory {
  readonly minutes: number;
  readonly requests: number;
  readonly errors: number;
  readonly slowRequests: number;
  readonly throttles: number;
}

export interface PhaseRequirement {
  /** Rate ratio the phase's own requests must rule out; absent when its traffic cannot establish anything. */
  readonly own?: number;
  /** Rate ratio all requests since the rollout began must rule out; absent when nothing is asked yet. */
  readonly pooled?: number;
  /** Smallest regression beginning in this phase that it catches within its max bake, 95% of the time. */
  readonly catches?: number;
  /** Minutes a healthy release typically spends in the phase. */
  readonly healthyMinutes: number;
  /** Expected excess bad requests before a regression of `catches` is rolled back. */
  readonly excessAtCatch?: number;
}

export interface SignalPlan {
  /** The stable rate the plan assumed (the prior's mean). */
  readonly stableRate: number;
  /** The critical regression as a rate ratio (the policy's thresholds at this stable rate). */
  readonly critical: number;
  /** What the last phase rules out: the critical ratio, or less when the traffic falls short. */
  readonly finalRuleOut?: number;
  /** The traffic cannot rule out the critical regression within the strategy. */
  readonly shortOfCritical: boolean;
  /** Canary requests a healthy release needs to rule out the critical regression reliably (FINAL_CONFIDENCE), for the warning. */
  readonly criticalTrials?: number;
  readonly phases: readonly PhaseRequirement[];
}

export interface TargetPlan {
  readonly targetKey: string;
  /** Total requests per minute before the rollout; absent when none were measured. */
  readonly requestsPerMinute?: number;
  readonly signals: Readonly<Partial<Record<CountSignal, SignalPlan>>>;
}

/**
 * A healthy release meets a phase's requirements at its minimum bake this often: a phase asks only
 * for what its traffic establishes by then, so fast schedules keep their pace.
 */
export const STEP_CONFIDENCE = 0.99;
/** A healthy release rules out the critical regression by the last phase's max bake this often. */
export const FINAL_CONFIDENCE = 0.998;
/** The critical slow-request rate: a p99 above the slow threshold means at least 1% of requests are slower. */
export const CRITICAL_SLOW_RATE = 0.01;

/**
 * The false-rollback budget per signal and target. Errors and latency carry the release's risk and
 * get most of it; throttles and the canary's traffic share are crude checks and get a little.
 */
export function signalAlphas(policy: Policy, targetCount: number): Readonly<Record<CountSignal | 'traffic', number>> {
  const shares = { errors: 0.45, latency: 0.45, saturation: 0.05, traffic: 0.05 } as const;
  const enabled = (Object.keys(shares) as (keyof typeof shares)[]).filter((s) => policy[s].enabled);
  const total = enabled.reduce((t, s) => t + shares[s], 0);
  const alpha = (s: keyof typeof shares) => (policy[s].enabled && total > 0 ? (policy.falseRollbackBudget * shares[s]) / total / Math.max(1, targetCount) : 0);
  return { errors: alpha('errors'), latency: alpha('latency'), saturation: alpha('saturation'), traffic: alpha('traffic') };
}

/** The critical regression of a signal, as a ratio to the stable rate. */
export function criticalRatio(policy: Policy, signal: CountSignal, stableRate: number): number {
  switch (signal) {
    case 'errors':
      return Math.max(1 + policy.errors.maxRelativeIncrease, 1 + policy.errors.minDetectableIncrease / stableRate);
    case 'latency':
      return Math.max(2, CRITICAL_SLOW_RATE / stableRate);
    case 'saturation':
      return 1 + policy.saturation.minDetectableThrottleIncrease / stableRate;
  }
}

/** The lookback's counts of one signal: the prior of its stable rate. */
export function signalPrior(history: TrafficHistory | undefined, signal: CountSignal): CountPrior | undefined {
  if (!history) return undefined;
  switch (signal) {
    case 'errors':
      return { events: history.errors, trials: history.requests };
    case 'latency':
      return { events: history.slowRequests, trials: history.requests };
    case 'saturation':
      return { events: history.throttles, trials: history.requests + history.throttles };
  }
}

/**
 * CloudWatch fills a minute over `metricDelaySeconds`; on average two thirds of that has passed
 * before a request shows. The plan counts on that much less evidence at any moment.
 */
export function typicalLagMinutes(policy: Policy): number {
  return ((2 / 3) * policy.metricDelaySeconds) / 60;
}

export function planTarget(targetKey: string, policy: Policy, phases: readonly JudgedPhase[], history: TrafficHistory | undefined, targetCount: number): TargetPlan {
  const requestsPerMinute = history && history.minutes > 0 && history.requests > 0 ? history.requests / history.minutes : undefined;
  const alphas = signalAlphas(policy, targetCount);
  const signals: Partial<Record<CountSignal, SignalPlan>> = {};
  for (const signal of COUNT_SIGNALS) {
    if (!policy[signal].enabled) continue;
    signals[signal] = planSignal({ policy, signal, phases, history, requestsPerMinute, alpha: alphas[signal] });
  }
  return { targetKey, requestsPerMinute, signals };
}

interface SignalPlanInput {
  readonly policy: Policy;
  readonly signal: CountSignal;
  readonly phases: readonly JudgedPhase[];
  readonly history: TrafficHistory | undefined;
  readonly requestsPerMinute: number | undefined;
  readonly alpha: number;
}

function planSignal(input: SignalPlanInput): SignalPlan {
  const { policy, phases, requestsPerMinute: rpm } = input;
  const prior = signalPrior(input.history, input.signal);
  const stableRate = priorRate(prior);
  const critical = criticalRatio(policy, input.signal, stableRate);
  const beta = policy.missedRegressionRate;
  const lag = typicalLagMinutes(policy);
  const last = phases.length - 1;
  if (rpm === undefined || last < 0) {
    // Nothing measured: nothing can be sized, so only the last phase is held to the critical regression.
    return { stableRate, critical, finalRuleOut: critical, shortOfCritical: false, phases: phases.map((_, i) => ({ pooled: i === last ? critical : undefined, healthyMinutes: phases[i].minBakeSeconds / 60 })) };
  }

  const startWeights = segmentStartWeights(phases.length);
  const starts = phaseStartMinutes(phases);
  const requirements: PhaseRequirement[] = [];
  let finalRuleOut: number | undefined;
  let shortOfCritical = false;
  let criticalTrials: number | undefined;
  phases.forEach((phase, i) => {
    const perMinute = (rpm * phase.weight) / 100;
    const minMinutes = phase.minBakeSeconds / 60;
    const maxMinutes = phase.maxBakeSeconds / 60;
    // What has arrived `minutes` into this phase, of this phase alone and of the whole rollout so far.
    const own = (minutes: number) => perMinute * Math.max(0, minutes - lag);
    const pooled = (minutes: number) => arrivedTrials(phases, starts, i, minutes, rpm, lag);
    const stableTrials = (prior?.trials ?? 0) + arrivedStableTrials(phases, i, minMinutes, rpm);
    const sized = (trials: number): SizingInput => ({ trials, stableRate, stableTrials });

    const ownRuleOut = smallestRuledOut(sized(own(minMinutes)), critical, beta, STEP_CONFIDENCE);
    let pooledRuleOut = smallestRuledOut(sized(pooled(minMinutes)), critical, beta, STEP_CONFIDENCE);
    if (i === last) {
      const atMax = sized(pooled(maxMinutes));
      criticalTrials = trialsToRuleOut({ stableRate, stableTrials }, critical, beta, FINAL_CONFIDENCE, 1e9);
      if (ruleOutChance(atMax, critical, beta) >= FINAL_CONFIDENCE) {
        pooledRuleOut = critical;
      } else {
        // The critical regression stays the requirement: the plan only says it is unlikely to be met.
        shortOfCritical = true;
        finalRuleOut = smallestRuledOut(atMax, critical, beta, FINAL_CONFIDENCE);
        pooledRuleOut = critical;
      }
      finalRuleOut ??= critical;
    }

    const catchInput = { ...sized(own(maxMinutes)), alpha: input.alpha, critical, startWeight: startWeights[i] };
    const catches = smallestCaught(catchInput, 1 - beta);
    const excessAtCatch = catches === undefined ? undefined : expectedExcessEvents(catchInput, catches, perMinute, lag, own(maxMinutes));
    requirements.push({
      own: ownRuleOut,
      pooled: pooledRuleOut,
      catches,
      excessAtCatch,
      healthyMinutes: healthyMinutes(phase, perMinute, lag, pooled(0), ownRuleOut, pooledRuleOut, { stableRate, stableTrials }, beta),
    });
  });
  return { stableRate, critical, finalRuleOut, shortOfCritical, criticalTrials, phases: requirements };
}

/** Minutes from the first judged phase's start to each phase's, if each runs to its minimum bake. */
function phaseStartMinutes(phases: readonly JudgedPhase[]): number[] {
  const starts: number[] = [];
  let t = 0;
  for (const p of phases) {
    starts.push(t);
    t += p.minBakeSeconds / 60;
  }
  return starts;
}

/**
 * New-version trials that have arrived `minutes` into phase `i`, over the whole rollout: earlier
 * phases ran for their minimum bakes, and nothing newer than the lag has arrived yet.
 */
function arrivedTrials(phases: readonly JudgedPhase[], starts: readonly number[], i: number, minutes: number, rpm: number, lag: number): number {
  const horizon = starts[i] + minutes - lag;
  let trials = 0;
  for (let j = 0; j <= i; j++) {
    const end = j === i ? starts[i] + minutes : starts[j] + phases[j].minBakeSeconds / 60;
    trials += ((rpm * phases[j].weight) / 100) * Math.max(0, Math.min(end, horizon) - starts[j]);
  }
  return trials;
}

/** Stable-version trials served up to `minutes` into phase `i` (all of them count for its rate). */
function arrivedStableTrials(phases: readonly JudgedPhase[], i: number, minutes: number, rpm: number): number {
  let trials = 0;
  for (let j = 0; j <= i; j++) {
    const length = j === i ? minutes : phases[j].minBakeSeconds / 60;
    trials += rpm * (1 - phases[j].weight / 100) * length;
  }
  return trials;
}

/** When a healthy release typically passes the phase: its minimum bake, or later if its requirements take longer. */
function healthyMinutes(
  phase: JudgedPhase,
  perMinute: number,
  lag: number,
  pooledBefore: number,
  own: number | undefined,
  pooled: number | undefined,
  stable: { stableRate: number; stableTrials: number },
  beta: number,
): number {
  const minMinutes = phase.minBakeSeconds / 60;
  const maxMinutes = phase.maxBakeSeconds / 60;
  if (!(perMinute > 0)) return maxMinutes;
  const cap = perMinute * Math.max(0, maxMinutes - lag);
  const ownTrials = own === undefined ? 0 : trialsToRuleOut(stable, own, beta, 0.5, cap);
  const pooledTrials = pooled === undefined ? 0 : trialsToRuleOut(stable, pooled, beta, 0.5, pooledBefore + cap);
  if (ownTrials === undefined || pooledTrials === undefined) return maxMinutes;
  const needed = Math.max(ownTrials, pooledTrials - pooledBefore, 0);
  return Math.min(maxMinutes, Math.max(minMinutes, needed > 0 ? lag + needed / perMinute : minMinutes));
}

/**
 * One line per signal whose critical regression the strategy cannot rule out at this traffic: what
 * it can rule out instead, and what the critical one would take.
 */
export function shortfallMessages(plans: readonly TargetPlan[], phases: readonly JudgedPhase[]): string[] {
  const last = phases[phases.length - 1];
  return plans.flatMap((plan) =>
    Object.entries(plan.signals)
      .filter(([, s]) => s.shortOfCritical)
      .map(([signal, s]) => {
        const rps = plan.requestsPerMinute === undefined ? 'no measured traffic' : `${formatRatio(plan.requestsPerMinute / 60)} rps`;
        const instead = s.finalRuleOut === undefined ? 'cannot rule out any regression' : `can rule out ${describeRegression(s.finalRuleOut, s.stableRate)}`;
        const perMinute = plan.requestsPerMinute !== undefined && last ? (plan.requestsPerMinute * last.weight) / 100 : 0;
        const takes =
          s.criticalTrials !== undefined && perMinute > 0
            ? `; ruling that out reliably takes about ${Math.round(s.criticalTrials).toLocaleString('en')} canary requests, ${Math.ceil(s.criticalTrials / perMinute)} min at ${last.weight}%`
            : '';
        return `${plan.targetKey} ${signal}: at ${rps} this strategy ${instead}, not the critical ${describeRegression(s.critical, s.stableRate)}${takes}`;
      }),
  );
}

/** Ratios to two significant digits: the plan's figures are estimates. */
export function formatRatio(x: number): string {
  return String(Number(x.toPrecision(2)));
}

/**
 * A regression as people read it: "×2 (1%)", a rate ratio and the rate it means. A ratio to a
 * rate of almost nothing (throttles, usually) says little, so such a regression is the rate alone.
 */
export function describeRegression(ratio: number, stableRate: number): string {
  const rate = percent(ratio * stableRate);
  return ratio > 100 ? rate : `×${formatRatio(ratio)} (${rate})`;
}

export function percent(rate: number): string {
  if (rate >= 1) return '100%';
  return `${Number((rate * 100).toPrecision(2))}%`;
}
