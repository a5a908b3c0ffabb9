/**
 * The evidence behind every count signal (errors, slow requests, throttles): how much more likely
 * the counts seen so far are if the new version's rate is k times the stable version's, than if the
 * two are the same.
 *
 * Model. Counts are Poisson: the stable version has rate p per request, the new version k·p. The
 * rate p is not known; its prior is what the stable version showed before the rollout
 * (Gamma(events + ½, trials)), and every stable request during the rollout refines it. Integrating
 * p out gives a Bayes factor in closed form:
 *
 *   BF(k) = k^C · ((b + N) / (b + N + (k − 1)·Nc))^(a + S)
 *
 * with C and Nc the new version's events and trials judged at rate k·p, S and N all events and
 * trials of both versions since the rollout started, and (a, b) the prior. Under "same rate" the
 * Bayes factor is a non-negative martingale with mean 1, so by Ville's inequality it ever reaches
 * 1/α with probability at most α, however often it is read: the judge may look every minute, at
 * partial minutes too, for as long as the rollout runs, without splitting α over looks or steps.
 * The same holds for 1/BF under "k times worse", which is how a step rules a regression out.
 *
 * When the history is long, this is a one-sample test against a known rate; when there is none,
 * the prior is vague and the comparison rests on the stable version's own requests in the
 * rollout. Either way, a request's evidence does not depend on the weight it was served at.
 */

/** One minute of one count signal: the new version's counts and the stable version's. */
export interface CountMinute {
  readonly minute: string;
  readonly canaryEvents: number;
  readonly canaryTrials: number;
  readonly baselineEvents: number;
  readonly baselineTrials: number;
}

/** What the stable version showed before the rollout. */
export interface CountPrior {
  readonly events: number;
  readonly trials: number;
}

/** A component of a mixture: a rate ratio and its prior weight. */
export interface RatioWeight {
  readonly ratio: number;
  readonly weight: number;
}

/** Running totals of one signal, split at the starts of the judged steps. */
export interface CountTotals {
  /** New-version events and trials from each segment on (index j: segments j, j+1, …). */
  readonly canaryEventsFrom: readonly number[];
  readonly canaryTrialsFrom: readonly number[];
  /** Everything since the rollout started, both versions. */
  readonly events: number;
  readonly trials: number;
  readonly baselineEvents: number;
  readonly baselineTrials: number;
}

/** Shape a (events + ½) and rate b (trials) of the Gamma prior on the stable rate. */
export function priorShape(prior: CountPrior | undefined): { readonly a: number; readonly b: number } {
  return { a: (prior?.events ?? 0) + 0.5, b: prior?.trials ?? 0 };
}

/** The stable rate the prior expects, (events + ½) / (trials + 1): never 0, so a ratio to it is finite. */
export function priorRate(prior: CountPrior | undefined): number {
  return ((prior?.events ?? 0) + 0.5) / ((prior?.trials ?? 0) + 1);
}

/**
 * Totals per segment. `segmentOf(minute)` says which judged segment a minute belongs to (-1 for
 * minutes before the first one, which count for the stable rate only).
 */
export function countTotals(minutes: readonly CountMinute[], segments: number, segmentOf: (minute: string) => number): CountTotals {
  const canaryEvents = new Array<number>(segments).fill(0);
  const canaryTrials = new Array<number>(segments).fill(0);
  let events = 0;
  let trials = 0;
  let baselineEvents = 0;
  let baselineTrials = 0;
  for (const m of minutes) {
    const j = segmentOf(m.minute);
    if (j >= 0) {
      canaryEvents[j] += m.canaryEvents;
      canaryTrials[j] += m.canaryTrials;
    }
    events += m.canaryEvents + m.baselineEvents;
    trials += m.canaryTrials + m.baselineTrials;
    baselineEvents += m.baselineEvents;
    baselineTrials += m.baselineTrials;
  }
  // Suffix sums: evidence "from segment j on".
  for (let j = segments - 2; j >= 0; j--) {
    canaryEvents[j] += canaryEvents[j + 1];
    canaryTrials[j] += canaryTrials[j + 1];
  }
  return { canaryEventsFrom: canaryEvents, canaryTrialsFrom: canaryTrials, events, trials, baselineEvents, baselineTrials };
}

/** ln BF(k) for the new version's counts from segment `from` on, against "same rate". */
export function logBayesFactor(totals: CountTotals, prior: CountPrior | undefined, ratio: number, from: number): number {
  const c = totals.canaryEventsFrom[from] ?? 0;
  const nc = totals.canaryTrialsFrom[from] ?? 0;
  if (nc === 0) return 0;
  const { a, b } = priorShape(prior);
  const exposure = b + totals.trials;
  // log1p keeps small ratios near 1 accurate; c·ln k is 0 when nothing happened.
  return (c === 0 ? 0 : c * Math.log(ratio)) - (a + totals.events) * Math.log1p(((ratio - 1) * nc) / exposure);
}

/**
 * ln of the change detector's e-value: a mixture over rate ratios and over the segment at which the
 * regression began. A segment not begun yet contributes its prior weight unchanged (its Bayes
 * factor is still 1), so the mixture is a martingale from the first look.
 */
export function logFailureEvidence(totals: CountTotals, prior: CountPrior | undefined, ratios: readonly RatioWeight[], startWeights: readonly number[], begun: number): number {
  const terms: number[] = [];
  for (let j = 0; j < startWeights.length; j++) {
    if (startWeights[j] <= 0) continue;
    if (j >= begun) {
      terms.push(Math.log(startWeights[j]));
      continue;
    }
    for (const { ratio, weight } of ratios) terms.push(Math.log(startWeights[j] * weight) + logBayesFactor(totals, prior, ratio, j));
  }
  return logSumExp(terms);
}

/** The segment from which the evidence of a regression is strongest: where it most likely began. */
export function strongestStart(totals: CountTotals, prior: CountPrior | undefined, ratios: readonly RatioWeight[], startWeights: readonly number[], begun: number): number {
  let best = 0;
  let bestLog = -Infinity;
  for (let j = 0; j < Math.min(begun, startWeights.length); j++) {
    for (const { ratio, weight } of ratios) {
      const log = Math.log(startWeights[j] * weight) + logBayesFactor(totals, prior, ratio, j);
      if (log > bestLog) {
        bestLog = log;
        best = j;
      }
    }
  }
  return best;
}

/** The alternatives a step weighs against a regression of `ratio`: mostly "healthy", some "half as bad". */
export function ruleOutAlternatives(ratio: number): RatioWeight[] {
  return [
    { ratio: 1, weight: 0.75 },
    { ratio: (1 + ratio) / 2, weight: 0.25 },
  ];
}

/**
 * The change detector's alternatives, from the critical ratio up: most weight where evidence is
 * slowest to gather (small regressions), enough on large ones that a gross regression is acted on
 * after a handful of events. Ratios are capped where the rate would exceed 100%.
 */
export function failureRatios(critical: number, stableRate: number): RatioWeight[] {
  const cap = Math.max(critical, 1 / Math.max(stableRate, 1e-12));
  return FAILURE_GRID.map(({ multiple, weight }) => ({ ratio: Math.min(cap, critical * multiple), weight }));
}

const FAILURE_GRID = [
  { multiple: 1, weight: 0.45 },
  { multiple: 1.5, weight: 0.15 },
  { multiple: 2.5, weight: 0.1 },
  { multiple: 5, weight: 0.1 },
  { multiple: 10, weight: 0.1 },
  { multiple: 25, weight: 0.1 },
] as const;

/**
 * Prior weights of the segment at which a regression may begin: most on the first judged step (a
 * regression from the start, by far the commonest), the rest shared by the later ones (a regression
 * that appears only under load, or late).
 */
export function segmentStartWeights(judgedSegments: number): number[] {
  if (judgedSegments <= 1) return [1];
  const later = (1 - FROM_THE_START) / (judgedSegments - 1);
  return [FROM_THE_START, ...new Array<number>(judgedSegments - 1).fill(later)];
}

const FROM_THE_START = 0.7;

function logSumExp(terms: readonly number[]): number {
  if (terms.length === 0) return -Infinity;
  const max = Math.max(...terms);
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}
