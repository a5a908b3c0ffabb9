import { count, about, num, pct } from '../format';
import { bernoulliLlr, evaluateSprt, expectedSampleSize, type BernoulliSprt } from '../sprt';
import { normalQuantile } from '../../normal';
import type { CountIncrement } from '../window';

/**
 * The one test behind every count signal (errors, slow requests, throttles): a one-sample binomial
 * SPRT on the canary's counts summed over the window, against a healthy rate p0 taken from the
 * baseline cohort of the same window.
 */

/** Key under which an undecided count test reports how many more canary requests it needs. */
export const MORE_CANARY_REQUESTS = 'moreCanaryRequests';

/**
 * z of the baseline's one-sided upper confidence bound (97.5%). The baseline rate is itself an
 * estimate; testing the canary against its upper bound keeps baseline noise from turning into
 * false rollbacks, at the price of a slightly less sensitive test while the baseline is small.
 */
const BASELINE_UPPER_Z = 1.96;

/** p0 is clamped below 1 so that p1 always has room above it. */
const MAX_P0 = 1 - 1e-9;

export interface CountTestInput {
  readonly canaryEvents: number;
  readonly canaryTrials: number;
  readonly baselineEvents: number;
  readonly baselineTrials: number;
  /** The regressed rate p1 for a given healthy rate p0 (must exceed p0). */
  readonly alternative: (p0: number) => number;
  /** Smallest p0 used, for events so rare that the baseline rarely shows any. */
  readonly p0Floor?: number;
  readonly alpha: number;
  readonly beta: number;
  /** The step's max bake is reached: an undecided test may end as a truncated pass (see below). */
  readonly truncated?: boolean;
  /**
   * The canary's counts minute by minute, in time order (they sum to canaryEvents/canaryTrials).
   * With them the test is replayed look by look, so a test that has accepted H0 stays accepted.
   */
  readonly canaryPath?: readonly CountIncrement[];
  /** Key stems for statistics, e.g. `Errors` gives `canaryErrors`, `baselineErrors`. */
  readonly eventName: string;
  readonly trialName?: string;
}

export interface CountTestResult {
  readonly status: 'pass' | 'continue' | 'fail' | 'no-data';
  readonly statistics: Record<string, number>;
  readonly thresholds: Record<string, number>;
  /** Half a sentence a signal puts after its own name, e.g. "canary 1.5% (18 of 1,200) vs baseline 0.5%: …". */
  readonly summary: string;
}

/**
 * Upper confidence bound of a rate: Wilson's score bound on Jeffreys-style counts (+½ event, +1
 * trial). The half count keeps a baseline with zero events from giving p0 = 0, which would make a
 * single canary event infinitely surprising.
 */
export function rateUpperBound(events: number, trials: number, z = BASELINE_UPPER_Z): number {
  const n = trials + 1;
  const p = (events + 0.5) / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min((centre + margin) / (1 + z2 / n), MAX_P0);
}

export function binomialCountTest(input: CountTestInput): CountTestResult {
  const trialName = input.trialName ?? 'Requests';
  const { canaryEvents, canaryTrials, baselineEvents, baselineTrials } = input;
  if (canaryEvents > canaryTrials) throw new RangeError(`canary ${input.eventName.toLowerCase()} (${canaryEvents}) exceed its ${trialName.toLowerCase()} (${canaryTrials})`);
  if (baselineEvents > baselineTrials) throw new RangeError(`baseline ${input.eventName.toLowerCase()} (${baselineEvents}) exceed its ${trialName.toLowerCase()} (${baselineTrials})`);

  const statistics: Record<string, number> = {
    [`canary${input.eventName}`]: canaryEvents,
    [`canary${trialName}`]: canaryTrials,
    [`baseline${input.eventName}`]: baselineEvents,
    [`baseline${trialName}`]: baselineTrials,
  };
  if (baselineTrials === 0) {
    return { status: 'no-data', statistics, thresholds: {}, summary: 'no baseline requests to compare with' };
  }

  const baselineRate = baselineEvents / baselineTrials;
  statistics.baselineRate = baselineRate;
  const p0 = Math.max(rateUpperBound(baselineEvents, baselineTrials), input.p0Floor ?? 0);
  // Halfway to 1 at most: p1 must stay a rate, and strictly above p0.
  const p1 = Math.min(input.alternative(p0), (1 + p0) / 2);
  const test: BernoulliSprt = { p0, p1, alpha: input.alpha, beta: input.beta };
  const sprt = evaluateSprt(test, canaryEvents, canaryTrials);
  const thresholds: Record<string, number> = { p0, p1, lowerBoundary: sprt.lower, upperBoundary: sprt.upper };
  const versus = `vs baseline ${pct(baselineRate)} of ${count(baselineTrials)}`;

  if (canaryTrials === 0) {
    statistics[MORE_CANARY_REQUESTS] = moreRequests(test, 0);
    return { status: 'no-data', statistics, thresholds, summary: `no canary ${trialName.toLowerCase()} yet (${versus})` };
  }

  const canaryRate = canaryEvents / canaryTrials;
  Object.assign(statistics, { canaryRate, llr: sprt.llr });
  const canary = `canary ${pct(canaryRate)} (${count(canaryEvents)} of ${count(canaryTrials)}) ${versus}`;
  switch (sprt.decision) {
    case 'reject-h0':
      return { status: 'fail', statistics, thresholds, summary: `${canary}: evidence of a rate ≥ ${pct(p1)} (LLR ${num(sprt.llr)} ≥ ${num(sprt.upper)})` };
    case 'accept-h0':
      return { status: 'pass', statistics, thresholds, summary: `${canary}: below the critical ${pct(p1)} (LLR ${num(sprt.llr)} ≤ ${num(sprt.lower)})` };
    case 'continue': {
      const accepted = acceptedEarlier(test, input.canaryPath, sprt.lower);
      if (accepted) {
        return {
          status: 'pass',
          statistics: { ...statistics, acceptedAtLlr: accepted.llr },
          thresholds,
          summary: `${canary}: accepted as below the critical ${pct(p1)} after ${count(accepted.trials)} canary ${trialName.toLowerCase()} (LLR reached ${num(accepted.llr)} ≤ ${num(sprt.lower)}); still watched for failure`,
        };
      }
      const truncation = truncatedPass(test, canaryEvents, canaryTrials, input.truncated === true);
      if (truncation) {
        return {
          status: 'pass',
          statistics: { ...statistics, canaryRateUpperBound: truncation.upperBound },
          thresholds,
          summary: `${canary}: undecided at max bake, but below the critical ${pct(p1)} with ${pct(1 - test.beta)} confidence (upper bound ${pct(truncation.upperBound)}; truncated SPRT)`,
        };
      }
      const more = moreRequests(test, sprt.llr);
      statistics[MORE_CANARY_REQUESTS] = more;
      const range = `LLR ${num(sprt.llr)} between ${num(sprt.lower)} and ${num(sprt.upper)}`;
      return {
        status: 'continue',
        statistics,
        thresholds,
        summary: `${canary}: undecided between ${pct(p0)} and ${pct(p1)} (${range}); needs about ${about(more)} more canary ${trialName.toLowerCase()}`,
      };
    }
  }
}

/**
 * Replays the test over the minutes seen so far. A sequential test decides at the first boundary
 * it crosses: once its path has reached the lower boundary, H0 is accepted for the step, even if
 * the cumulative LLR has since drifted back up (it is still checked against the upper boundary on
 * every look). Without this, a step would need every signal below its boundary at the same
 * moment, and healthy rollouts would run out of time. Under H1 the chance that the path ever
 * reaches the lower boundary is at most β/(1-α), so the missed-regression rate is kept.
 */
function acceptedEarlier(test: BernoulliSprt, path: readonly CountIncrement[] | undefined, lower: number): { llr: number; trials: number } | undefined {
  if (!path) return undefined;
  let events = 0;
  let trials = 0;
  for (const step of path) {
    events += step.events;
    trials += step.trials;
    const llr = bernoulliLlr(test.p0, test.p1, events, trials);
    if (llr <= lower) return { llr, trials };
  }
  return undefined;
}

/**
 * What an undecided test concludes when the step's time runs out (a truncated SPRT). It passes
 * when the canary's own rate is, with confidence 1-β, below the critical rate p1: a one-sided
 * non-inferiority test at the truncation point. If the canary really sits at p1, that happens
 * with probability at most β, so the missed-regression rate is kept; and with little data the
 * bound is wide, so a quiet canary cannot pass this way. It never adds a false rollback (α is
 * untouched): it only spares healthy canaries whose test has a long tail.
 */
function truncatedPass(test: BernoulliSprt, events: number, trials: number, truncated: boolean): { upperBound: number } | undefined {
  if (!truncated) return undefined;
  const upperBound = rateUpperBound(events, trials, normalQuantile(1 - test.beta));
  return upperBound < test.p1 ? { upperBound } : undefined;
}

/**
 * Canary trials still needed to decide, whichever hypothesis holds: the larger of Wald's two
 * expectations, so "about N more" is not optimistic for a canary that is actually healthy.
 */
function moreRequests(test: BernoulliSprt, llr: number): number {
  return Math.ceil(Math.max(expectedSampleSize(test, 'h0', llr), expectedSampleSize(test, 'h1', llr)));
}
