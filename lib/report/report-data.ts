import type { PlanLine } from '../domain/judge/plan-summary';

/** Everything the HTML report draws. Built by the demo from the ledger and the simulated fleet. */
export interface ReportData {
  readonly title: string;
  readonly rolloutId: string;
  /** A local run's scenario and seed. */
  readonly scenario?: string;
  readonly seed?: number;
  readonly strategy: string;
  readonly mode: 'enforce' | 'observe';
  readonly outcome: 'promoted' | 'rolled-back' | 'rejected' | 'rollback-failed' | 'in-progress';
  /** The Fail/Succeed state the execution ended in, e.g. `RolledBackOnFailedVerdict`. */
  readonly endState: string;
  /** One line: why it ended this way. */
  readonly reason: string;
  /** Virtual time (ISO). */
  readonly startedAt: string;
  readonly endedAt: string;
  /** Wall-clock seconds a local run took. */
  readonly wallSeconds?: number;
  readonly targets: readonly ReportTarget[];
  readonly evaluations: readonly ReportEvaluation[];
  /** What preflight planned: one line per judged step and signal (see planLines). */
  readonly plan: readonly PlanLine[];
  /** Notes preflight recorded about the plan: a stretched bake, traffic that falls short. */
  readonly planNotes: readonly string[];
  /** The checks outside the judge, in order: the smoke test before any traffic, and the lifecycle hooks. @default - none */
  readonly checks?: readonly ReportCheck[];
  /** Milestones: shifts, approvals, promotion, rollback, with a label. */
  readonly milestones: readonly { readonly at: string; readonly label: string; readonly kind: 'shift' | 'approval' | 'promote' | 'rollback' | 'control' | 'final' }[];
}

/** One check that is not a judgment of traffic: the smoke test, or a lifecycle hook. */
export interface ReportCheck {
  readonly at: string;
  /** `Smoke test`, or `Pre-traffic hook orders-check`. */
  readonly name: string;
  /** The share of traffic on the new versions while it ran. */
  readonly weight: number;
  readonly passed: boolean;
  readonly summary: string;
  /** The evidence of each failure, one line each (cut short: answers may hold data). */
  readonly details: readonly string[];
  readonly durationSeconds?: number;
}

export interface ReportTarget {
  readonly targetKey: string;
  readonly stableVersion: string;
  readonly newVersion: string;
  /** Weight of the new version over time: one point per change, step-wise. */
  readonly weights: readonly { readonly at: string; readonly weight: number }[];
  /** Per-minute figures per cohort, as published (after the metric delay). */
  readonly minutes: readonly ReportMinute[];
  /** The judge's evidence on each count signal, look by look, as the ledger recorded it. */
  readonly evidence: readonly ReportEvidence[];
}

/** One count signal of one target over the rollout's evaluations. */
export interface ReportEvidence {
  readonly signal: 'errors' | 'latency' | 'saturation';
  readonly looks: readonly EvidenceLook[];
}

export interface EvidenceLook {
  readonly at: string;
  /** The new version's rate since the rollout began, with a 95% interval. */
  readonly canaryRate?: number;
  readonly canaryLow?: number;
  readonly canaryHigh?: number;
  /** The stable version's rate, history included, and the critical rate above it. */
  readonly stableRate?: number;
  readonly criticalRate?: number;
  /** log10 of the change detector's e-value, and where it rolls back. */
  readonly failEvidence?: number;
  readonly failAt?: number;
  /** log10 of the rule-out e-values (since the rollout began, and for the step alone), and where they pass. */
  readonly pooledEvidence?: number;
  readonly ownEvidence?: number;
  readonly ruleOutAt?: number;
}

export interface ReportMinute {
  readonly minute: string;
  readonly canary?: { readonly requests: number; readonly errorRate: number; readonly p99Ms?: number };
  readonly baseline?: { readonly requests: number; readonly errorRate: number; readonly p99Ms?: number };
}

export interface ReportEvaluation {
  readonly at: string;
  readonly step: string;
  readonly weight: number;
  readonly verdict: 'pass' | 'continue' | 'fail' | 'inconclusive' | 'error';
  readonly decision: string;
  readonly reason: string;
  /** Per-signal one-liners: `errors (orders-api): continue — 0.51% vs 0.48% …`. */
  readonly signals: readonly { readonly signal: string; readonly targetKey: string; readonly status: string; readonly reason: string }[];
}
