import type { CustomPoint } from '../../aggregates';
import type { SignalResult, SignalStatus } from '../../verdict';
import { figure, pct } from '../format';
import type { CustomMetricWindow } from '../window';
import { skipped } from './skipped';

/**
 * A custom metric: the canary's mean over the window against the user's bounds (max, min) and,
 * with a version dimension, against the baseline's mean (maxIncrease). These are guards, not
 * sequential tests: a user's metric has no known distribution to build a likelihood ratio on, so
 * a bound is simply breached or not, and `minDatapoints` is what keeps one noisy minute from
 * deciding. They are not in countTestsPerStep's α budget either; their false-rollback rate is
 * whatever the user's bounds allow.
 *
 * Statistics and thresholds are keyed `<metric name>.<figure>`, so several custom metrics on one
 * target stay apart in the ledger.
 */
export function judgeCustomMetric(window: CustomMetricWindow): SignalResult {
  const { metric, targetKey } = window;
  const name = metric.name;
  const key = (figureName: string) => `${name}.${figureName}`;
  const canary = meanOf(window.canary, `${name} on ${targetKey} canary`);
  const statistics: Record<string, number> = { [key('canaryDatapoints')]: canary.points };
  const thresholds: Record<string, number> = { [key('minDatapoints')]: metric.minDatapoints };
  if (metric.max !== undefined) thresholds[key('max')] = metric.max;
  if (metric.min !== undefined) thresholds[key('min')] = metric.min;
  if (metric.maxIncrease !== undefined) thresholds[key('maxIncrease')] = metric.maxIncrease;
  const result = (status: SignalStatus, why: string): SignalResult => ({ signal: 'custom', targetKey, status, statistics, thresholds, reason: `${name}: ${why}` });

  if (canary.mean === undefined || canary.points < metric.minDatapoints) {
    return result('no-data', `${canary.points} of the ${metric.minDatapoints} canary datapoints needed (minDatapoints)`);
  }
  statistics[key('canaryMean')] = canary.mean;
  const seen = `canary mean ${figure(canary.mean)} over ${canary.points} datapoints`;
  // Absolute bounds first: they need no baseline, so a breach fails even while the baseline is short.
  if (metric.max !== undefined && canary.mean > metric.max) return result('fail', `${seen} is above the max ${figure(metric.max)}`);
  if (metric.min !== undefined && canary.mean < metric.min) return result('fail', `${seen} is below the min ${figure(metric.min)}`);
  const bounds = [metric.min === undefined ? '' : `min ${figure(metric.min)}`, metric.max === undefined ? '' : `max ${figure(metric.max)}`].filter(Boolean);
  const within = bounds.length === 0 ? seen : `${seen} is within ${bounds.join(' and ')}`;
  if (metric.maxIncrease === undefined) return result('pass', within);

  if (window.baseline === undefined) throw new RangeError(`${name} on ${targetKey}: maxIncrease compares with the baseline, but no baseline series was read`);
  const baseline = meanOf(window.baseline, `${name} on ${targetKey} baseline`);
  statistics[key('baselineDatapoints')] = baseline.points;
  if (baseline.mean === undefined || baseline.points < metric.minDatapoints) {
    return result('no-data', `${within}, but the baseline has ${baseline.points} of the ${metric.minDatapoints} datapoints needed to compare (minDatapoints)`);
  }
  statistics[key('baselineMean')] = baseline.mean;
  const versus = `baseline mean ${figure(baseline.mean)} over ${baseline.points}`;
  if (baseline.mean <= 0) {
    // A relative rise over zero or a negative mean has no meaning, and the policy gives no absolute
    // tolerance to use instead: say so, rather than fail on any rise or pass in silence.
    if (canary.mean <= baseline.mean) return result('pass', `${within}, not above the ${versus}`);
    return result('warn', `${within}, above the ${versus}; a rise over a mean ≤ 0 has no relative size, so maxIncrease was not checked (set max to bound it)`);
  }
  const increase = canary.mean / baseline.mean - 1;
  const limit = baseline.mean * (1 + metric.maxIncrease);
  statistics[key('increase')] = increase;
  thresholds[key('limitFromBaseline')] = limit;
  const rise = `${increase >= 0 ? '+' : ''}${pct(increase)} vs the ${versus} (fails above +${pct(metric.maxIncrease)})`;
  return canary.mean > limit ? result('fail', `${seen} is ${rise}`) : result('pass', `${within}, ${rise}`);
}

/** Unweighted mean of per-minute values: each point is already the minute's CloudWatch statistic. */
function meanOf(points: readonly CustomPoint[], label: string): { mean?: number; points: number } {
  let total = 0;
  for (const p of points) {
    if (!Number.isFinite(p.value)) throw new RangeError(`${label} at ${p.minute} has a value that is not a finite number: ${p.value}`);
    total += p.value;
  }
  return points.length === 0 ? { points: 0 } : { mean: total / points.length, points: points.length };
}

/** A 0% validation step routes no traffic to the canary, so its own metrics say nothing yet. */
export function skippedCustomMetric(window: CustomMetricWindow): SignalResult {
  return skipped('custom', window.targetKey, `${window.metric.name}: validation step (0%): the canary gets no routed traffic, so it is not judged`);
}
