import type { LedgerEvent, RolloutRecord } from '../../adapters/ledger';
import type { CapturedState } from '../../adapters/traffic/traffic-router';
import { MINUTE_MS } from '../../domain/clock';
import type { Verdict } from '../../domain/verdict';
import type { SimulatedFleet } from '../fleet';
import type { LocalRunResult } from '../local-runner';
import { planLines } from '../../domain/judge/plan-summary';
import type { JudgedPhase, TargetPlan } from '../../domain/judge';
import type { EvidenceLook, ReportData, ReportEvaluation, ReportEvidence, ReportMinute, ReportTarget } from './report-data';

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
  const preflight = events.find((e) => e.type === 'preflight')?.data as { requirements?: TargetPlan[]; judgedPhases?: JudgedPhase[]; notes?: string[] } | undefined;
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
    targets: captured.map((c) => reportTarget(src.fleet, c, from, run.endedAt, events)),
    plan: preflight?.requirements && preflight.judgedPhases ? planLines(preflight.requirements, preflight.judgedPhases) : [],
    planNotes: preflight?.notes ?? [],
    evaluations: events.filter((e) => e.type === 'evaluation').map((e) => reportEvaluation(e, stepNames)),
    milestones: events.flatMap((e) => milestone(e, stepNames)),
  };
}

function reportTarget(fleet: SimulatedFleet, captured: CapturedState, from: Date, to: Date, events: readonly LedgerEvent[]): ReportTarget {
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
    evidence: evidenceOf(key, events),
  };
}

const COUNT_STEMS = { errors: ['Errors', 'Requests'], latency: ['SlowRequests', 'Requests'], saturation: ['Throttles', 'Attempts'] } as const;

/** Each count signal's statistics, look by look, read back from the evaluations the ledger holds. */
function evidenceOf(targetKey: string, events: readonly LedgerEvent[]): ReportEvidence[] {
  const looks = events.filter((e) => e.type === 'evaluation');
  return (Object.keys(COUNT_STEMS) as (keyof typeof COUNT_STEMS)[]).map((signal) => ({
    signal,
    looks: looks.flatMap((e): EvidenceLook[] => {
      const verdict = (e.data as { verdict?: Verdict }).verdict;
      const result = verdict?.signals.find((s) => s.signal === signal && s.targetKey === targetKey);
      if (!result || result.status === 'skipped') return [];
      const st = result.statistics;
      const th = result.thresholds;
      const [eventStem, trialStem] = COUNT_STEMS[signal];
      const events = st[`canary${eventStem}`];
      const trials = st[`canary${trialStem}`];
      const band = trials > 0 ? wilson(events, trials) : undefined;
      const log10 = (x: number | undefined) => (x === undefined ? undefined : x / Math.LN10);
      return [
        {
          at: e.at,
          canaryRate: trials > 0 ? events / trials : undefined,
          canaryLow: band?.low,
          canaryHigh: band?.high,
          stableRate: st.stableRate,
          criticalRate: st.stableRate !== undefined && th.critical !== undefined ? st.stableRate * th.critical : undefined,
          failEvidence: log10(st.logFailEvidence),
          failAt: log10(th.logFailThreshold),
          pooledEvidence: log10(st.logPooledRuleOut),
          ownEvidence: log10(st.logOwnRuleOut),
          ruleOutAt: log10(th.logRuleOutThreshold),
        },
      ];
    }),
  }));
}

/** Wilson's 95% score interval of a rate. */
function wilson(events: number, trials: number): { low: number; high: number } {
  const z = 1.96;
  const p = events / trials;
  const centre = p + (z * z) / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials));
  const denominator = 1 + (z * z) / trials;
  return { low: Math.max(0, (centre - margin) / denominator), high: Math.min(1, (centre + margin) / denominator) };
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
