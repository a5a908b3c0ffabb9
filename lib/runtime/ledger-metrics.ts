import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { LedgerEvent } from '../adapters/ledger';
import type { Verdict } from '../domain/verdict';

/** Namespace and names the dashboard reads (lib/constructs/rollout-dashboard.ts). */
export const METRICS = {
  namespace: 'Fledge',
  rolloutsFinished: 'RolloutsFinished',
  rollbackFailures: 'RollbackFailures',
  canaryErrorRate: 'CanaryErrorRate',
  baselineErrorRate: 'BaselineErrorRate',
  canaryP99: 'CanaryP99',
  baselineP99: 'BaselineP99',
} as const;

/**
 * Turns ledger events into CloudWatch metrics (embedded metric format), so the dashboard shows
 * outcomes and the judge's canary-vs-baseline figures without a second source of truth.
 */
export function publishLedgerEvent(metrics: Metrics, event: LedgerEvent): void {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'finalized':
      return count(metrics, METRICS.rolloutsFinished, { Outcome: 'promoted' });
    case 'rolled-back':
      return count(metrics, METRICS.rolloutsFinished, { Outcome: `rolled-back:${String(data.reason)}` });
    case 'error':
      if (data.during === 'rollback') count(metrics, METRICS.rollbackFailures, {});
      return;
    case 'evaluation':
      return publishVerdict(metrics, data.verdict as Verdict);
    default:
      return;
  }
}

function publishVerdict(metrics: Metrics, verdict: Verdict): void {
  for (const signal of verdict.signals) {
    const s = signal.statistics;
    if (signal.signal === 'errors' && s.canaryRate !== undefined) {
      gauge(metrics, METRICS.canaryErrorRate, signal.targetKey, s.canaryRate * 100, MetricUnit.Percent);
      gauge(metrics, METRICS.baselineErrorRate, signal.targetKey, (s.baselineRate ?? 0) * 100, MetricUnit.Percent);
    }
    if (signal.signal === 'latency' && s.canaryP99Ms !== undefined) {
      gauge(metrics, METRICS.canaryP99, signal.targetKey, s.canaryP99Ms, MetricUnit.Milliseconds);
      if (s.baselineP99Ms !== undefined) gauge(metrics, METRICS.baselineP99, signal.targetKey, s.baselineP99Ms, MetricUnit.Milliseconds);
    }
  }
}

function count(metrics: Metrics, name: string, dimensions: Record<string, string>): void {
  const single = metrics.singleMetric();
  for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
  single.addMetric(name, MetricUnit.Count, 1);
}

function gauge(metrics: Metrics, name: string, target: string, value: number, unit: (typeof MetricUnit)[keyof typeof MetricUnit]): void {
  const single = metrics.singleMetric();
  single.addDimension('Target', target);
  single.addMetric(name, unit, value);
}
