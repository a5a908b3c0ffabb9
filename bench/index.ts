/**
 * `npm run bench [-- judge|demo] [options]`: the benchmarks. Figures are measured on this machine,
 * in this run. With no name, every benchmark runs in turn.
 */
import { runJudgeBenchmark } from './judge/run';
import { runDemoWallTime } from './demo-wall-time';

const [name, ...rest] = process.argv.slice(3);

async function main(): Promise<void> {
  if (name === undefined || name === 'judge') await runJudgeBenchmark(name === undefined ? [] : rest);
  if (name === undefined || name === 'demo') runDemoWallTime();
  if (name !== undefined && name !== 'judge' && name !== 'demo') throw new Error(`unknown benchmark ${name}: use judge or demo`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
