import type { SignalResult } from '../../verdict';
import { signalPrior } from '../requirements';
import type { SignalContext, TargetWindow } from '../window';
import { judgeCountSignal } from './count-signal';
import { skipped } from './skipped';

/**
 * Errors: the new version's error rate against the stable version's. The critical regression is
 * the larger of a relative rise (+50% by default) and an absolute one (+0.5 points), so a near-zero
 * stable rate does not demand an impossible number of requests to rule it out.
 */
export function judgeErrors(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.errors;
  if (!policy.enabled) return skipped('errors', window.targetKey, 'errors: disabled by policy');
  const test = judgeCountSignal(window, ctx, {
    signal: 'errors',
    counts: (m) => ({ events: m.errors, trials: m.requests }),
    prior: signalPrior(window.history, 'errors'),
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
