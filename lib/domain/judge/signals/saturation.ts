import type { MinuteAggregate } from '../../aggregates';
import type { SignalResult, SignalStatus } from '../../verdict';
import { count, pct } from '../format';
import { signalPrior } from '../requirements';
import { minuteTime, phaseMinutes, type SignalContext, type TargetWindow } from '../window';
import { judgeCountSignal } from './count-signal';
import { skipped } from './skipped';

/**
 * Saturation: the canary's throttle rate against the stable version's, plus a utilisation warning.
 * A throttled invocation never runs, so it is not in `requests`: the trials are requests + throttles.
 */
export function judgeSaturation(window: TargetWindow, ctx: SignalContext): SignalResult {
  const policy = ctx.policy.saturation;
  if (!policy.enabled) return skipped('saturation', window.targetKey, 'saturation: disabled by policy');
  const test = judgeCountSignal(window, ctx, {
    signal: 'saturation',
    counts: (m) => ({ events: m.throttles, trials: m.requests + m.throttles }),
    prior: signalPrior(window.history, 'saturation'),
    eventName: 'Throttles',
    trialName: 'Attempts',
  });
  const peak = peakConcurrency(window);
  const utilisation = peak === undefined ? undefined : peak / policy.concurrencyLimit;
  const warns = utilisation !== undefined && utilisation > policy.maxUtilisation;
  const status: SignalStatus = warns && test.status === 'pass' ? 'warn' : test.status;
  const utilisationNote =
    utilisation === undefined ? '' : `; peak concurrency ${count(peak ?? 0)} is ${pct(utilisation)} of ${count(policy.concurrencyLimit)}${warns ? ` (warns above ${pct(policy.maxUtilisation)})` : ''}`;
  return {
    signal: 'saturation',
    targetKey: window.targetKey,
    status,
    statistics: { ...test.statistics, ...(peak === undefined ? {} : { peakConcurrency: peak, utilisation: utilisation ?? 0 }) },
    thresholds: { ...test.thresholds, maxUtilisation: policy.maxUtilisation, concurrencyLimit: policy.concurrencyLimit },
    reason: `saturation: throttle rate ${test.summary}${utilisationNote}`,
  };
}

/**
 * Both versions draw on the function's one concurrency limit, so their same-minute peaks in the
 * current phase are added (an upper bound: the two peaks need not coincide within the minute).
 */
function peakConcurrency(window: TargetWindow): number | undefined {
  const series: (readonly MinuteAggregate[])[] = [phaseMinutes(window.canary, window), phaseMinutes(window.baseline, window)];
  // Keyed by time, not by string: the two series may spell the same minute differently.
  const perMinute = new Map<number, number>();
  for (const m of series.flat()) {
    if (m.concurrency === undefined) continue;
    const t = minuteTime(m.minute);
    perMinute.set(t, (perMinute.get(t) ?? 0) + m.concurrency);
  }
  return perMinute.size === 0 ? undefined : Math.max(...perMinute.values());
}
