import type { ReportData, ReportEvaluation } from './report-data';

type Verdict = ReportEvaluation['verdict'];
type MilestoneKind = ReportData['milestones'][number]['kind'];

/** One palette for the charts and the stylesheet, so a red marker and a red badge mean the same. */
export const VERDICT_COLOURS: Readonly<Record<Verdict, string>> = {
  pass: '#2f9e44',
  continue: '#868e96',
  fail: '#e03131',
  inconclusive: '#f08c00',
  error: '#7048e8',
};

export const MILESTONE_COLOURS: Readonly<Record<MilestoneKind, string>> = {
  shift: '#495057',
  approval: '#1971c2',
  promote: '#2f9e44',
  rollback: '#e03131',
  control: '#f08c00',
  final: '#212529',
};

export const COHORT_COLOURS = { canary: '#c2255c', baseline: '#1971c2' } as const;
export const WEIGHT_COLOUR = '#0c8599';

export const OUTCOME_COLOURS: Readonly<Record<ReportData['outcome'], string>> = {
  promoted: '#2f9e44',
  'rolled-back': '#e03131',
  rejected: '#f08c00',
  'rollback-failed': '#f08c00',
  'in-progress': '#1971c2',
};

const BASE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f3f5; color: #212529;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
section { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 16px 20px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0 12px 0 0; display: inline; vertical-align: middle; }
h2 { font-size: 18px; margin: 0 0 12px; }
h2 small { font-weight: normal; color: #495057; font-size: 14px; }
.headline { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 8px; }
.badge { display: inline-block; padding: 4px 12px; border-radius: 999px; color: #fff; font-weight: 700;
  text-transform: uppercase; letter-spacing: .04em; font-size: 13px; }
.badge.small { padding: 1px 8px; font-size: 11px; font-weight: 600; }
.reason { font-size: 15px; margin: 4px 0 12px; }
dl.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 8px 20px; margin: 0; }
dl.meta div { min-width: 0; }
dl.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: #868e96; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
figure { margin: 0 0 16px; }
figcaption { display: flex; justify-content: space-between; align-items: baseline; font-weight: 600; margin-bottom: 2px; }
.legend { font-weight: normal; font-size: 12px; color: #495057; display: flex; gap: 14px; flex-wrap: wrap; }
.swatch { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; vertical-align: middle; margin-right: 4px; }
.dash { display: inline-block; width: 0; height: 11px; border-left: 2px dashed; vertical-align: middle; margin-right: 4px; }
.key { margin: 0 0 14px; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font-family: inherit; }
section.decision { border-left: 6px solid; }
section.decision p { margin: 4px 0; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e9ecef; }
th { background: #f8f9fa; position: sticky; top: 0; font-size: 12px; color: #495057; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.time { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.step, td.decision { min-width: 8em; }
details { margin-top: 4px; color: #495057; }
summary { cursor: pointer; font-size: 12px; }
details ul { margin: 4px 0 0; padding-left: 18px; font-size: 12px; }
.empty { color: #868e96; font-style: italic; }
footer { text-align: center; color: #868e96; font-size: 12px; }
`;

function colourClasses(prefix: string, colours: Readonly<Record<string, string>>): string {
  return Object.entries(colours)
    .map(([name, colour]) => `.${prefix}-${name} { background: ${colour}; }`)
    .join('\n');
}

/** The whole stylesheet: the page embeds it, so the report needs no other file. */
export const REPORT_CSS = [BASE_CSS, colourClasses('verdict', VERDICT_COLOURS), colourClasses('outcome', OUTCOME_COLOURS)].join('\n');
