import { Command, InvalidArgumentError, Option } from 'commander';
import { SCENARIO_NAMES } from '../local/fleet';
import { PRESET_NAMES } from '../domain/strategies';
import { demo } from './demo';
import type { CliIo } from './io';
import { plan } from './plan';
import { validate } from './validate';
import { version } from '../../package.json';

/**
 * Every command and option, in one table. Each command is a module exporting
 * `xxx(opts, io): Promise<number>`; this file only declares and dispatches.
 */
export function buildCli(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('fledge')
    .description('Progressive delivery for AWS Lambda and AWS AppConfig, judged with sequential statistics')
    .version(version)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('demo')
    .description('run a whole rollout locally against a simulated fleet: no AWS account needed')
    .addOption(new Option('--scenario <name|file>', `built-in scenario (${SCENARIO_NAMES.join(', ')}) or a traffic model JSON file`).default('healthy'))
    .option('--scenario-file <file>', 'a traffic model JSON file (see the README for its format)')
    .option('--seed <n>', 'random seed of the simulated fleet: same seed, same run', parseInteger, 1)
    .addOption(new Option('--strategy <preset>', 'strategy preset').choices(PRESET_NAMES))
    .option('--request <file>', 'a rollout request JSON file instead of the demo request (targets, strategy, policy)')
    .addOption(new Option('--mode <mode>', 'enforce, or observe (judge and record, never roll back)').choices(['enforce', 'observe']))
    .option('--report <file.html>', 'write a self-contained HTML report with charts')
    .option('--json', 'print one JSON summary instead of the timeline')
    .addOption(new Option('--gates <answer>', 'how manual approval gates are answered').choices(['approve', 'reject']).default('approve'))
    .action(async (opts) => setExitCode(await demo(opts, io)));

  program
    .command('validate')
    .description('check a rollout request file offline and show the plan it would run')
    .argument('<file>', 'rollout request JSON')
    .option('--json', 'print the parsed request and plan as JSON')
    .action(async (file: string, opts: { json?: boolean }) => setExitCode(await validate({ file, json: opts.json }, io)));

  program
    .command('plan')
    .description('show what each step of a rollout request rules out and catches at a given traffic, and how long a healthy release takes')
    .argument('<file>', 'rollout request JSON')
    .option('--rps <n>', 'requests per second reaching each target (required offline; preflight measures it in AWS)', parsePositive)
    .option('--error-rate <rate>', 'stable error rate, 0–1', parseRate, 0.005)
    .option('--slow-rate <rate>', 'stable share of requests slower than the latency threshold, 0–1', parseRate, 0.0035)
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { rps?: number; errorRate: number; slowRate: number; json?: boolean }) => setExitCode(await plan({ file, ...opts }, io)));

  return program;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n < 1)) throw new InvalidArgumentError('expected a rate from 0 up to 1');
  return n;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}
