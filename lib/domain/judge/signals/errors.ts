import { sumOf } from '../../aggregates';
import type { SignalResult } from '../../verdict';
import { countPath, type SignalContext, type TargetWindow } from '../window';
import { binomialCountTest } from './count-test';
import { skipped } from './skipped';

/**
 * Errors: the canary's error rate against the baseline's. The critical rate is the larger of a
 * relative rise (+50% by default) and an absolute one (+0.5 points), so a near-zero baseline does
 * not demand an impossible number of requests to detect a real regression.
 */
export function judgeErrors(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.errors;
  if (!policy.enabled) return skipped('errors', window.targetKey, 'errors: disabled by policy');
  const test = binomialCountTest({
    canaryEvents: sumOf(window.canary, 'errors'),
    canaryTrials: sumOf(window.canary, 'requests'),
    baselineEvents: sumOf(window.baseline, 'errors'),
    baselineTrials: sumOf(window.baseline, 'requests'),
    alternative: (p0) => Math.max(p0 * (1 + policy.maxRelativeIncrease), p0 + policy.minDetectableIncrease),
    alpha: ctx.alpha,
    beta: ctx.beta,
    truncated: ctx.truncated,
    canaryPath: countPath(window.canary, (m) => ({ events: m.errors, trials: m.requests })),
    eventName: 'Errors',
  });
  return {
    signal: 'errors',
    targetKey: window.targetKey,
    status: test.status,
    statistics: test.statistics,
    thresholds: { ...test.thresholds, maxRelativeIncrease: policy.maxRelativeIncrease, minDetectableIncrease: policy.minDetectableIncrease },
    reason: `error rate: ${test.summary}`,
  };
}
