import type { LedgerEvent, RolloutRecord } from '../../adapters/ledger';
import type { CapturedState } from '../../adapters/traffic/traffic-router';
import { MINUTE_MS } from '../../domain/clock';
import type { Verdict } from '../../domain/verdict';
import type { SimulatedFleet } from '../fleet';
import type { LocalRunResult } from '../local-runner';
import type { ReportData, ReportEvaluation, ReportMinute, ReportTarget } from './report-data';

export interface ReportSources {
  readonly run: LocalRunResult;
  readonly record: RolloutRecord | undefined;
  readonly events: readonly LedgerEvent[];
  readonly fleet: SimulatedFleet;
  readonly scenario: string;
  readonly seed: number;
  readonly wallSeconds: number;
}

/** Minutes of pre-rollout traffic drawn before the first shift, for context. */
const LEAD_IN_MINUTES = 10;

/** Assembles the report from the ledger (decisions) and the fleet (what traffic really did). */
export function buildReportData(src: ReportSources): ReportData {
  const { run, record, events } = src;
  const captured = (record?.captured ?? []) as unknown as CapturedState[];
  const from = new Date(run.startedAt.getTime() - LEAD_IN_MINUTES * MINUTE_MS);
  const stepNames = stepNamesOf(events);
  return {
    title: `fledge local rollout: ${src.scenario}`,
    rolloutId: run.rolloutId ?? '(none)',
    scenario: src.scenario,
    seed: src.seed,
    strategy: String((events.find((e) => e.type === 'preflight')?.data as { strategy?: string } | undefined)?.strategy ?? '?'),
    mode: (record?.mode as ReportData['mode']) ?? 'enforce',
    outcome: run.outcome,
    endState: run.endState,
    reason: record?.outcome?.reason ?? run.cause ?? run.endState,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    wallSeconds: src.wallSeconds,
    targets: captured.map((c) => reportTarget(src.fleet, c, from, run.endedAt)),
    evaluations: events.filter((e) => e.type === 'evaluation').map((e) => reportEvaluation(e, stepNames)),
    milestones: events.flatMap((e) => milestone(e, stepNames)),
  };
}

function reportTarget(fleet: SimulatedFleet, captured: CapturedState, from: Date, to: Date): ReportTarget {
  const key = captured.targetKey;
  const minutes = new Map<string, { canary?: ReportMinute['canary']; baseline?: ReportMinute['baseline'] }>();
  for (const cohort of ['canary', 'baseline'] as const) {
    for (const m of fleet.series(key, cohort, from, to, { includeUnpublished: true })) {
      const entry = minutes.get(m.minute) ?? {};
      entry[cohort] = { requests: m.requests, errorRate: m.requests > 0 ? m.errors / m.requests : 0, p99Ms: m.p99Ms };
      minutes.set(m.minute, entry);
    }
  }
  return {
    targetKey: key,
    stableVersion: captured.stableVersion,
    newVersion: captured.newVersion,
    weights: fleet.history(key).map((h) => ({ at: h.at, weight: h.weightPercent })),
    minutes: [...minutes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([minute, v]) => ({ minute, ...v })),
  };
}

function reportEvaluation(event: LedgerEvent, stepNames: readonly string[]): ReportEvaluation {
  const d = event.data as { stepIndex: number; phase: string; weight: number; verdict: Verdict; decision: string; reason: string };
  return {
    at: event.at,
    step: d.phase === 'final-bake' ? 'Final bake' : (stepNames[d.stepIndex] ?? `step ${d.stepIndex + 1}`),
    weight: d.weight,
    verdict: d.verdict.value,
    decision: d.decision,
    reason: d.reason,
    signals: d.verdict.signals.map((s) => ({ signal: s.signal, targetKey: s.targetKey, status: s.status, reason: s.reason })),
  };
}

function milestone(event: LedgerEvent, stepNames: readonly string[]): ReportData['milestones'] {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'shift-applied':
      return [{ at: event.at, kind: 'shift', label: `${stepNames[Number(d.stepIndex)] ?? 'step'} ${String(d.weight)}%` }];
    case 'approval':
      return [{ at: event.at, kind: 'approval', label: d.approved ? 'approved' : 'rejected' }];
    case 'control':
      return [{ at: event.at, kind: 'control', label: String(d.action) }];
    case 'promoted':
      return [{ at: event.at, kind: 'promote', label: 'promoted' }];
    case 'rollback-started':
      return [{ at: event.at, kind: 'rollback', label: `rollback: ${String(d.reason)}` }];
    case 'finalized':
    case 'rolled-back':
      return [{ at: event.at, kind: 'final', label: event.type }];
    default:
      return [];
  }
}

function stepNamesOf(events: readonly LedgerEvent[]): string[] {
  const preflight = events.find((e) => e.type === 'preflight')?.data as { steps?: { name: string }[] } | undefined;
  return (preflight?.steps ?? []).map((s) => s.name);
}
