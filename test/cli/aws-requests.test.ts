import { executionArnOf } from '../../lib/domain/execution-arn';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Ledger } from '../../lib/adapters/ledger';
import { runCli } from '../../lib/cli/run-cli';
import { systemClock } from '../../lib/domain/clock';
import { captureIo } from '../helpers/cli';
import { useDynamoDbLocal } from '../helpers/dynamodb';
import { writeJsonFiles } from '../helpers/local-endpoint-process';

/**
 * The exact requests each command sends to Step Functions, CloudFormation and STS, as AWS would
 * receive them, and how their failures read. The ledger is a real table in DynamoDB Local, reached
 * through the same --endpoint-url; the other services are mocked, so nothing else leaves the process.
 */
const ddb = useDynamoDbLocal();
const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Rollout1A2B3C';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/github-deploy/run-42';
const files = writeJsonFiles({
  'request.json': { targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'canary-10-5m' },
});

let table: string;
let ledger: Ledger;
const savedEnv = { ...process.env };

beforeEach(async () => {
  sfn.reset();
  cfn.reset();
  sts.reset();
  table = await ddb.newTable();
  ledger = new Ledger({ client: ddb.client, tableName: table, clock: systemClock });
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'MyFledge', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE }, { OutputKey: 'LedgerTableName', OutputValue: table }] }],
  });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER, Account: '123456789012', UserId: 'AROA:run-42' });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('FLEDGE_')) delete process.env[key];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-west-1' });
});

afterAll(() => {
  process.env = savedEnv;
});

async function fledge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCli(['node', 'fledge', ...args, '--endpoint-url', ddb.local.endpoint], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

/** A rollout waiting at its gate after step 1, as RequestApproval leaves it. */
async function waitingAtGate(rolloutId: string, taskToken: string): Promise<void> {
  await ledger.createRollout({ rolloutId, status: 'IN_PROGRESS', request: {}, plan: {}, captured: [], targetKeys: ['lambda:orders-api:live'], mode: 'enforce', executionId: executionArnOf(STATE_MACHINE, rolloutId) });
  await ledger.updateRollout(rolloutId, { status: 'AWAITING_APPROVAL', pendingApproval: { taskToken, stepIndex: 0, requestedAt: new Date().toISOString() } }, { expectedStatus: 'IN_PROGRESS' });
}

describe('start', () => {
  test('reads the stack outputs, then starts one execution named after the rollout, with the request as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArnOf(STATE_MACHINE, 'r-1'), startDate: new Date() });
    const run = await fledge('start', files['request.json'], '--stack', 'MyFledge', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'MyFledge' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const sent = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    const { rolloutId } = JSON.parse(run.stdout) as { rolloutId: string };
    expect(sent).toEqual({ stateMachineArn: STATE_MACHINE, name: rolloutId, input: expect.any(String) });
    expect(JSON.parse(sent.input as string)).toEqual({ ...JSON.parse(JSON.stringify({ targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'canary-10-5m' })), rolloutId });
  });

  test('a refused request sends nothing at all', async () => {
    const bad = writeJsonFiles({ 'bad.json': { targets: [], strategy: 'canary-10-5m' } });
    const run = await fledge('start', bad['bad.json'], '--stack', 'MyFledge');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/targets: needs at least one target/);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  test('--wait asks DescribeExecution about that execution until it ends, and exits with the ledger outcome', async () => {
    const arn = executionArnOf(STATE_MACHINE, 'r-wait');
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING', executionArn: arn, stateMachineArn: STATE_MACHINE, startDate: new Date() }).resolves({ status: 'FAILED', error: 'RolledBackOnFailedVerdict', cause: 'errors failed', executionArn: arn, stateMachineArn: STATE_MACHINE, startDate: new Date() });
    await ledger.createRollout({ rolloutId: 'r-wait', status: 'IN_PROGRESS', request: {}, plan: {}, captured: [], targetKeys: ['lambda:orders-api:live'], mode: 'enforce', executionId: arn });
    await ledger.updateRollout('r-wait', { status: 'ROLLED_BACK', outcome: { decision: 'rolled-back', reason: 'verdict-failed: errors failed', at: new Date().toISOString() } });
    const request = writeJsonFiles({ 'r.json': { rolloutId: 'r-wait', targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'canary-10-5m' } });
    const run = await fledge('start', request['r.json'], '--state-machine-arn', STATE_MACHINE, '--table', table, '--wait');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ROLLED BACK \(execution FAILED, exit 1\)\n {2}why: verdict-failed: errors failed/);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 0);
    for (const call of sfn.commandCalls(DescribeExecutionCommand)) expect(call.args[0].input).toEqual({ executionArn: arn });
  });
});

describe('gates', () => {
  test('approve sends the task token from the ledger with the caller as approver', async () => {
    await waitingAtGate('r-gate', 'token-abc');
    const run = await fledge('approve', 'r-gate', '--stack', 'MyFledge', '--comment', 'looks good');
    expect(run).toMatchObject({ code: 0 });
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const input = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
    expect(input.taskToken).toBe('token-abc');
    expect(JSON.parse(input.output as string)).toEqual({ approved: true, by: CALLER, reason: 'looks good' });
    expect((await ledger.listEvents('r-gate')).filter((e) => e.type === 'approval').map((e) => e.data)).toEqual([{ approved: true, by: CALLER, reason: 'looks good', stepIndex: 0 }]);
  });

  test('reject and abort at a gate fail the task with the error the state machine catches', async () => {
    await waitingAtGate('r-reject', 'token-1');
    expect((await fledge('reject', 'r-reject', '--stack', 'MyFledge', '--reason', 'p99 up', '--by', 'bob')).code).toBe(0);
    await waitingAtGate('r-abort', 'token-2');
    expect((await fledge('abort', 'r-abort', '--stack', 'MyFledge', '--reason', 'incident', '--by', 'carol')).code).toBe(0);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-1', error: 'ApprovalRejectedError', cause: 'rejected by bob: p99 up' },
      { taskToken: 'token-2', error: 'AbortedError', cause: 'aborted by carol: incident' },
    ]);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 0);
  });

  test('abort during a bake sends nothing to Step Functions: the next evaluation acts on the ledger', async () => {
    await ledger.createRollout({ rolloutId: 'r-bake', status: 'IN_PROGRESS', request: {}, plan: {}, captured: [], targetKeys: ['lambda:orders-api:live'], mode: 'enforce' });
    expect((await fledge('abort', 'r-bake', '--stack', 'MyFledge', '--reason', 'incident', '--by', 'carol')).code).toBe(0);
    expect(sfn.calls()).toHaveLength(0);
    expect((await ledger.requireRollout('r-bake')).control).toMatchObject({ action: 'abort', reason: 'incident', requestedBy: 'carol' });
  });
});

describe('errors users hit, one line each', () => {
  test('access denied names the missing IAM action', async () => {
    const denied = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: states:StartExecution on resource: ' + STATE_MACHINE), { name: 'AccessDeniedException' });
    sfn.on(StartExecutionCommand).rejects(denied);
    const run = await fledge('start', files['request.json'], '--stack', 'MyFledge');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('fledge: could not start the rollout: access denied; the caller needs states:StartExecution (see "Run a rollout from your pipeline" in the README for the policy)');
  });

  test('a stack that is not there says to deploy it, name it or pick the region', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id FledgeController does not exist'), { name: 'ValidationError' }));
    const run = await fledge('list');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('fledge: could not read the outputs of stack FledgeController: Stack with id FledgeController does not exist in this region; deploy the controller (cdk deploy), name it with --stack, or set the region with --region');
  });

  test('missing credentials say where credentials come from', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const run = await fledge('status', 'r-1');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fledge: could not read the outputs of stack FledgeController: no AWS credentials found; set AWS_PROFILE/);
  });

  test('a throttled or failing AWS is a controller failure, exit 3', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const run = await fledge('start', files['request.json'], '--stack', 'MyFledge');
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('fledge: could not start the rollout: ThrottlingException: Rate exceeded');
  });
});
