import { runCli } from '../../lib/cli/run-cli';
import { startLocalEndpoint, type EndpointCall, type LocalEndpoint } from '../../lib/local/endpoint/local-endpoint';
import { scenarioByName } from '../../lib/local/fleet';
import { captureIo } from '../helpers/cli';
import { actionsOf, newTestStack } from '../helpers/controller-stack';
import { distinctRequests, iamRequestsOf, type IamRequest } from '../helpers/iam-requests';
import { allowedWithoutTheirAction, deniedRequests, type Identity } from '../helpers/iam-simulation';
import { tempDir, writeJsonFiles } from '../helpers/local-endpoint-process';
import { deployedManagedPolicy, logicalIdOf } from '../helpers/synthesized-policies';

/**
 * Every call the CLI makes, in every command a pipeline runs, must be allowed by the stack's
 * PipelinePolicy. The calls are not listed by hand: each command runs against the local endpoint,
 * over HTTP through the CLI's own SDK clients, and the endpoint records what it was asked. AWS's
 * service authorization catalogue turns each call into IAM requests, and an independent policy
 * evaluator decides them against the policy (see iam-cross-check.test.ts, which also checks the
 * policy's actions against the catalogue).
 */
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
/** The unique id CloudFormation gives the stack, part of the ARN it authorizes DescribeStacks against. */
const STACK_ID = '00000000-0000-0000-0000-000000000000';
const { stack, template } = newTestStack({ functions: ['orders-api', 'payments-api'], hookFunctions: ['orders-journey-check'], env: { account: ACCOUNT, region: REGION } });

const calls: EndpointCall[] = [];
let endpoint: LocalEndpoint;
const savedEnv = { ...process.env };

beforeAll(async () => {
  // Not faster: a loaded machine's pauses would become virtual minutes (see pipeline-cli.test.ts).
  endpoint = await startLocalEndpoint({ port: 0, speed: 300, model: scenarioByName('healthy'), onCall: (call) => calls.push(call) });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('FLEDGE_')) delete process.env[key];
  Object.assign(process.env, { FLEDGE_ENDPOINT_URL: endpoint.url, AWS_ACCESS_KEY_ID: 'pipeline', AWS_SECRET_ACCESS_KEY: 'pipeline' });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await endpoint?.close();
});

/** Runs a command in-process, as bin/fledge.ts would, and returns its exit code and output. */
async function fledge(...args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo();
  const code = await runCli(['node', 'fledge', ...args], io);
  return { code, out: [...io.stdout, ...io.stderr].join('\n') };
}

type Status = { pendingGate?: unknown; step?: { weight: number } };
const atGate = (s: Status) => s.pendingGate !== undefined;
const baking = (s: Status) => s.step?.weight === 10;

async function when(rolloutId: string, ready: (s: Status) => boolean): Promise<void> {
  let last = '';
  for (let tries = 0; tries < 300; tries++) {
    last = (await fledge('status', rolloutId, '--json')).out;
    if (ready(JSON.parse(last) as Status)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // What it got to instead (rolled back by a verdict, ended already) is what explains a failure.
  throw new Error(`rollout ${rolloutId} never got there: ${last}`);
}

/** The PipelinePolicy, attached to a pipeline's role, its references resolved to the ARNs the local endpoint hands out. */
function pipelineRole(): Identity {
  const stateMachine = logicalIdOf(stack.controller.stateMachine);
  return deployedManagedPolicy(template, logicalIdOf(stack.controller.pipelinePolicy), 'pipeline', {
    region: REGION,
    account: ACCOUNT,
    // The AppConfig strategy in the flag read grant is not reachable locally: left unresolved, it matches no call.
    references: {
      [`${logicalIdOf(stack.controller.ledger.table)}.Arn`]: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${endpoint.account.tableName}`,
      [stateMachine]: endpoint.account.stateMachineArn,
      [`${stateMachine}.Name`]: 'fledge-rollout',
      'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${endpoint.account.stackName}/${STACK_ID}`,
    },
  });
}

/** Runs every command a pipeline uses, through every way a rollout ends, recording their calls. */
async function runEveryPipelineCommand(): Promise<void> {
  const quick = { steps: [{ weight: 10, minBakeSeconds: 120, maxBakeSeconds: 1800 }, { weight: 100, minBakeSeconds: 120, maxBakeSeconds: 1800 }] };
  const long = { steps: [{ weight: 10, minBakeSeconds: 7200, maxBakeSeconds: 7200 }, { weight: 100, minBakeSeconds: 120, maxBakeSeconds: 1800 }] };
  const alias = (functionName: string, newVersion: string) => ({ kind: 'lambda-alias', functionName, alias: 'live', newVersion });
  const files = writeJsonFiles({
    'healthy.json': { targets: [alias('orders-api', '2')], strategy: quick, policy: { alarms: ['orders-api-errors'] } },
    // check reads the hook functions a request names, as preflight does.
    'hooked.json': { targets: [alias('orders-api', '2')], strategy: quick, hooks: { postTraffic: { functionName: 'orders-journey-check:live' } } },
    'gated.json': { targets: [alias('payments-api', '2')], strategy: { steps: [{ ...quick.steps[0], approval: true }, quick.steps[1]] } },
    'gated-again.json': { targets: [alias('payments-api', '3')], strategy: { steps: [{ ...quick.steps[0], approval: true }, quick.steps[1]] } },
    'abort.json': { targets: [alias('orders-api', '3')], strategy: long },
    'promote.json': { targets: [alias('orders-api', '4')], strategy: long },
  });
  const id = (run: { out: string }) => {
    const found = /"rolloutId": "([^"]+)"/.exec(run.out)?.[1];
    if (!found) throw new Error(`no rollout id in ${run.out}`);
    return found;
  };

  expect((await fledge('check', files['healthy.json'])).code).toBe(0);
  expect((await fledge('check', files['hooked.json'])).code).toBe(0);
  const promoted = id(await fledge('start', files['healthy.json'], '--wait', '--json'));
  expect((await fledge('status', promoted)).code).toBe(0);
  expect((await fledge('list')).code).toBe(0);
  expect((await fledge('list', '--active')).code).toBe(0);
  expect((await fledge('history', 'lambda:orders-api:live')).code).toBe(0);
  expect((await fledge('report', promoted, '--out', `${tempDir()}/report.html`)).code).toBe(0);

  const gated = id(await fledge('start', files['gated.json'], '--json'));
  await when(gated, atGate);
  expect((await fledge('approve', gated)).code).toBe(0);
  expect((await fledge('status', gated, '--follow')).code).toBe(0);
  const rejected = id(await fledge('start', files['gated-again.json'], '--json'));
  await when(rejected, atGate);
  expect((await fledge('reject', rejected, '--reason', 'no')).code).toBe(0);
  expect((await fledge('status', rejected, '--follow')).code).toBe(1);

  const aborted = id(await fledge('start', files['abort.json'], '--json'));
  await when(aborted, baking);
  expect((await fledge('start', files['promote.json'], '--wait', '--timeout', '1s')).code).toBe(2); // the alias is locked by the rollout above
  expect((await fledge('abort', aborted, '--reason', 'test')).code).toBe(0);
  expect((await fledge('status', aborted, '--follow')).code).toBe(1);
  const fastForwarded = id(await fledge('start', files['promote.json'], '--json'));
  await when(fastForwarded, baking);
  expect((await fledge('promote', fastForwarded, '--reason', 'hotfix')).code).toBe(0);
  expect((await fledge('status', fastForwarded, '--follow', '--timeout', '2m')).code).toBe(0);
}

describe('PipelinePolicy: every call of every pipeline command is allowed, and nothing else', () => {
  let requests: IamRequest[];
  beforeAll(async () => {
    await runEveryPipelineCommand();
    const ctx = { region: REGION, account: ACCOUNT, lookedUp: { Id: STACK_ID } };
    requests = distinctRequests((await Promise.all(calls.map((call) => iamRequestsOf(call, ctx)))).flat());
  }, 180_000);

  it('allows every request the commands make', async () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(await deniedRequests(pipelineRole(), requests)).toEqual([]);
  });

  it('grants no action that no command uses', () => {
    const used = new Set(requests.map((r) => r.action));
    const granted = actionsOf(pipelineRole().policies.flatMap((p) => p.document.Statement));
    // check reads AppConfig flags too; the local endpoint serves no AppConfig, so those reads are covered by the adapter's own IAM test.
    expect(granted.filter((a) => !used.has(a) && !a.startsWith('appconfig:'))).toEqual([]);
  });

  it('denies each call once the action it needs is taken out of the policy', async () => {
    expect(await allowedWithoutTheirAction(pipelineRole(), requests)).toEqual([]);
  });
});
