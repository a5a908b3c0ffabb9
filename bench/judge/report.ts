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
    headline(ctx.summaries, rpsLevels),
    howToRead(present.map((c) => c.id)),
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
      'Minutes for a healthy release to be promoted',
      'Median over promoted runs. fledge keeps judging at 100% until it has ruled out the critical regression; the peers are done when they reach 100%. Ratio: peer ÷ fledge on the same schedule.',
      healthy,
      (s) => (s.medianToPromotion === undefined ? '–' : num(s.medianToPromotion)),
      (peer, fledge) => ratioOf(peer.medianToPromotion, fledge.medianToPromotion),
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
  const gross = regressions.find((s) => s.name === 'errors-x20');
  if (gross) {
    sections.push(
      table(
        'Reaction to a gross regression',
        `Minutes from the first request the new version served with ${gross.label.toLowerCase()} to the rollback taking effect: median (90th percentile), caught runs.`,
        [gross.name],
        (s) => (s.medianToRollback === undefined ? '–' : `${num(s.medianToRollback)} (${num(s.p90ToRollback ?? NaN)})`),
      ),
    );
  }
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
  if (Math.abs(x) >= 100 || Number.isInteger(x)) return String(Math.round(x));
  if (Math.abs(x) >= 10) return String(Number(x.toPrecision(2)));
  return x.toFixed(1);
}

function ratioOf(peer: number | undefined, fledge: number | undefined): string | undefined {
  if (peer === undefined || fledge === undefined || !(fledge > 0)) return undefined;
  return `×${num(peer / fledge)}`;
}

function howToRead(ids: readonly string[]): string {
  const policies = POLICIES.filter((p) => ids.includes(p.id)).map((p) => `- **${p.label}**: ${p.rules}.`);
  return [
    '## How to read these tables',
    '',
    '- Each peer sits beside fledge run on the peer’s own schedule (its weights and minimum durations, then a judged 100% step); the ratio is peer ÷ fledge on that schedule. The anytime-valid test runs fledge’s default ladder, so it sits beside fledge’s default.',
    '- A rollout starts with the stable version at the given traffic; the new version is healthy or regressed as the scenario says, from its first request (or from 25% for the load-dependent one).',
    '- **Excess bad requests**: errors above the stable rate plus requests slower than 1.2 × the stable p99 above the stable share, served by the new version until the rollback takes effect. A regression that is promoted keeps serving them until 4 hours after the start, at its expected rates.',
    '- **Unavoidable** (fledge’s column, after the slash): Wald’s expected excess for an SPRT that knows both rates, at α 1% and β 5%, plus the requests served during the reaction lag (CloudWatch’s mean 2-minute arrival and one 1-minute evaluation) at the weight the run was caught at.',
    '',
    '**Policies**',
    '',
    ...policies,
    '',
  ].join('\n');
}

/**
 * The comparison in one table: each peer against fledge on the peer's own schedule, at ordinary
 * traffic (10 rps) and at a busy one (200 rps): healthy releases lost, ×5 errors caught, and the
 * excess bad requests of a ×5 regression.
 */
export function headline(summaries: readonly CellSummary[], rpsLevels: readonly number[]): string {
  const find = (policy: string, scenario: string, rps: number) => summaries.find((s) => s.policy === policy && s.scenario === scenario && s.rps === rps);
  const levels = [10, 200].filter((r) => rpsLevels.includes(r));
  const rows = POLICIES.filter((p) => p.pairedWith && summaries.some((s) => s.policy === p.id)).flatMap((peer) =>
    levels.flatMap((rps) => {
      const mine = { healthy: find(peer.pairedWith as string, 'healthy', rps), bad: find(peer.pairedWith as string, 'errors-x5', rps) };
      const theirs = { healthy: find(peer.id, 'healthy', rps), bad: find(peer.id, 'errors-x5', rps) };
      if (!mine.healthy || !theirs.healthy || !mine.bad || !theirs.bad) return [];
      const ratio = mine.bad.medianExcess > 0 ? `×${num(theirs.bad.medianExcess / mine.bad.medianExcess)}` : '–';
      return [
        `| ${peer.label} | ${rps} | ${pct(mine.healthy.notPromoted, mine.healthy.runs)} / ${pct(theirs.healthy.notPromoted, theirs.healthy.runs)} | ${pct(mine.bad.notPromoted, mine.bad.runs)} / ${pct(theirs.bad.notPromoted, theirs.bad.runs)} | ${num(mine.bad.medianExcess)} / ${num(theirs.bad.medianExcess)} (${ratio}) |`,
      ];
    }),
  );
  return [
    '## Headline: each peer against fledge on the same schedule',
    '',
    'Each cell is fledge / the peer. Healthy releases not promoted; regressions with five times the errors caught; the median excess bad requests those regressions served (ratio: peer ÷ fledge).',
    '',
    '| peer | rps | healthy not promoted | ×5 errors caught | ×5 errors: excess bad requests |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
