import type { EvidenceLook, ReportData, ReportEvaluation, ReportMinute, ReportTarget } from '../../lib/report/report-data';

const START = Date.parse('2026-01-05T09:00:00.000Z');
const MINUTE_MS = 60_000;

const at = (minutes: number): string => new Date(START + minutes * MINUTE_MS).toISOString();

/** Per-minute figures for `count` minutes; the canary only gets traffic from minute 5 on. */
export function newTestMinutes(count = 30): ReportMinute[] {
  return Array.from({ length: count }, (_, i) => ({
    minute: at(i),
    baseline: { requests: 600, errorRate: 0.005 + (i % 3) * 0.001, p99Ms: 250 + (i % 5) * 4 },
    ...(i >= 5 ? { canary: { requests: 60, errorRate: i >= 20 ? 0.03 : 0.006, p99Ms: i >= 20 ? 410 : 260 } } : {}),
  }));
}

export function newTestTarget(overrides: Partial<ReportTarget> = {}): ReportTarget {
  return {
    targetKey: 'lambda:orders-api:live',
    stableVersion: '7',
    newVersion: '8',
    weights: [
      { at: at(0), weight: 0 },
      { at: at(5), weight: 10 },
      { at: at(15), weight: 50 },
      { at: at(24), weight: 0 },
    ],
    minutes: newTestMinutes(),
    evidence: [{ signal: 'errors', looks: newTestEvidence() }],
    ...overrides,
  };
}

/** Five looks at the errors signal: the change detector climbing past its line at minute 24. */
export function newTestEvidence(): EvidenceLook[] {
  return [10, 15, 20, 22, 24].map((m, i) => ({
    at: at(m),
    canaryRate: 0.006 + i * 0.005,
    canaryLow: 0.002 + i * 0.004,
    canaryHigh: 0.012 + i * 0.006,
    stableRate: 0.005,
    criticalRate: 0.01,
    failEvidence: [-0.5, 0.1, 0.9, 1.8, 2.6][i],
    failAt: 2.35,
    pooledEvidence: [0.2, 0.8, 0.4, -1, -3][i],
    ruleOutAt: 1.3,
  }));
}

export function newTestEvaluation(overrides: Partial<ReportEvaluation> = {}): ReportEvaluation {
  return {
    at: at(10),
    step: 'Canary 10%',
    weight: 10,
    verdict: 'continue',
    decision: 'keep baking',
    reason: 'not enough evidence yet',
    signals: [
      { signal: 'errors', targetKey: 'lambda:orders-api:live', status: 'continue', reason: '0.60% vs 0.55%, LLR 0.4 of ±2.9' },
      { signal: 'latency', targetKey: 'lambda:orders-api:live', status: 'pass', reason: 'p99 260 ms vs 258 ms' },
    ],
    ...overrides,
  };
}

/** A rolled-back canary on one target: four evaluations, four milestones, 30 minutes of figures. */
export function newTestReport(overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: 'fledge demo: error regression',
    rolloutId: 'ro-20260105-0900-abc123',
    scenario: 'error-regression',
    seed: 42,
    strategy: 'Canary10Percent20Minutes',
    mode: 'enforce',
    outcome: 'rolled-back',
    endState: 'RolledBackOnFailedVerdict',
    reason: 'errors on lambda:orders-api:live: 3.0% vs 0.6% crossed the failure boundary',
    startedAt: at(0),
    endedAt: at(25),
    wallSeconds: 2.37,
    targets: [newTestTarget()],
    plan: [
      {
        targetKey: 'lambda:orders-api:live',
        phase: 'Canary',
        weight: 10,
        bake: '5–20 min',
        healthyMinutes: 5,
        signals: [{ signal: 'errors', pooledRuleOut: '×2 (1%)', catches: '×2.2 (1.1%)', excessAtCatch: 17 }],
      },
    ],
    planNotes: ['warning: lambda:orders-api:live errors: at 2 rps this strategy can rule out ×2.7, not the critical ×2'],
    evaluations: [
      newTestEvaluation({ at: at(10) }),
      newTestEvaluation({ at: at(15), verdict: 'pass', decision: 'shift', reason: 'canary is no worse' }),
      newTestEvaluation({ at: at(20), step: 'Linear 50%', weight: 50, verdict: 'inconclusive', decision: 'keep baking', reason: 'too few requests' }),
      newTestEvaluation({ at: at(24), step: 'Linear 50%', weight: 50, verdict: 'fail', decision: 'roll back', reason: 'error rate 3.0% vs 0.6%' }),
    ],
    milestones: [
      { at: at(5), label: 'shift 10%', kind: 'shift' },
      { at: at(15), label: 'shift 50%', kind: 'shift' },
      { at: at(24), label: 'rollback', kind: 'rollback' },
      { at: at(25), label: 'RolledBackOnFailedVerdict', kind: 'final' },
    ],
    ...overrides,
  };
}
