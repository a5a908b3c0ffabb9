import { Command, Option } from 'commander';
import { SCENARIO_NAMES } from '../local/fleet/scenarios';
import { PRESET_NAMES } from '../domain/strategies';
import { check } from './check';
import { demo } from './demo';
import { abort, approve, promote, reject } from './gates';
import { errorLine, type CliIo } from './io';
import { history, list } from './list';
import { localUp } from './local-up';
import { plan } from './plan';
import { report } from './report';
import { start } from './start';
import { status } from './status';
import { validate } from './validate';
import { DEFAULT_LOCAL_PORT } from '../local/endpoint/endpoint-defaults';
import { parseDuration } from './duration';
import {
  parseExecutionName,
  parseInteger,
  parseNote,
  parsePort,
  parsePositive,
  parsePositiveInteger,
  parseRate,
  parseRegion,
  parseRolloutId,
  parseSpeed,
  parseStackName,
  parseStateMachineArn,
  parseTableName,
  parseTargetKey,
} from './option-values';
import type { ControllerOptions } from './controller-access';
import { version } from '../../package.json';

/**
 * Every command and option, in one table. Each command is a module exporting
 * `xxx(opts, io): Promise<number>`; this file only declares and dispatches.
 */
export function buildCli(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('fledge')
    .description('Progressive delivery for AWS Lambda and AWS AppConfig, judged with sequential statistics')
    .version(version)
    // A mistake is one line naming the option, as pipelines log it; --help shows the rest.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: (s, write) => write(errorLine(s)) })
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 promoted (or done), 1 rolled back, 2 usage error or refused request, 3 controller failure, 4 --timeout reached.\n' +
        'Controller: --stack (default FledgeController), or --state-machine-arn and --table; region and credentials from the AWS SDK chain.',
    );

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

  withController(program.command('start'))
    .description('start a rollout on the deployed controller; with --wait, follow it live and exit with its outcome')
    .argument('<file>', 'rollout request JSON (checked offline first, as validate does)')
    .option('--wait', 'follow the rollout to its end: exit 0 promoted, 1 rolled back, 2 refused, 3 controller failure, 4 timed out')
    .option('--timeout <duration>', 'with --wait: stop waiting after this long, e.g. 90m or 2h (the rollout goes on; exit 4)', parseDuration)
    .option('--name <name>', 'execution name (default: the rollout id)', parseExecutionName)
    .option('--json', 'print JSON instead of the timeline')
    .action(async (file: string, opts: ControllerOptions & { wait?: boolean; timeout?: number; name?: string; json?: boolean }) =>
      setExitCode(await start({ ...opts, file, timeoutMs: opts.timeout }, io)),
    );

  withController(program.command('status'))
    .description('where a rollout stands: step, weight, last verdict and why, a pending gate, the outcome')
    .argument('<rolloutId>', 'the rollout id', parseRolloutId)
    .option('--follow', 'follow it to its end, as start --wait does, and exit with its outcome')
    .option('--timeout <duration>', 'with --follow: stop following after this long (exit 4)', parseDuration)
    .option('--json', 'print JSON')
    .action(async (rolloutId: string, opts: ControllerOptions & { follow?: boolean; timeout?: number; json?: boolean }) =>
      setExitCode(await status({ ...opts, rolloutId, timeoutMs: opts.timeout }, io)),
    );

  withController(program.command('list'))
    .description('recent rollouts, newest first')
    .option('--active', 'only rollouts still running or waiting at a gate')
    .option('--target <key>', 'only rollouts of this target, e.g. lambda:orders-api:live', parseTargetKey)
    .option('--limit <n>', 'at most this many', parsePositiveInteger, 20)
    .option('--json', 'print JSON')
    .action(async (opts: ControllerOptions & { active?: boolean; target?: string; limit: number; json?: boolean }) => setExitCode(await list(opts, io)));

  withController(program.command('history'))
    .description('every rollout that touched one target, newest first')
    .argument('<targetKey>', 'lambda:<function>:<alias> or appconfig:<app>/<env>/<profile>#<flag>', parseTargetKey)
    .option('--limit <n>', 'at most this many', parsePositiveInteger, 20)
    .option('--json', 'print JSON')
    .action(async (targetKey: string, opts: ControllerOptions & { limit: number; json?: boolean }) => setExitCode(await history({ ...opts, targetKey }, io)));

  withController(program.command('approve'))
    .description('pass the manual gate a rollout waits at; the ledger records who and why')
    .argument('<rolloutId>', 'the rollout id', parseRolloutId)
    .option('--by <who>', 'who approves (default: your IAM identity, from STS)', parseNote)
    .option('--comment <text>', 'why', parseNote)
    .option('--json', 'print JSON')
    .action(async (rolloutId: string, opts: ControllerOptions & { by?: string; comment?: string; json?: boolean }) => setExitCode(await approve({ ...opts, rolloutId }, io)));

  // Three commands that act on a rollout with a reason the ledger keeps, and the same options.
  const actWithReason = [
    ['reject', 'reject the manual gate: the rollout rolls back', 'rejects', reject],
    ['abort', 'roll a running rollout back: at its next evaluation during a bake, at once at a gate', 'aborts', abort],
    ['promote', 'emergency fast-forward to 100%, skipping the remaining steps; audited in the ledger', 'promotes', promote],
  ] as const;
  for (const [name, description, verb, run] of actWithReason) {
    withController(program.command(name))
      .description(description)
      .argument('<rolloutId>', 'the rollout id', parseRolloutId)
      .requiredOption('--reason <text>', 'why (recorded in the ledger)', parseNote)
      .option('--by <who>', `who ${verb} (default: your IAM identity, from STS)`, parseNote)
      .option('--json', 'print JSON')
      .action(async (rolloutId: string, opts: ControllerOptions & { reason: string; by?: string; json?: boolean }) => setExitCode(await run({ ...opts, rolloutId }, io)));
  }

  withController(program.command('report'))
    .description('write the HTML report of any rollout, from its ledger')
    .argument('<rolloutId>', 'the rollout id', parseRolloutId)
    .requiredOption('--out <file.html>', 'where to write it')
    .option('--json', 'print JSON')
    .action(async (rolloutId: string, opts: ControllerOptions & { out: string; json?: boolean }) => setExitCode(await report({ ...opts, rolloutId }, io)));

  withController(program.command('check'))
    .description('read-only preflight against the account: what a start would refuse, and the traffic it would be judged on; changes nothing')
    .argument('<file>', 'rollout request JSON')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: ControllerOptions & { json?: boolean }) => setExitCode(await check({ ...opts, file }, io)));

  const local = program.command('local').description('a local controller to try the CLI and pipelines on, with no AWS account');
  local
    .command('up')
    .description('serve a local controller on loopback (Step Functions, the ledger, the stack outputs) until Ctrl+C')
    .option('--port <n>', 'loopback port (0 picks a free one)', parsePort, DEFAULT_LOCAL_PORT)
    .option('--speed <n>', 'virtual seconds per wall second, up to 86400: 60 bakes a minute in a second', parseSpeed, 60)
    .addOption(new Option('--scenario <name|file>', `traffic of the simulated fleet: ${SCENARIO_NAMES.join(', ')}, or a traffic model JSON file`).default('healthy'))
    .option('--seed <n>', 'random seed of the simulated fleet', parseInteger, 1)
    .option('--hooks <file>', "a request file whose local section defines the lifecycle hook functions rollouts may name")
    .option('--json', 'print one JSON line with the URL instead of the greeting')
    .action(async (opts: { port: number; speed: number; scenario: string; seed: number; hooks?: string; json?: boolean }) => setExitCode(await localUp(opts, io)));

  return program;
}

/** The options every command that talks to a deployed controller shares. */
function withController(command: Command): Command {
  return command
    .option('--stack <name>', 'the controller stack, whose outputs name the state machine and table (env FLEDGE_STACK)', parseStackName)
    .option('--state-machine-arn <arn>', 'the rollout state machine, instead of --stack (env FLEDGE_STATE_MACHINE_ARN)', parseStateMachineArn)
    .option('--table <name>', 'the ledger table, with --state-machine-arn (env FLEDGE_TABLE)', parseTableName)
    .option('--region <region>', 'AWS region (default: AWS_REGION, then the profile)', parseRegion)
    .option('--endpoint-url <url>', 'one endpoint for every call, e.g. fledge local up (env FLEDGE_ENDPOINT_URL)');
}
