import { Command, InvalidArgumentError, Option } from 'commander';
import { SCENARIO_NAMES } from '../local/fleet';
import { PRESET_NAMES } from '../domain/strategies';
import { demo } from './demo';
import type { CliIo } from './io';
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

  return program;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}
