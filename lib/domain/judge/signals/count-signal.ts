import type { MinuteAggregate } from '../../aggregates';
import { about, count, figure, pct } from '../format';
import {
  countTotals,
  failureRatios,
  logFailureEvidence,
  priorRate,
  ruleOutAlternatives,
  segmentStartWeights,
  type CountMinute,
  type CountPrior,
  strongestStart,
  type CountTotals,
} from '../evidence';
import { criticalRatio, formatRatio, type CountSignal } from '../requirements';
import { minuteTime, segmentLocator, type SignalContext, type TargetWindow } from '../window';

/** Key under which an undecided signal reports how many more canary requests it needs. */
export const MORE_CANARY_REQUESTS = 'moreCanaryRequests';

export interface CountSignalSpec {
  readonly signal: CountSignal;
  /** The signal's events and trials in one minute, e.g. errors of requests. */
  readonly counts: (m: MinuteAggregate) => { readonly events: number; readonly trials: number };
  readonly prior?: CountPrior;
  /** Key stems for statistics: `Errors` gives `canaryErrors`, `baselineErrors`. */
  readonly eventName: string;
  readonly trialName?: string;
}

export interface CountSignalResult {
  readonly status: 'pass' | 'continue' | 'fail' | 'no-data';
  readonly statistics: Record<string, number>;
  readonly thresholds: Record<string, number>;
  /** Half a sentence a signal puts after its own name. */
  readonly summary: string;
}

/**
 * One count signal of one target at one look. It fails when the change detector's e-value reaches
 * 1/α; it passes once the phase's requirements are met (each ruled out at 1/β at some look of the
 * phase: a sequential test that has decided stays decided); otherwise it waits.
 */
export function judgeCountSignal(window: TargetWindow, ctx: SignalContext, spec: CountSignalSpec): CountSignalResult {
  const trialName = spec.trialName ?? 'Requests';
  const plan = window.plan?.signals[spec.signal];
  const judged = window.judgedStarts.length;
  const phases = Math.max(judged, window.plan?.judgedPhases ?? judged);
  const locate = segmentLocator(window.judgedStarts);
  const minutes = mergeMinutes(window, spec.counts);
  const totals = countTotals(minutes, judged, locate);
  const current = judged - 1;
  const stable = stableSummary(totals, spec.prior);
  // Without a plan (nothing measured before the rollout) the critical ratio follows the stable rate seen so far.
  const stableRate = plan?.stableRate ?? priorRate({ events: stable.events, trials: stable.trials });
  const critical = plan?.critical ?? criticalRatio(ctx.policy, spec.signal, stableRate);
  const alpha = ctx.alphas[spec.signal];

  const canaryEvents = totals.canaryEventsFrom[0] ?? 0;
  const canaryTrials = totals.canaryTrialsFrom[0] ?? 0;
  const statistics: Record<string, number> = {
    [`canary${spec.eventName}`]: canaryEvents,
    [`canary${trialName}`]: canaryTrials,
    [`baseline${spec.eventName}`]: totals.baselineEvents,
    [`baseline${trialName}`]: totals.baselineTrials,
    [`step${spec.eventName}`]: totals.canaryEventsFrom[current] ?? 0,
    [`step${trialName}`]: totals.canaryTrialsFrom[current] ?? 0,
    historyEvents: spec.prior?.events ?? 0,
    historyTrials: spec.prior?.trials ?? 0,
  };
  const failAt = Math.log(1 / alpha);
  const ruleOutAt = Math.log(1 / ctx.beta);
  const thresholds: Record<string, number> = { critical, logFailThreshold: failAt, logRuleOutThreshold: ruleOutAt };
  if (plan?.own !== undefined) thresholds.ownRuleOut = plan.own;
  if (plan?.pooled !== undefined) thresholds.pooledRuleOut = plan.pooled;

  statistics.stableRate = stable.rate;
  if (canaryTrials === 0 || judged === 0) {
    const asked = plan?.pooled ?? plan?.own;
    if (asked !== undefined) statistics[MORE_CANARY_REQUESTS] = moreTrials(0, ruleOutAt, asked, stableRate);
    return { status: 'no-data', statistics, thresholds, summary: `no canary ${trialName.toLowerCase()} yet (stable ${pct(stable.rate)} of ${count(stable.trials)})` };
  }

  const canaryRate = canaryEvents / canaryTrials;
  const ratioEstimate = stable.rate > 0 ? canaryRate / stable.rate : 0;
  const ratios = failureRatios(critical, stableRate);
  const startWeights = segmentStartWeights(phases);
  const logFail = logFailureEvidence(totals, spec.prior, ratios, startWeights, judged);
  Object.assign(statistics, { canaryRate, ratioEstimate, logFailEvidence: logFail });
  const seen = `canary ${pct(canaryRate)} (${count(canaryEvents)} of ${count(canaryTrials)}) vs stable ${pct(stable.rate)} of ${count(stable.trials)}`;
  if (logFail >= failAt) {
    // Name where the regression most likely began when that is not the start: a load-dependent one shows only at its step.
    const from = strongestStart(totals, spec.prior, ratios, startWeights, judged);
    const c = totals.canaryEventsFrom[from] ?? 0;
    const n = totals.canaryTrialsFrom[from] ?? 0;
    const since = from > 0 && n > 0 ? `; since ${window.plan?.phaseLabels?.[from] ?? `judged step ${from + 1}`}: canary ${pct(c / n)} (${count(c)} of ${count(n)})` : '';
    return {
      status: 'fail',
      statistics: { ...statistics, regressionFromPhase: from },
      thresholds,
      summary: `${seen}${since}: evidence of a regression of ×${formatRatio(critical)} or worse (e-value ${eValue(logFail)} ≥ ${eValue(failAt)})`,
    };
  }

  // Ruling out on the step's own requests first, then on everything since the rollout began.
  const asked: Requirement[] = [];
  if (plan?.own !== undefined) asked.push({ ratio: plan.own, from: current, where: 'at this step', statistic: 'logOwnRuleOut' });
  if (plan?.pooled !== undefined) asked.push({ ratio: plan.pooled, from: 0, where: 'since the rollout began', statistic: 'logPooledRuleOut' });
  const checked = asked.map((r) => ({ ...r, ...ruledOutDuring(minutes, locate, spec.prior, r.ratio, r.from, current, ruleOutAt) }));
  for (const r of checked) statistics[r.statistic] = r.logEvidence;
  const watching = `change detector ${eValue(logFail)} of ${eValue(failAt)}`;
  const open = checked.filter((r) => !r.ruledOut);
  if (open.length === 0) {
    const what = checked.length > 0 ? `rules out ${checked.map((r) => `×${formatRatio(r.ratio)} ${r.where}`).join(' and ')}` : 'no sign of a regression so far (this step is asked to rule out nothing)';
    return { status: 'pass', statistics, thresholds, summary: `${seen}: ${what}; ${watching}` };
  }
  const more = Math.max(...open.map((r) => moreTrials(r.logEvidence, ruleOutAt, r.ratio, stableRate)));
  statistics[MORE_CANARY_REQUESTS] = more;
  const first = open[0];
  return {
    status: 'continue',
    statistics,
    thresholds,
    summary: `${seen}: not yet ruling out ×${formatRatio(first.ratio)} ${first.where} (e-value ${eValue(first.logEvidence)} of ${eValue(ruleOutAt)}), needs about ${about(more)} more canary ${trialName.toLowerCase()}; ${watching}`,
  };
}

/** A regression a step must rule out, and from which judged phase on the requests count. */
interface Requirement {
  readonly ratio: number;
  readonly from: number;
  readonly where: string;
  readonly statistic: 'logOwnRuleOut' | 'logPooledRuleOut';
}

/** The stable rate as the judge sees it: the history and every stable request of the rollout. */
function stableSummary(totals: CountTotals, prior: CountPrior | undefined): { rate: number; events: number; trials: number } {
  const trials = totals.baselineTrials + (prior?.trials ?? 0);
  const events = totals.baselineEvents + (prior?.events ?? 0);
  return { rate: trials > 0 ? events / trials : 0, events, trials };
}

/**
 * Replays the rule-out e-value minute by minute over the current phase: once it has reached 1/β
 * the regression stays ruled out for the phase, as a sequential test's decision does.
 *
 * Ruling out is a one-sample test: "the new version's rate is `ratio` × the stable rate" against
 * "it is the stable rate (or half as bad)". The stable rate of each minute is what the history and
 * the stable version's earlier minutes showed, fixed before the minute is read, so each minute's
 * factor has mean at most 1 under the regression and Ville's inequality bounds the chance of ever
 * ruling out a real one by β. An absolute critical rise (+0.5 points of errors, +1 point of
 * throttles) is the same ratio at the stable rate, so it works when the stable version shows none.
 */
function ruledOutDuring(
  minutes: readonly CountMinute[],
  locate: (minute: string) => number,
  prior: CountPrior | undefined,
  ratio: number,
  from: number,
  current: number,
  threshold: number,
): { ruledOut: boolean; logEvidence: number } {
  const alternatives = ruleOutAlternatives(ratio);
  const logLikelihoods = alternatives.map(() => 0);
  let stableEvents = prior?.events ?? 0;
  let stableTrials = prior?.trials ?? 0;
  let seen = false;
  let ruledOut = false;
  const mixture = () => logMixture(alternatives.map((alt, i) => Math.log(alt.weight) + logLikelihoods[i]));
  for (const m of minutes) {
    const segment = locate(m.minute);
    if (segment >= from && m.canaryTrials > 0 && stableTrials > 0) {
      const rate = (stableEvents + 0.5) / (stableTrials + 1);
      alternatives.forEach((alt, i) => {
        // Poisson log-likelihood ratio of rate·alt.ratio against rate·ratio for this minute's counts.
        logLikelihoods[i] += m.canaryEvents * Math.log(alt.ratio / ratio) - m.canaryTrials * rate * (alt.ratio - ratio);
      });
      seen = true;
      // Looks inside this phase count; so does the latest one, which may still hold only earlier phases' requests.
      if (segment === current && mixture() >= threshold) ruledOut = true;
    }
    stableEvents += m.baselineEvents;
    stableTrials += m.baselineTrials;
  }
  const latest = seen ? mixture() : 0;
  return { ruledOut: ruledOut || latest >= threshold, logEvidence: latest };
}

function logMixture(terms: readonly number[]): number {
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((t, x) => t + Math.exp(x - max), 0));
}

/** Canary trials a healthy version still needs to reach the rule-out threshold: the deficit over the drift per trial. */
function moreTrials(logEvidence: number, threshold: number, ratio: number, stableRate: number): number {
  const drift = stableRate * (ratio - 1 - Math.log(ratio));
  return drift > 0 ? Math.ceil(Math.max(0, threshold - logEvidence) / drift) : Infinity;
}

/** Both versions' counts per minute, in time order. */
function mergeMinutes(window: TargetWindow, counts: CountSignalSpec['counts']): CountMinute[] {
  const byMinute = new Map<number, { minute: string; canaryEvents: number; canaryTrials: number; baselineEvents: number; baselineTrials: number }>();
  const entry = (minute: string) => {
    const t = minuteTime(minute);
    let e = byMinute.get(t);
    if (!e) byMinute.set(t, (e = { minute, canaryEvents: 0, canaryTrials: 0, baselineEvents: 0, baselineTrials: 0 }));
    return e;
  };
  for (const m of window.canary) {
    const c = counts(m);
    const e = entry(m.minute);
    e.canaryEvents += c.events;
    e.canaryTrials += c.trials;
  }
  for (const m of window.baseline) {
    const c = counts(m);
    const e = entry(m.minute);
    e.baselineEvents += c.events;
    e.baselineTrials += c.trials;
  }
  return [...byMinute.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}

/** e-values span many orders of magnitude: three significant digits, or powers of ten. */
function eValue(logValue: number): string {
  const v = Math.exp(logValue);
  if (!Number.isFinite(v)) return logValue > 0 ? '∞' : '0';
  if (v >= 1e4 || (v > 0 && v < 0.01)) return v.toExponential(1);
  return figure(v);
}

