import { sumOf } from '../../aggregates';
import type { SignalResult } from '../../verdict';
import { count } from '../format';
import { phaseMinutes, type TargetWindow } from '../window';
import { skipped } from './skipped';

/**
 * A 0% validation step routes nothing to the canary, so there is nothing to compare. What it can
 * prove is that the metric pipeline delivers data for this target: the baseline must show requests.
 * That check runs whatever the policy says about the traffic signal, since it is the step's only criterion.
 */
export function judgeValidationWindow(window: TargetWindow): SignalResult[] {
  const key = window.targetKey;
  const why = 'validation step (0%): the canary gets no routed traffic, so it is not judged';
  const baseline = sumOf(phaseMinutes(window.baseline, window), 'requests');
  const pipeline: SignalResult = {
    signal: 'traffic',
    targetKey: key,
    status: baseline > 0 ? 'pass' : 'no-data',
    statistics: { baselineRequests: baseline },
    thresholds: {},
    reason:
      baseline > 0
        ? `traffic: baseline served ${count(baseline)} requests, so the metric pipeline works`
        : 'traffic: no baseline requests yet, so the metric pipeline is not proven to work',
  };
  return [skipped('errors', key, `errors: ${why}`), skipped('latency', key, `latency: ${why}`), pipeline, skipped('saturation', key, `saturation: ${why}`)];
}
