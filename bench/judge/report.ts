import { POLICIES } from './policies';
import { RPS_LEVELS, SCENARIOS } from './scenarios';
import type { CellSummary } from './summary';

/**
 * The benchmark's tables, as markdown. fledge's figure comes first; each peer sits beside fledge run
 * on the peer's own schedule, with the ratio where one is meaningful (peer ÷ fledge).
 */
export interface ReportContext {
  readonly summaries: readonly CellSummary[];
  readonly header: string;
}

type Cell = (s: CellSummary) => string;

/** The columns: fledge's default, then each schedule's fledge run and its peers. */
function columns(): { readonly id: string; readonly label: string; readonly pairedWith?: string }[] {
  const fledgeRuns = POLICIES.filter((p) => !p.pairedWith);
  return fledgeRuns.flatMap((f) => [{ id: f.id, label: f.label }, ...POLICIES.filter((p) => p.pairedWith === f.id).map((p) => ({ id: p.id, label: p.label, pairedWith: f.id }))]);
}

export function renderReport(ctx: ReportContext): string {
  const find = (policy: string, scenario: string, rps: number) => ctx.summaries.find((s) => s.policy === policy && s.scenario === scenario && s.rps === rps);
  const present = columns().filter((c) => ctx.summaries.some((s) => s.policy === c.id));
  const rpsLevels = RPS_LEVELS.filter((r) => ctx.summaries.some((s) => s.rps === r));
  const regressions = SCENARIOS.filter((s) => s.canary && ctx.summaries.some((x) => x.scenario === s.name));

  const table = (title: string, note: string, scenarios: readonly string[], cell: Cell, ratio?: (peer: CellSummary, fledge: CellSummary) => string | undefined) => {
    const head = `| scenario | rps | ${present.map((c) => c.label).join(' | ')} |`;
    const rule = `|---|---:|${present.map(() => '---:').join('|')}|`;
    const rows = scenarios.flatMap((scenario) =>
      rpsLevels.map((rps) => {
        const cells = present.map((c) => {
          const s = find(c.id, scenario, rps);
          if (!s) return '';
          const fledge = c.pairedWith ? find(c.pairedWith, scenario, rps) : undefined;
          const r = ratio && fledge ? ratio(s, fledge) : undefined;
          return r ? `${cell(s)} (${r})` : cell(s);
        });
        return `| ${SCENARIOS.find((x) => x.name === scenario)?.label ?? scenario} | ${rps} | ${cells.join(' | ')} |`;
      }),
    );
    return [`### ${title}`, '', note, '', head, rule, ...rows, ''].join('\n');
  };

  const healthy = ['healthy'].filter((s) => ctx.summaries.some((x) => x.scenario === s));
  const regressionNames = regressions.map((s) => s.name);
  const sections = [
    ctx.header,
    table(
      'Healthy releases not promoted',
      'Rolled back for any reason (inconclusive included), or refused at the start, out of the runs.',
      healthy,
      (s) => `${pct(s.notPromoted, s.runs)}`,
    ),
    table(
      'Minutes for a healthy release to reach 100%',
      'Median (90th percentile) from the start to the new version carrying all traffic, over promoted runs. Ratio: peer ÷ fledge on the same schedule.',
      healthy,
      (s) => (s.medianTo100 === undefined ? '–' : `${num(s.medianTo100)} (${num(s.p90To100 ?? NaN)})`),
      (peer, fledge) => ratioOf(peer.medianTo100, fledge.medianTo100),
    ),
    table(
      'Regressions caught',
      'Not promoted, out of the runs. A regression of the critical size (×2 errors at this stable rate) is caught at least 1 − β of the time when fledge can establish the critical effect; a ✱ marks cells where the ideal test needs more requests than fledge’s default strategy serves.',
      regressionNames,
      (s) => `${pct(s.notPromoted, s.runs)}${s.policy === 'fledge' && s.detectable === false ? ' ✱' : ''}`,
    ),
    table(
      'Minutes from the first exposed request to the rollback',
      'Median over caught runs. Ratio: peer ÷ fledge on the same schedule.',
      regressionNames,
      (s) => (s.medianToRollback === undefined ? '–' : num(s.medianToRollback)),
      (peer, fledge) => ratioOf(peer.medianToRollback, fledge.medianToRollback),
    ),
    table(
      'Excess bad requests',
      'Median over all runs: errors above the stable rate, plus requests slower than 1.2 × the stable p99 above the stable share, served by the new version until the rollback (or for the 4-hour window if it is never rolled back). For fledge: its figure / the unavoidable (Wald’s expected excess + the reaction lag at the weight it was caught at). Ratio: peer ÷ fledge on the same schedule.',
      regressionNames,
      (s) => (s.policy === 'fledge' && s.medianUnavoidable !== undefined ? `${num(s.medianExcess)} / ${num(s.medianUnavoidable)}` : num(s.medianExcess)),
      (peer, fledge) => ratioOf(peer.medianExcess, fledge.medianExcess),
    ),
  ];
  const load = regressions.find((s) => s.aboveWeight);
  if (load) {
    sections.push(
      table(
        'The load-dependent regression, caught at its step',
        `Rolled back at 25% or above (where ${load.label.toLowerCase()} shows), out of the runs; a rollback below 25% would be a false one.`,
        [load.name],
        (s) => pct(s.caughtAtOrAbove25, s.runs),
      ),
    );
  }
  return sections.join('\n');
}

function pct(n: number, of: number): string {
  return of === 0 ? '–' : `${((100 * n) / of).toFixed(n === 0 || n === of ? 0 : 1)}%`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(2)));
}

function ratioOf(peer: number | undefined, fledge: number | undefined): string | undefined {
  if (peer === undefined || fledge === undefined || !(fledge > 0)) return undefined;
  return `×${num(peer / fledge)}`;
}
