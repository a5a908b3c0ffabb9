import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { POLICIES } from './policies';
import { renderReport } from './report';
import { RPS_LEVELS, SCENARIOS } from './scenarios';
import { summarize, type CellSummary } from './summary';
import type { CellResult, CellTask } from './tasks';

/**
 * `npm run bench -- judge`: the judge benchmark. Every policy runs the same grid with the same
 * seeds, in worker threads; the tables go to stdout and to a markdown file the README links to.
 *
 *   --quick                 40 healthy and 20 regression seeds per cell (a smoke run)
 *   --healthy-seeds N       seeds per healthy cell (default 500: a 1% rate needs that many to be told from 0.4%)
 *   --regression-seeds N    seeds per regression cell (default 100)
 *   --policies a,b          only these policies (ids as in bench/judge/policies/index.ts)
 *   --scenarios a,b / --rps 2,10
 *   --workers N             worker threads (default: one per core)
 *   --out FILE              where the markdown goes (default bench/results/judge.md); the cell
 *                           summaries go beside it as JSON
 *   --render FILE.json      only render the tables again from saved summaries
 */
interface Options {
  readonly healthySeeds: number;
  readonly regressionSeeds: number;
  readonly policies: readonly string[];
  readonly scenarios: readonly string[];
  readonly rps: readonly number[];
  readonly workers: number;
  readonly out: string;
  readonly render?: string;
}

const CHUNK = 20;

export async function runJudgeBenchmark(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.render) {
    const saved = JSON.parse(readFileSync(options.render, 'utf8')) as SavedRun;
    writeTables(options.out, saved);
    return;
  }
  const tasks = buildTasks(options);
  const total = tasks.reduce((t, x) => t + x.seeds.length, 0);
  console.error(`judge benchmark: ${total.toLocaleString('en')} rollouts (${options.policies.length} policies, ${options.scenarios.length} scenarios × ${options.rps.length} traffic levels) on ${options.workers} workers`);
  const started = performance.now();
  const results = await runOnWorkers(tasks, options.workers, (done) => {
    const seconds = (performance.now() - started) / 1000;
    console.error(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rollouts, ${seconds.toFixed(0)} s`);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const saved: SavedRun = {
    date: new Date().toISOString().slice(0, 10),
    rollouts: total,
    wallSeconds,
    workers: options.workers,
    healthySeeds: options.healthySeeds,
    regressionSeeds: options.regressionSeeds,
    summaries: mergeCells(results).map(summarize),
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out.replace(/\.md$/, '') + '.json', `${JSON.stringify(saved)}\n`);
  writeTables(options.out, saved);
}

/** What a run measured, saved so that the tables can be rendered again without rerunning. */
interface SavedRun {
  readonly date: string;
  readonly rollouts: number;
  readonly wallSeconds: number;
  readonly workers: number;
  readonly healthySeeds: number;
  readonly regressionSeeds: number;
  readonly summaries: readonly CellSummary[];
}

function writeTables(out: string, run: SavedRun): void {
  const header = [
    '# Judge benchmark',
    '',
    `Measured by \`npm run bench -- judge\` on ${run.date}: ${run.rollouts.toLocaleString('en')} simulated rollouts in ${run.wallSeconds.toFixed(0)} s on ${run.workers} worker threads.`,
    `Seeds per cell: ${run.healthySeeds} healthy, ${run.regressionSeeds} per regression, the same for every policy. The simulated fleet and the scenarios are in bench/judge/, each policy's rules and their sources in bench/judge/policies/.`,
    '',
  ].join('\n');
  const markdown = renderReport({ summaries: run.summaries, header });
  console.log(markdown);
  writeFileSync(out, markdown);
  console.error(`tables written to ${out}`);
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const list = (flag: string) => value(flag)?.split(',').map((s) => s.trim()).filter(Boolean);
  const count = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1, got ${v}`);
    return n;
  };
  const known = new Set(['--quick', '--healthy-seeds', '--regression-seeds', '--policies', '--scenarios', '--rps', '--workers', '--out', '--render']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}: use ${[...known].join(', ')}`);
  const quick = argv.includes('--quick');
  const policies = list('--policies') ?? POLICIES.map((p) => p.id);
  for (const p of policies) if (!POLICIES.some((x) => x.id === p)) throw new Error(`unknown policy ${p}: use ${POLICIES.map((x) => x.id).join(', ')}`);
  const scenarios = list('--scenarios') ?? SCENARIOS.map((s) => s.name);
  for (const s of scenarios) if (!SCENARIOS.some((x) => x.name === s)) throw new Error(`unknown scenario ${s}: use ${SCENARIOS.map((x) => x.name).join(', ')}`);
  const rps = (list('--rps') ?? RPS_LEVELS.map(String)).map(Number);
  for (const r of rps) if (!(r > 0)) throw new Error(`--rps takes positive numbers, got ${r}`);
  return {
    healthySeeds: count('--healthy-seeds', quick ? 40 : 500),
    regressionSeeds: count('--regression-seeds', quick ? 20 : 100),
    policies,
    scenarios,
    rps,
    workers: count('--workers', availableParallelism()),
    out: value('--out') ?? join(__dirname, '../results/judge.md'),
    render: value('--render'),
  };
}

/** Healthy seeds 1…N and regression seeds 1001…, the same for every policy: each pair of policies sees the same traffic. */
function buildTasks(options: Options): CellTask[] {
  const tasks: CellTask[] = [];
  for (const policy of options.policies) {
    for (const scenario of options.scenarios) {
      const healthy = scenario === 'healthy';
      const n = healthy ? options.healthySeeds : options.regressionSeeds;
      const first = healthy ? 1 : 1001;
      for (const rps of options.rps) {
        for (let i = 0; i < n; i += CHUNK) {
          const seeds = Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => first + i + k);
          tasks.push({ policy, scenario, rps, seeds });
        }
      }
    }
  }
  // The slowest cells (fledge at low traffic runs longest) first, so the workers finish together.
  return tasks.sort((a, b) => Number(b.policy.startsWith('fledge')) - Number(a.policy.startsWith('fledge')));
}

async function runOnWorkers(tasks: readonly CellTask[], workers: number, onProgress: (done: number) => void): Promise<CellResult[]> {
  const queue = [...tasks];
  const results: CellResult[] = [];
  let done = 0;
  let lastReport = performance.now();
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(join(__dirname, 'worker.ts'), { execArgv: ['--require', 'tsx/cjs'] });
      const next = () => {
        const task = queue.shift();
        if (!task) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(task);
      };
      worker.on('message', (message: { ok: true; result: CellResult } | { ok: false; error: string }) => {
        if (!message.ok) {
          void worker.terminate();
          reject(new Error(message.error));
          return;
        }
        results.push(message.result);
        done += message.result.seeds.length;
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          onProgress(done);
        }
        next();
      });
      worker.on('error', reject);
      next();
    });
  await Promise.all(Array.from({ length: Math.max(1, workers) }, one));
  onProgress(done);
  return results;
}

/** Chunks of one cell back into one result. */
function mergeCells(results: readonly CellResult[]): CellResult[] {
  const byCell = new Map<string, CellResult>();
  for (const r of results) {
    const key = `${r.policy}|${r.scenario}|${r.rps}`;
    const prior = byCell.get(key);
    byCell.set(key, prior ? { ...prior, seeds: [...prior.seeds, ...r.seeds], figures: [...prior.figures, ...r.figures] } : r);
  }
  return [...byCell.values()];
}
