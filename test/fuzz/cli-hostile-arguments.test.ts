import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { runCli } from '../../lib/cli/run-cli';
import { PRESET_NAMES } from '../../lib/domain/strategies';
import { startLocalEndpoint } from '../../lib/local/endpoint/local-endpoint';
import { SCENARIO_NAMES } from '../../lib/local/fleet/scenarios';
import { withDynamoDbLocal } from '../../lib/local/local-environment';
import { callsOf } from '../helpers/aws-calls';
import { captureIo, runCliProcess } from '../helpers/cli';
import { badValue, type ValueKind } from '../helpers/hostile/hostile-cli-values';
import { hostileRequest } from '../helpers/hostile/hostile-requests';
import { injectionId, unknownKey } from '../helpers/hostile/hostile-text';
import { FUZZ_SEED, tallyLine } from '../helpers/hostile/fuzz-report';
import { isSafeMessage } from '../helpers/hostile/refusals';
import { tempDir } from '../helpers/local-endpoint-process';

jest.mock('../../lib/local/local-environment', () => jest.requireActual('../helpers/hostile/nothing-starts').refusingLocalEnvironment());
jest.mock('../../lib/local/endpoint/local-endpoint', () => jest.requireActual('../helpers/hostile/nothing-starts').refusingLocalEndpoint());

/**
 * Every value a user passes the CLI, fuzzed, command by command: numbers, durations, ids, names,
 * notes, URLs, and the files it reads or writes. Each bad one must be refused in one line naming
 * the option (or argument), with exit code 2, before any AWS call. The CLI runs in-process, with
 * every AWS client it could build mocked, so a call made would be recorded.
 */
const aws = {
  sfn: mockClient(SFNClient),
  cloudformation: mockClient(CloudFormationClient),
  sts: mockClient(STSClient),
  dynamodb: mockClient(DynamoDBClient),
  ledger: mockClient(DynamoDBDocumentClient),
  lambda: mockClient(LambdaClient),
  appconfig: mockClient(AppConfigClient),
  cloudwatch: mockClient(CloudWatchClient),
};

const dir = tempDir();
const REQUEST = join(dir, 'request.json');
const savedEnv = { ...process.env };

beforeAll(() => {
  writeFileSync(REQUEST, JSON.stringify({ targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'canary-10-5m' }));
  // No profile, region, endpoint or fledge settings leak in from the machine.
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('FLEDGE_')) delete process.env[key];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
});

afterAll(() => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => Object.values(aws).forEach((mock) => mock.reset()));

async function fledge(argv: readonly string[]) {
  Object.values(aws).forEach((mock) => mock.resetHistory());
  const io = captureIo();
  const code = await runCli(['node', 'fledge', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** What a command is given: a value for a kind of option, or a file it reads or writes. */
type Kind = ValueKind | 'choice' | 'request file' | 'json option file' | 'output file' | 'scenario';

interface Input {
  /** `--rps`, or an argument's name (`<rolloutId>`), which the error must name. */
  readonly name: string;
  readonly kind: Kind;
  readonly choices?: readonly string[];
}

const CONTROLLER: Input[] = [
  { name: '--stack', kind: 'stack' },
  { name: '--state-machine-arn', kind: 'state machine arn' },
  { name: '--table', kind: 'table' },
  { name: '--region', kind: 'region' },
  { name: '--endpoint-url', kind: 'endpoint url' },
];

/** Each command: valid arguments to start from (placeholders for the positionals), and what to break. */
const COMMANDS: { argv: string[]; inputs: Input[] }[] = [
  { argv: ['validate', '<file>'], inputs: [{ name: '<file>', kind: 'request file' }] },
  {
    argv: ['plan', '<file>', '--rps', '10'],
    inputs: [{ name: '<file>', kind: 'request file' }, { name: '--rps', kind: 'positive number' }, { name: '--error-rate', kind: 'rate' }, { name: '--slow-rate', kind: 'rate' }],
  },
  { argv: ['start', '<file>'], inputs: [{ name: '<file>', kind: 'request file' }, { name: '--timeout', kind: 'duration' }, { name: '--name', kind: 'execution name' }, ...CONTROLLER] },
  { argv: ['status', '<rolloutId>'], inputs: [{ name: '<rolloutId>', kind: 'rollout id' }, { name: '--timeout', kind: 'duration' }, ...CONTROLLER] },
  { argv: ['list'], inputs: [{ name: '--target', kind: 'target key' }, { name: '--limit', kind: 'positive integer' }, ...CONTROLLER] },
  { argv: ['history', '<targetKey>'], inputs: [{ name: '<targetKey>', kind: 'target key' }, { name: '--limit', kind: 'positive integer' }, ...CONTROLLER] },
  { argv: ['approve', '<rolloutId>'], inputs: [{ name: '<rolloutId>', kind: 'rollout id' }, { name: '--by', kind: 'note' }, { name: '--comment', kind: 'note' }, ...CONTROLLER] },
  ...['reject', 'abort', 'promote'].map((command) => ({
    argv: [command, '<rolloutId>', '--reason', 'incident'],
    inputs: [{ name: '<rolloutId>', kind: 'rollout id' as const }, { name: '--reason', kind: 'note' as const }, { name: '--by', kind: 'note' as const }, ...CONTROLLER],
  })),
  { argv: ['report', '<rolloutId>', '--out', join(dir, 'report.html')], inputs: [{ name: '<rolloutId>', kind: 'rollout id' }, { name: '--out', kind: 'output file' }, ...CONTROLLER] },
  { argv: ['check', '<file>'], inputs: [{ name: '<file>', kind: 'request file' }, ...CONTROLLER] },
  {
    argv: ['demo'],
    inputs: [
      { name: '--scenario', kind: 'scenario' },
      { name: '--scenario-file', kind: 'json option file' },
      { name: '--seed', kind: 'integer' },
      { name: '--strategy', kind: 'choice', choices: PRESET_NAMES },
      { name: '--request', kind: 'json option file' },
      { name: '--mode', kind: 'choice', choices: ['enforce', 'observe'] },
      { name: '--report', kind: 'output file' },
      { name: '--gates', kind: 'choice', choices: ['approve', 'reject'] },
    ],
  },
  {
    argv: ['local', 'up'],
    inputs: [{ name: '--port', kind: 'port' }, { name: '--speed', kind: 'speed' }, { name: '--scenario', kind: 'scenario' }, { name: '--seed', kind: 'integer' }, { name: '--hooks', kind: 'json option file' }],
  },
];

const VALID_POSITIONALS: Record<string, string> = { '<file>': REQUEST, '<rolloutId>': 'r-1', '<targetKey>': 'lambda:orders-api:live' };

let files = 0;
function fileHolding(text: string): string {
  const path = join(dir, `input-${(files += 1)}.json`);
  writeFileSync(path, text);
  return path;
}

/** A bad value for an input, and what else the one error line must say (e.g. the field of a request file). */
function badInput(input: Input): fc.Arbitrary<{ value: string; alsoNames?: string }> {
  const plain = (arb: fc.Arbitrary<string>) => arb.map((value) => ({ value }));
  const unreadable = fc.constantFrom(join(dir, 'missing.json'), dir, '', join(dir, 'nul\u0000.json'), join(dir, `${'x'.repeat(300)}.json`));
  const badJson = fc.constantFrom('', '{', '{"targets": [', 'nul', '\ufeff{}x', "{'a': 1}").map(fileHolding);
  switch (input.kind) {
    case 'choice':
      return plain(fc.oneof(injectionId, fc.constantFrom(...(input.choices ?? [])).map((c) => c.toUpperCase()), fc.constant('')));
    case 'scenario':
      return plain(fc.oneof(injectionId.filter((v) => !/[\\/]/.test(v) && !v.endsWith('.json')), fc.constantFrom(...SCENARIO_NAMES).map((s) => `${s}s`), fc.constant(join(dir, 'missing.json'))));
    case 'json option file':
      return plain(fc.oneof(unreadable, badJson));
    case 'request file':
      // Unreadable, not JSON, or a hostile request: the line names the file's field instead.
      return fc.oneof(
        plain(fc.oneof(unreadable, badJson)),
        hostileRequest.filter((h) => h.key === undefined).map((h) => ({ value: fileHolding(JSON.stringify(h.input)), alsoNames: `${h.field}: ` })),
      );
    case 'output file':
      return plain(fc.constantFrom('', dir, join(dir, 'no-such-dir', 'report.html'), join(dir, 'nul\u0000.html')));
    default:
      return plain(badValue(input.kind));
  }
}

/** The command's arguments with one input replaced by a bad value (or, for an option, added with it). */
function argvWith(argv: readonly string[], input: Input, value: string): string[] {
  const positionals = argv.map((arg) => (arg.startsWith('<') ? (arg === input.name ? value : VALID_POSITIONALS[arg]) : arg));
  if (input.name.startsWith('<')) return positionals;
  const at = positionals.indexOf(input.name);
  const rest = at >= 0 ? [...positionals.slice(0, at), ...positionals.slice(at + 2)] : positionals;
  return [...rest, input.name, value];
}

/** How the error line must name an input: the flag, the argument, or (for the request file) what it is. */
function namedAs(input: Input): string {
  if (input.kind === 'request file') return 'rollout request';
  return input.name.startsWith('<') ? `'${input.name.slice(1, -1)}'` : input.name;
}

const seen = { refused: 0, awsCalls: 0 };

function expectRefusedInOneLine(run: { code: number; stdout: string[]; stderr: string[] }, mustName: readonly string[]): void {
  seen.awsCalls += callsOf(aws).length;
  expect({ code: run.code, stdout: run.stdout, lines: run.stderr.length }).toEqual({ code: 2, stdout: [], lines: 1 });
  const [line] = run.stderr;
  for (const name of mustName) expect({ line, name, named: line.includes(name) }).toMatchObject({ named: true });
  expect(isSafeMessage(line) && !line.includes('\n')).toBe(true);
  expect(callsOf(aws)).toEqual([]);
  expect(jest.mocked(withDynamoDbLocal)).not.toHaveBeenCalled();
  expect(jest.mocked(startLocalEndpoint)).not.toHaveBeenCalled();
  seen.refused += 1;
}

describe('fledge, given bad arguments', () => {
  afterAll(() => console.log(tallyLine(`${seen.refused.toLocaleString('en')} bad CLI arguments over ${COMMANDS.length} commands`, { 'refused in one line naming the option, exit 2': seen.refused, 'AWS calls': seen.awsCalls })));

  it.each(COMMANDS.map((c) => [c.argv.join(' '), c] as const))('%s: refuses a bad value for each of its options and arguments', async (_label, { argv, inputs }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...inputs).chain((input) => badInput(input).map((bad) => ({ input, ...bad }))),
        async ({ input, value, alsoNames }) => {
          expectRefusedInOneLine(await fledge(argvWith(argv, input, value)), [namedAs(input), ...(alsoNames ? [alsoNames] : [])]);
        },
      ),
      { seed: FUZZ_SEED, numRuns: 70 },
    );
  });

  it.each(COMMANDS.map((c) => [c.argv.join(' '), c] as const))('%s: refuses an option it does not have, or one given without its value', async (_label, { argv, inputs }) => {
    const options = inputs.filter((i) => i.name.startsWith('--'));
    // `--` alone ends the options: it is no option at all.
    const unknown = unknownKey.filter((k) => k !== '').map((k) => ({ flag: `--${k}`, missing: false }));
    const withoutValue = options.map((o) => ({ flag: o.name, missing: true }));
    await fc.assert(
      fc.asyncProperty(withoutValue.length > 0 ? fc.oneof(unknown, fc.constantFrom(...withoutValue)) : unknown, async ({ flag, missing }) => {
        const base = argv.map((arg) => VALID_POSITIONALS[arg] ?? arg);
        // A missing value: the option last, with the value it had in `base` (if any) taken out.
        const run = await fledge(missing ? [...base.filter((a, i) => a !== flag && base[i - 1] !== flag), flag] : [...base, flag, 'x']);
        // Commander names the flag as given (escaped where it is unprintable): its plain start is there as typed.
        expectRefusedInOneLine(run, [missing ? `option '${flag}` : `unknown option '${/^--[A-Za-z0-9]*/.exec(flag)?.[0]}`]);
      }),
      { seed: FUZZ_SEED, numRuns: 15 },
    );
  });
});

describe('the harness', () => {
  it('sees AWS calls when the arguments are good, so the zero calls above can fail', async () => {
    await fledge(['status', 'r-1', '--stack', 'MyFledge']);
    const calls = callsOf(aws);
    await fledge(['list', '--endpoint-url', 'http://127.0.0.1:1', '--state-machine-arn', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Rollout', '--table', 'fledge-ledger']);
    expect([...calls, ...callsOf(aws)]).toEqual(['cloudformation:DescribeStacksCommand', 'ledger:QueryCommand']);
  });

  it('gets the same from the real binary, as a pipeline runs it: one escaped line and exit 2', async () => {
    const run = await runCliProcess(['plan', REQUEST, '--rps', '1\u001b[31m']);
    expect(run).toEqual({ status: 2, stdout: '', stderr: "error: option '--rps <n>' argument '1\\u001b[31m' is invalid. expected a number above 0\n" });
  });

  it('runs the offline commands to completion, and starts the local ones, with the same good arguments', async () => {
    expect((await fledge(['validate', REQUEST])).code).toBe(0);
    expect((await fledge(['plan', REQUEST, '--rps', '10', '--error-rate', '0.01'])).code).toBe(0);
    await fledge(['demo', '--scenario', 'healthy', '--seed', '3']);
    await fledge(['local', 'up', '--port', '0', '--speed', '600']);
    expect(jest.mocked(withDynamoDbLocal)).toHaveBeenCalledTimes(1);
    expect(jest.mocked(startLocalEndpoint)).toHaveBeenCalledTimes(1);
  });
});
