import type { LedgerEvent, RolloutRecord } from '../adapters/ledger';
import type { CapturedState } from '../adapters/traffic/traffic-router';
import type { Verdict } from '../domain/verdict';
import type { RecordedMinute, RecordedTargetMinutes } from '../controller/recorded-minutes';
import type { BaselineProfile } from '../controller/rollout-context';
import { planLines } from '../domain/judge/plan-summary';
import type { JudgedPhase, TargetPlan } from '../domain/judge';
import type { EvidenceLook, ReportCheck, ReportData, ReportEvaluation, ReportEvidence, ReportMinute, ReportTarget } from './report-data';
import { HOOK_LABEL } from '../controller/hook-call';
import type { LifecycleEvent } from '../domain/lifecycle-hooks';

export interface ReportSources {
  readonly record: RolloutRecord;
  readonly events: readonly LedgerEvent[];
  readonly title: string;
  /** How the execution ended (the Step Functions state), when known: the ledger has the decision. */
  readonly endState?: string;
  /** For a local run: the scenario, its seed, and the wall time it took. */
  readonly local?: { readonly scenario: string; readonly seed: number; readonly wallSeconds: number };
}

const OUTCOMES: Readonly<Partial<Record<RolloutRecord['status'], ReportData['outcome']>>> = {
  PROMOTED: 'promoted',
  ROLLED_BACK: 'rolled-back',
  REJECTED: 'rejected',
  ROLLBACK_FAILED: 'rollback-failed',
};

/**
 * Assembles the report from the ledger alone, so that any rollout, local or in AWS, gets the same
 * report: the decisions and evidence from its evaluations, the per-minute figures they recorded,
 * and the weights from its shifts, promotion and restores.
 */
export function buildReportData(src: ReportSources): ReportData {
  const { record, events } = src;
  const captured = record.captured as unknown as CapturedState[];
  const stepNames = stepNamesOf(events);
  const preflight = events.find((e) => e.type === 'preflight')?.data as { strategy?: string; requirements?: TargetPlan[]; judgedPhases?: JudgedPhase[]; notes?: string[] } | undefined;
  const baselines = (record.plan as { baselines?: Record<string, BaselineProfile> }).baselines ?? {};
  const endedAt = record.outcome?.at ?? events.at(-1)?.at ?? record.updatedAt;
  return {
    title: src.title,
    rolloutId: record.rolloutId,
    ...(src.local ? { scenario: src.local.scenario, seed: src.local.seed, wallSeconds: src.local.wallSeconds } : {}),
    strategy: preflight?.strategy ?? '?',
    mode: record.mode,
    outcome: OUTCOMES[record.status] ?? 'in-progress',
    endState: src.endState ?? record.outcome?.decision ?? record.status,
    reason: record.outcome?.reason ?? 'still running',
    startedAt: record.createdAt,
    endedAt,
    targets: captured.map((c) => reportTarget(c, events, baselines[c.targetKey]?.leadIn ?? [], endedAt)),
    plan: preflight?.requirements && preflight.judgedPhases ? planLines(preflight.requirements, preflight.judgedPhases) : [],
    planNotes: preflight?.notes ?? [],
    evaluations: events.filter((e) => e.type === 'evaluation').map((e) => reportEvaluation(e, stepNames)),
    checks: checksOf(events),
    milestones: events.flatMap((e) => milestone(e, stepNames)),
  };
}

function reportTarget(captured: CapturedState, events: readonly LedgerEvent[], leadIn: readonly RecordedMinute[], endedAt: string): ReportTarget {
  const key = captured.targetKey;
  const byMinute = new Map<string, { canary?: ReportMinute['canary']; baseline?: ReportMinute['baseline'] }>();
  const put = (cohort: 'canary' | 'baseline', m: RecordedMinute) => {
    const entry = byMinute.get(m.minute) ?? {};
    entry[cohort] = { requests: m.requests, errorRate: m.requests > 0 ? m.errors / m.requests : 0, p99Ms: m.p99Ms };
    byMinute.set(m.minute, entry);
  };
  for (const m of leadIn) put('baseline', m);
  // Later evaluations saw more of a minute: the last record of each wins.
  for (const e of events) {
    if (e.type !== 'evaluation') continue;
    const recordedMinutes = (e.data as { minutes?: Record<string, RecordedTargetMinutes> }).minutes?.[key];
    for (const m of recordedMinutes?.canary ?? []) put('canary', m);
    for (const m of recordedMinutes?.baseline ?? []) put('baseline', m);
  }
  return {
    targetKey: key,
    stableVersion: captured.stableVersion,
    newVersion: captured.newVersion,
    weights: weightsOf(events, endedAt),
    minutes: [...byMinute.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([minute, v]) => ({ minute, ...v })),
    evidence: evidenceOf(key, events),
  };
}

/** The new version's weight over time, from the events that changed it (every target of a release group moves together). */
function weightsOf(events: readonly LedgerEvent[], endedAt: string): ReportTarget['weights'] {
  const weights: { at: string; weight: number }[] = [];
  for (const e of events) {
    if (e.type === 'preflight') weights.push({ at: e.at, weight: 0 });
    if (e.type === 'shift-applied') weights.push({ at: e.at, weight: Number((e.data as { weight?: number }).weight ?? 0) });
    if (e.type === 'promoted') weights.push({ at: e.at, weight: 100 });
    if (e.type === 'rolled-back') weights.push({ at: e.at, weight: 0 });
  }
  if (weights.length > 0) weights.push({ at: endedAt, weight: weights[weights.length - 1].weight });
  return weights;
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

/** The smoke test and the hooks that ran, in order: the report's table, and `fledge status`. */
export function checksOf(events: readonly LedgerEvent[]): ReportCheck[] {
  return events.flatMap(reportCheck);
}

/** The smoke test's and each hook's record, as the report's table of checks shows it. */
function reportCheck(event: LedgerEvent): ReportCheck[] {
  const d = event.data as Record<string, unknown>;
  if (event.type === 'smoke-test') {
    const failures = (d.failures as { eventIndex: number; reason: string; durationMs: number; responseExcerpt?: string }[] | undefined) ?? [];
    return [
      {
        at: event.at,
        name: 'Smoke test',
        weight: 0,
        passed: d.outcome === 'passed',
        summary: `${String(d.passed)} of ${String(d.events)} events passed on the new version`,
        details: failures.map((f) => `event ${f.eventIndex}: ${f.reason} (${Math.round(f.durationMs)} ms)${f.responseExcerpt ? `; answered ${f.responseExcerpt}` : ''}`),
      },
    ];
  }
  if (event.type === 'hook-finished') {
    const lifecycle = d.lifecycleEvent as LifecycleEvent;
    const label = HOOK_LABEL[lifecycle] ?? 'hook';
    const evidence = [d.errorType && `error type ${String(d.errorType)}`, d.errorMessage && `message: ${String(d.errorMessage)}`, d.excerpt && `answered: ${String(d.excerpt)}`].filter(Boolean) as string[];
    return [
      {
        at: event.at,
        name: `${label[0].toUpperCase()}${label.slice(1)} ${String(d.functionName)}`,
        weight: lifecycle === 'preTraffic' ? 0 : 100,
        passed: d.outcome === 'passed',
        summary: String(d.reason),
        details: d.outcome === 'passed' ? [] : evidence,
        durationSeconds: typeof d.durationSeconds === 'number' ? d.durationSeconds : undefined,
      },
    ];
  }
  return [];
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
