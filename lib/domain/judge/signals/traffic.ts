import { sumOf } from '../../aggregates';
import type { SignalResult, SignalStatus } from '../../verdict';
import { count, num, pct } from '../format';
import { evaluateSprt, type BernoulliSprt } from '../sprt';
import { phaseMinutes, spanMinutes, wholeMinutes, type SignalContext, type TargetWindow } from '../window';
import { skipped } from './skipped';

/**
 * How far below the pre-rollout rate total traffic must be, in Poisson standard deviations, before
 * a drop is reported: at low traffic a 10% dip is just noise.
 */
const DROP_NOISE_SIGMAS = 3;

/**
 * Traffic: does the canary get its expected share of requests (a starved canary means routing is
 * broken, and a quiet canary would pass every other test for lack of evidence), and did total
 * traffic drop since before the rollout (only a warning: clients may have left for other reasons)?
 */
export function judgeTraffic(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.traffic;
  if (!policy.enabled) return skipped('traffic', window.targetKey, 'traffic: disabled by policy');
  const share = shareTest(window, ctx);
  const drop = totalDrop(window, policy.maxTotalDrop);
  // A warning must not hide a test that is still undecided, or the judge would pass too early.
  const status: SignalStatus = drop.warns && (share.status === 'pass' || share.status === 'skipped') ? 'warn' : share.status;
  return {
    signal: 'traffic',
    targetKey: window.targetKey,
    status,
    statistics: { ...share.statistics, ...drop.statistics },
    thresholds: { ...share.thresholds, maxTotalDrop: policy.maxTotalDrop },
    reason: `traffic: ${share.summary}${drop.warns ? `; ${drop.summary}` : ''}`,
  };
}

interface Part {
  readonly status: SignalStatus;
  readonly statistics: Record<string, number>;
  readonly thresholds: Record<string, number>;
  readonly summary: string;
}

/**
 * The failure direction is *too few* canary requests, so the test runs on the baseline's share:
 * H0 = 1 − w (healthy), H1 = 1 − w·minShareOfExpected (starved), which is an ordinary upper-tail SPRT.
 * The split is a property of the weight, so each phase has a test of its own, and the signal's
 * budget is shared by the phases. It can only fail: see below.
 */
function shareTest(window: TargetWindow, ctx: SignalContext): Part {
  const w = window.expectedCanaryShare;
  const canary = sumOf(phaseMinutes(window.canary, window), 'requests');
  const baseline = sumOf(phaseMinutes(window.baseline, window), 'requests');
  const statistics: Record<string, number> = { canaryRequests: canary, baselineRequests: baseline, expectedShare: w };
  if (w <= 0 || w >= 1) {
    const why = w <= 0 ? 'the canary is meant to get no traffic' : 'at 100% the stable version serves nothing, so there is no split to check';
    return { status: 'skipped', statistics, thresholds: {}, summary: `share not checked: ${why}` };
  }
  const total = canary + baseline;
  // Nothing of this step has arrived yet: starvation is checked as it does (the count signals hold the step meanwhile).
  if (total === 0) return { status: 'pass', statistics, thresholds: {}, summary: 'no requests of this step have arrived yet' };

  const starved = w * ctx.policy.traffic.minShareOfExpected;
  const phases = Math.max(1, window.plan?.judgedPhases ?? window.judgedStarts.length);
  const test: BernoulliSprt = { p0: 1 - w, p1: 1 - starved, alpha: ctx.alphas.traffic / phases, beta: ctx.beta };
  const sprt = evaluateSprt(test, baseline, total);
  const canaryShare = canary / total;
  Object.assign(statistics, { canaryShare, llr: sprt.llr });
  const thresholds = { starvedShare: starved, lowerBoundary: sprt.lower, upperBoundary: sprt.upper };
  const seen = `canary got ${pct(canaryShare)} of ${count(total)} requests, expected ${pct(w)}`;
  switch (sprt.decision) {
    case 'reject-h0':
      return { status: 'fail', statistics, thresholds, summary: `${seen}: starved, below ${pct(starved)} (LLR ${num(sprt.llr)} ≥ ${num(sprt.upper)})` };
    case 'accept-h0':
      return { status: 'pass', statistics, thresholds, summary: `${seen}: share as expected` };
    case 'continue':
      // Only starvation fails; a share not yet proven holds nothing up. A starved canary also
      // starves the count signals, which then cannot rule anything out and keep the step waiting.
      return { status: 'pass', statistics, thresholds, summary: `${seen}: no sign of starvation` };
  }
}

function totalDrop(window: TargetWindow, maxTotalDrop: number): { warns: boolean; statistics: Record<string, number>; summary: string } {
  const before = window.preRolloutRequestsPerMinute;
  const current = [window.canary, window.baseline].map((s) => wholeMinutes(phaseMinutes(s, window), window));
  const minutes = spanMinutes(...current);
  if (before === undefined || before <= 0 || minutes === 0) return { warns: false, statistics: {}, summary: '' };
  const observed = current.reduce((t, s) => t + sumOf(s, 'requests'), 0);
  const expected = before * minutes;
  const drop = 1 - observed / expected;
  const warns = drop > maxTotalDrop && observed < expected - DROP_NOISE_SIGMAS * Math.sqrt(expected);
  return {
    warns,
    statistics: { totalRequestsPerMinute: observed / minutes, preRolloutRequestsPerMinute: before, totalDrop: drop },
    summary: `total traffic ${count(observed / minutes)}/min is ${pct(drop)} below the pre-rollout ${count(before)}/min (warns above ${pct(maxTotalDrop)})`,
  };
}
