import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Wall time of `fledge demo` for the healthy progressive rollout, as a user runs it: a fresh
 * process each time, DynamoDB Local start-up included. Repeated to show the spread.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const bin = join(__dirname, '../bin/fledge.js');

interface Sample {
  readonly wallSeconds: number;
  readonly inProcessSeconds: number;
  readonly virtualMinutes: number;
  readonly evaluations: number;
  readonly outcome: string;
}

function runOnce(): Sample {
  const start = performance.now();
  const result = spawnSync(process.execPath, [bin, 'demo', '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallSeconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`demo exited ${result.status}: ${result.stderr}`);
  const summary = JSON.parse(result.stdout) as { wallSeconds: number; virtualMinutes: number; evaluations: number; outcome: string };
  return { wallSeconds, inProcessSeconds: summary.wallSeconds, virtualMinutes: summary.virtualMinutes, evaluations: summary.evaluations, outcome: summary.outcome };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function runDemoWallTime(): void {
const samples: Sample[] = [];
for (let i = 1; i <= RUNS; i++) {
  const s = runOnce();
  samples.push(s);
  console.log(`run ${i}/${RUNS}: ${s.wallSeconds.toFixed(2)} s wall (${s.inProcessSeconds.toFixed(2)} s from DynamoDB Local start to summary), ${s.virtualMinutes} virtual min, ${s.evaluations} evaluations, ${s.outcome}`);
}
const walls = samples.map((s) => s.wallSeconds);
console.log(
  `\nfledge demo (healthy, progressive), ${RUNS} runs: median ${median(walls).toFixed(2)} s, min ${Math.min(...walls).toFixed(2)} s, max ${Math.max(...walls).toFixed(2)} s; ` +
    `virtual/wall speed-up ≈ ${Math.round((median(samples.map((s) => s.virtualMinutes)) * 60) / median(walls))}×`,
);
}
