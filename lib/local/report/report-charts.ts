import { PERCENT_AXIS, valueAxis, type ValueAxis } from './axis-ticks';
import type { SafeHtml } from './html';
import type { ReportData, ReportMinute, ReportTarget } from './report-data';
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
