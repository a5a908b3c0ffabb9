import { timeTicks, type ValueAxis } from './axis-ticks';
import { html, type SafeHtml } from './html';

/** Virtual time in ms since the epoch; every chart of a report shares one. */
export interface TimeDomain {
  readonly start: number;
  readonly end: number;
}

/** A value of `undefined` breaks the line: a minute without data is a gap, not a zero. */
export interface ChartPoint {
  readonly t: number;
  readonly v: number | undefined;
}

export interface ChartSeries {
  readonly name: string;
  readonly colour: string;
  readonly points: readonly ChartPoint[];
  /** `step` holds each value until the next point and to the end of the domain. */
  readonly shape: 'line' | 'step';
  readonly fill?: boolean;
  /** Write the value next to each change, for steps too small to read off the axis (1% of 100). */
  readonly labelChanges?: boolean;
  /** A thin dashed line: bounds and thresholds rather than measurements. */
  readonly dashed?: boolean;
}

/** A dot in the lane under the plot, e.g. one per evaluation. */
export interface ChartMarker {
  readonly t: number;
  readonly colour: string;
  readonly kind: string;
  readonly title: string;
}

/** A dashed vertical line across the plot with a short label above it. */
export interface ChartMilestone {
  readonly t: number;
  readonly colour: string;
  readonly label: string;
}

export interface TimeChart {
  /** Accessible name: the SVG's `<title>` and `aria-label`. */
  readonly title: string;
  readonly domain: TimeDomain;
  readonly axis: ValueAxis;
  readonly formatValue: (v: number) => string;
  readonly series: readonly ChartSeries[];
  readonly markers: readonly ChartMarker[];
  readonly milestones: readonly ChartMilestone[];
}

const WIDTH = 960;
const HEIGHT = 230;
const LABEL_ROWS = 3;
const ROW_HEIGHT = 11;
const PAD = { top: 8 + LABEL_ROWS * ROW_HEIGHT, right: 16, bottom: 42, left: 58 };
const PLOT = { left: PAD.left, right: WIDTH - PAD.right, top: PAD.top, bottom: HEIGHT - PAD.bottom };
const MARKER_LANE_Y = PLOT.bottom + 11;
/** Rough width of a 10px label character, to keep milestone labels from overlapping. */
const CHAR_WIDTH = 5.6;
const MAX_LABEL_CHARS = 28;

/** An inline SVG line/step chart over virtual time, with evaluation markers and milestones. */
export function renderTimeChart(chart: TimeChart): SafeHtml {
  const x = (t: number) => scale(t, chart.domain.start, chart.domain.end, PLOT.left, PLOT.right);
  const y = (v: number) => scale(Math.min(Math.max(v, 0), chart.axis.max), 0, chart.axis.max, PLOT.bottom, PLOT.top);
  const hasData = chart.series.some((s) => s.points.some((p) => p.v !== undefined));
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${chart.title}">
<title>${chart.title}</title>
${valueGrid(chart, y)}
${timeAxis(chart.domain, x)}
${milestoneLines(chart.milestones, x)}
${chart.series.map((s) => seriesPath(s, chart, x, y))}
${hasData ? '' : html`<text x="${n((PLOT.left + PLOT.right) / 2)}" y="${n((PLOT.top + PLOT.bottom) / 2)}" text-anchor="middle" fill="#868e96" font-size="13">no data</text>`}
${chart.markers.map((m) => html`<circle class="verdict-marker verdict-marker-${m.kind}" cx="${n(x(m.t))}" cy="${MARKER_LANE_Y}" r="4.5" fill="${m.colour}" stroke="#fff" stroke-width="1"><title>${m.title}</title></circle>`)}
</svg>`;
}

/** Linear map; a zero-width domain maps to the middle instead of dividing by zero. */
function scale(value: number, from: number, to: number, outFrom: number, outTo: number): number {
  if (to === from) return (outFrom + outTo) / 2;
  return outFrom + ((value - from) / (to - from)) * (outTo - outFrom);
}

/** One decimal is plenty at this size. A bad coordinate must not poison the whole SVG with `NaN`. */
function n(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0';
}

function valueGrid(chart: TimeChart, y: (v: number) => number): SafeHtml {
  return html`${chart.axis.ticks.map(
    (tick) => html`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${n(y(tick))}" y2="${n(y(tick))}" stroke="${tick === 0 ? '#868e96' : '#e9ecef'}"/>
<text x="${PLOT.left - 6}" y="${n(y(tick) + 3.5)}" text-anchor="end" font-size="11" fill="#495057">${chart.formatValue(tick)}</text>`,
  )}`;
}

function timeAxis(domain: TimeDomain, x: (t: number) => number): SafeHtml {
  const labelY = PLOT.bottom + 32;
  return html`<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#868e96"/>
${timeTicks(domain.start, domain.end).map(
  (tick) => html`<line x1="${n(x(tick.t))}" x2="${n(x(tick.t))}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}" stroke="#868e96"/>
<text x="${n(x(tick.t))}" y="${labelY}" text-anchor="middle" font-size="11" fill="#495057">${tick.label}</text>`,
)}`;
}

function milestoneLines(milestones: readonly ChartMilestone[], x: (t: number) => number): SafeHtml {
  const rowEnds: number[] = Array.from({ length: LABEL_ROWS }, () => -Infinity);
  const sorted = [...milestones].sort((a, b) => a.t - b.t);
  return html`${sorted.map((m) => {
    const at = x(m.t);
    const label = m.label.length > MAX_LABEL_CHARS ? `${m.label.slice(0, MAX_LABEL_CHARS - 1)}…` : m.label;
    const width = label.length * CHAR_WIDTH;
    // Labels sit right of their line, or left of it near the right edge.
    const anchorEnd = at + 3 + width > WIDTH;
    const from = anchorEnd ? at - 3 - width : at + 3;
    const free = rowEnds.findIndex((end) => end + 4 < from);
    const row = free >= 0 ? free : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = from + width;
    const labelY = 8 + (row + 1) * ROW_HEIGHT - 2;
    return html`<g class="milestone"><title>${m.label}</title>
<line x1="${n(at)}" x2="${n(at)}" y1="${n(labelY - 8)}" y2="${PLOT.bottom}" stroke="${m.colour}" stroke-width="1" stroke-dasharray="4 3" opacity="0.8"/>
<text x="${n(anchorEnd ? at - 3 : at + 3)}" y="${n(labelY)}" text-anchor="${anchorEnd ? 'end' : 'start'}" font-size="10" fill="${m.colour}">${label}</text></g>`;
  })}`;
}

function seriesPath(series: ChartSeries, chart: TimeChart, x: (t: number) => number, y: (v: number) => number): SafeHtml {
  const runs = splitRuns(series.points);
  const domain = chart.domain;
  return html`<g class="series" data-series="${series.name}">${runs.map((run) => {
    if (run.length === 1 && series.shape === 'line') {
      return html`<circle cx="${n(x(run[0].t))}" cy="${n(y(run[0].v))}" r="2.5" fill="${series.colour}"/>`;
    }
    const d =
      series.shape === 'step'
        ? `M${n(x(run[0].t))},${n(y(run[0].v))}` +
          run.slice(1).map((p) => `H${n(x(p.t))}V${n(y(p.v))}`).join('') +
          `H${n(x(Math.max(domain.end, run[run.length - 1].t)))}`
        : run.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(x(p.t))},${n(y(p.v))}`).join('');
    const area = series.fill ? html`<path d="${d}V${n(y(0))}H${n(x(run[0].t))}Z" fill="${series.colour}" opacity="0.12" stroke="none"/>` : '';
    const stroke = series.dashed ? html`stroke-width="1.2" stroke-dasharray="5 3"` : html`stroke-width="2"`;
    return html`${area}<path d="${d}" fill="none" stroke="${series.colour}" ${stroke} stroke-linejoin="round"/>`;
  })}${series.labelChanges ? changeLabels(runs.flat(), chart, x, y, series.colour) : ''}</g>`;
}

function changeLabels(points: readonly DefinedPoint[], chart: TimeChart, x: (t: number) => number, y: (v: number) => number, colour: string): SafeHtml {
  const changes = points.filter((p, i) => (i === 0 ? p.v !== 0 : p.v !== points[i - 1].v));
  return html`${changes.map(
    (p) => html`<text class="value-label" x="${n(x(p.t) + 3)}" y="${n(y(p.v) - 4)}" font-size="10" font-weight="600" fill="${colour}">${chart.formatValue(p.v)}</text>`,
  )}`;
}

type DefinedPoint = { readonly t: number; readonly v: number };

/** Consecutive defined points, sorted by time; undefined or non-finite values end a run. */
function splitRuns(points: readonly ChartPoint[]): DefinedPoint[][] {
  const runs: DefinedPoint[][] = [];
  let current: DefinedPoint[] = [];
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    if (p.v === undefined || !Number.isFinite(p.v) || !Number.isFinite(p.t)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else {
      current.push({ t: p.t, v: p.v });
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
