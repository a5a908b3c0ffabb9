import { PERCENT_AXIS, valueAxis, type ValueAxis } from './axis-ticks';
import type { SafeHtml } from './html';
import type { EvidenceLook, ReportData, ReportEvidence, ReportMinute, ReportTarget } from './report-data';
import { COHORT_COLOURS, MILESTONE_COLOURS, VERDICT_COLOURS, WEIGHT_COLOUR } from './report-style';
import { renderTimeChart, type ChartMarker, type ChartMilestone, type ChartPoint, type ChartSeries, type TimeDomain } from './svg-chart';
import { clock, MINUTE, parseTime } from './time-format';

export interface TargetCharts {
  readonly weight: SafeHtml;
  readonly errors: SafeHtml;
  readonly latency: SafeHtml;
}

/**
 * The time span every chart shares: the rollout's start to end, widened to anything recorded
 * outside it. Never empty, so scales never divide by zero.
 */
export function reportDomain(data: ReportData): TimeDomain {
  const times = [
    data.startedAt,
    data.endedAt,
    ...data.evaluations.map((e) => e.at),
    ...data.milestones.map((m) => m.at),
    ...data.targets.flatMap((t) => [...t.weights.map((w) => w.at), ...t.minutes.map((m) => m.minute)]),
  ]
    .map(parseTime)
    .filter((t): t is number => t !== undefined);
  if (times.length === 0) return { start: 0, end: MINUTE };
  const start = Math.min(...times);
  const end = Math.max(...times);
  return { start, end: end > start ? end : start + MINUTE };
}

/** Weight, error-rate and p99 charts for one target, with the report's evaluations and milestones on each. */
export function targetCharts(data: ReportData, target: ReportTarget, domain: TimeDomain): TargetCharts {
  const markers = evaluationMarkers(data);
  const milestones = milestoneLines(data);
  const common = { domain, markers, milestones };
  const errorSeries = cohortSeries(target.minutes, (c) => c.errorRate * 100);
  const latencySeries = cohortSeries(target.minutes, (c) => c.p99Ms);
  return {
    weight: renderTimeChart({
      ...common,
      title: `Weight of ${target.newVersion} on ${target.targetKey} over time`,
      axis: PERCENT_AXIS,
      formatValue: (v) => `${v}%`,
      series: [{ name: 'weight', colour: WEIGHT_COLOUR, shape: 'step', fill: true, labelChanges: true, points: weightPoints(target) }],
    }),
    errors: renderTimeChart({
      ...common,
      title: `Error rate per minute on ${target.targetKey}, canary and baseline`,
      axis: cohortAxis(errorSeries),
      formatValue: (v) => `${v}%`,
      series: errorSeries,
    }),
    latency: renderTimeChart({
      ...common,
      title: `p99 latency per minute on ${target.targetKey}, canary and baseline`,
      axis: cohortAxis(latencySeries),
      formatValue: (v) => `${v} ms`,
      series: latencySeries,
    }),
  };
}

function weightPoints(target: ReportTarget): ChartPoint[] {
  return target.weights.flatMap((w) => {
    const t = parseTime(w.at);
    return t === undefined || !Number.isFinite(w.weight) ? [] : [{ t, v: w.weight }];
  });
}

type Cohort = NonNullable<ReportMinute['canary']>;

/**
 * Canary and baseline lines. A minute without requests in a cohort has no rate, so it is a
 * gap rather than a misleading 0%.
 */
function cohortSeries(minutes: readonly ReportMinute[], value: (c: Cohort) => number | undefined): ChartSeries[] {
  const points = (cohort: 'canary' | 'baseline'): ChartPoint[] =>
    minutes.flatMap((m) => {
      const t = parseTime(m.minute);
      if (t === undefined) return [];
      const figures = m[cohort];
      const v = figures && figures.requests > 0 ? value(figures) : undefined;
      return [{ t, v: v !== undefined && Number.isFinite(v) ? v : undefined }];
    });
  return [
    { name: 'baseline', colour: COHORT_COLOURS.baseline, shape: 'line', points: points('baseline') },
    { name: 'canary', colour: COHORT_COLOURS.canary, shape: 'line', points: points('canary') },
  ];
}

/** Without any data a scale would only invent numbers, so the axis keeps just its zero line. */
function cohortAxis(series: readonly ChartSeries[]): ValueAxis {
  const values = series.flatMap((s) => s.points.flatMap((p) => (p.v === undefined ? [] : [p.v])));
  return values.length === 0 ? { max: 1, ticks: [0] } : valueAxis(Math.max(0, ...values));
}

function evaluationMarkers(data: ReportData): ChartMarker[] {
  return data.evaluations.flatMap((e) => {
    const t = parseTime(e.at);
    if (t === undefined) return [];
    return [{ t, kind: e.verdict, colour: VERDICT_COLOURS[e.verdict], title: `${clock(t, true)} ${e.step} (${e.weight}%): ${e.verdict}, ${e.decision}. ${e.reason}` }];
  });
}

function milestoneLines(data: ReportData): ChartMilestone[] {
  return data.milestones.flatMap((m) => {
    const t = parseTime(m.at);
    return t === undefined ? [] : [{ t, label: m.label, colour: MILESTONE_COLOURS[m.kind] }];
  });
}

/** Two charts per count signal: the rates the judge compared, and its evidence against its thresholds. */
export interface EvidenceCharts {
  readonly signal: ReportEvidence['signal'];
  readonly rates: SafeHtml;
  readonly evidence: SafeHtml;
}

const EVIDENCE_COLOURS = { fail: '#e03131', pooled: '#2f9e44', own: '#0c8599', critical: '#f08c00' } as const;

/**
 * The judge's view of each count signal, from the ledger's evaluations: the new version's rate
 * since the rollout began (with its 95% interval) against the stable rate and the critical rate;
 * and the change detector's and the rule-out tests' e-values (log10) against the levels at which
 * they act. A signal with no events at all (throttles, usually) is left out.
 */
export function evidenceCharts(data: ReportData, target: ReportTarget, domain: TimeDomain): EvidenceCharts[] {
  const common = { domain, markers: evaluationMarkers(data), milestones: milestoneLines(data) };
  return target.evidence
    .filter((e) => e.looks.some((l) => (l.canaryRate ?? 0) > 0 || (l.stableRate ?? 0) > 0) && (e.signal !== 'saturation' || e.looks.some((l) => (l.canaryRate ?? 0) > 0)))
    .map((e) => {
      const series = (name: string, colour: string, value: (l: EvidenceLook) => number | undefined, dashed = false): ChartSeries => ({
        name,
        colour,
        shape: 'line',
        dashed,
        points: e.looks.flatMap((l) => {
          const t = parseTime(l.at);
          const v = value(l);
          return t === undefined ? [] : [{ t, v: v !== undefined && Number.isFinite(v) ? v : undefined }];
        }),
      });
      const pct = (x: number | undefined) => (x === undefined ? undefined : x * 100);
      const rateSeries = [
        series('canary', COHORT_COLOURS.canary, (l) => pct(l.canaryRate)),
        series('canary 95% low', COHORT_COLOURS.canary, (l) => pct(l.canaryLow), true),
        series('canary 95% high', COHORT_COLOURS.canary, (l) => pct(l.canaryHigh), true),
        series('stable', COHORT_COLOURS.baseline, (l) => pct(l.stableRate)),
        series('critical', EVIDENCE_COLOURS.critical, (l) => pct(l.criticalRate), true),
      ];
      // e-values below 1 say "no evidence yet" and are drawn at 0.
      const floor = (x: number | undefined) => (x === undefined ? undefined : Math.max(0, x));
      const evidenceSeries = [
        series('change detector', EVIDENCE_COLOURS.fail, (l) => floor(l.failEvidence)),
        series('rolls back at', EVIDENCE_COLOURS.fail, (l) => l.failAt, true),
        series('ruled out since the start', EVIDENCE_COLOURS.pooled, (l) => floor(l.pooledEvidence)),
        series('ruled out at this step', EVIDENCE_COLOURS.own, (l) => floor(l.ownEvidence)),
        series('passes at', EVIDENCE_COLOURS.pooled, (l) => l.ruleOutAt, true),
      ];
      // The interval of the first few requests is wide; the axis follows the rates themselves, and the band is clipped.
      const rateAxis = cohortAxis(rateSeries.filter((x) => !x.name.includes('95%')));
      // Past twice the rollback line, how much more evidence there is no longer matters: the top of the chart clips it.
      const evidenceMax = Math.max(1, ...e.looks.map((l) => 2 * (l.failAt ?? 0)));
      return {
        signal: e.signal,
        rates: renderTimeChart({ ...common, title: `${e.signal} on ${target.targetKey}: the new version's rate since the rollout began, against the stable and critical rates`, axis: rateAxis, formatValue: (v) => `${v}%`, series: rateSeries }),
        evidence: renderTimeChart({ ...common, title: `${e.signal} on ${target.targetKey}: log10 e-values against their thresholds`, axis: valueAxis(evidenceMax), formatValue: (v) => String(v), series: evidenceSeries }),
      };
    });
}

export const EVIDENCE_LEGEND = EVIDENCE_COLOURS;
