import { spawnSync } from 'node:child_process';
import { runProcess } from '../helpers/cli';
import { startEndpointProcess, writeJsonFiles, type EndpointProcess } from '../helpers/local-endpoint-process';

/**
 * The local endpoint, driven by an independent client: the standard AWS CLI. If botocore's own
 * serializers and parsers accept what the endpoint says, the endpoint speaks AWS's protocols, not
 * just what fledge's SDK clients happen to tolerate. CI installs the AWS CLI (.ci/run sets
 * FLEDGE_REQUIRE_AWS_CLI, so a missing one fails there instead of skipping).
 */
const awsCliPresent = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
const required = process.env.FLEDGE_REQUIRE_AWS_CLI === '1';
const describeWithCli = awsCliPresent || required ? describe : describe.skip;
if (!awsCliPresent && !required) console.warn('aws-cli.test.ts skipped: the AWS CLI is not installed (apt-get install awscli)');

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:fledge-rollout';
const files = writeJsonFiles({
  'request.json': {
    targets: [{ kind: 'lambda-alias', functionName: 'cli-api', alias: 'live', newVersion: '8' }],
    strategy: { steps: [{ name: 'Canary', weight: 10, minBakeSeconds: 120, maxBakeSeconds: 1800 }, { name: 'Complete', weight: 100, minBakeSeconds: 120, maxBakeSeconds: 1800 }] },
  },
});

describeWithCli('the standard AWS CLI against fledge local up', () => {
  let endpoint: EndpointProcess;
  beforeAll(async () => {
    // Not faster: a loaded machine's pauses would become virtual minutes (see pipeline-cli.test.ts).
    endpoint = await startEndpointProcess(['--speed', '300']);
  }, 60_000);
  afterAll(async () => {
    await endpoint?.stop();
  });

  const aws = async (...args: string[]): Promise<Record<string, unknown>> => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'cli', AWS_SECRET_ACCESS_KEY: 'cli', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const run = await runProcess('aws', ['--endpoint-url', endpoint.url, '--output', 'json', ...args], env);
    if (run.status !== 0) throw new Error(`aws ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout || '{}') as Record<string, unknown>;
  };

  test('start-execution and describe-execution run a rollout to SUCCEEDED', async () => {
    const stack = await aws('cloudformation', 'describe-stacks', '--stack-name', 'FledgeController');
    expect(stack.Stacks).toEqual([expect.objectContaining({ StackName: 'FledgeController', Outputs: expect.arrayContaining([{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE }]) })]);

    const started = await aws('stepfunctions', 'start-execution', '--state-machine-arn', STATE_MACHINE, '--name', 'from-aws-cli', '--input', `file://${files['request.json']}`);
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:fledge-rollout:from-aws-cli');

    let described: Record<string, unknown> = {};
    for (let tries = 0; tries < 120; tries++) {
      described = await aws('stepfunctions', 'describe-execution', '--execution-arn', String(started.executionArn));
      if (described.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'from-aws-cli', stateMachineArn: STATE_MACHINE });
    expect(JSON.parse(String(described.output))).toMatchObject({ outcome: 'promoted' });

    const history = await aws('stepfunctions', 'get-execution-history', '--execution-arn', String(started.executionArn), '--reverse-order', '--max-items', '1');
    expect(history.events).toEqual([expect.objectContaining({ type: 'ExecutionSucceeded' })]);

    const listed = await aws('stepfunctions', 'list-executions', '--state-machine-arn', STATE_MACHINE, '--status-filter', 'SUCCEEDED');
    expect(listed.executions).toEqual([expect.objectContaining({ name: 'from-aws-cli', status: 'SUCCEEDED' })]);

    const alias = await aws('lambda', 'get-alias', '--function-name', 'cli-api', '--name', 'live');
    expect(alias).toMatchObject({ Name: 'live', FunctionVersion: '8' });
  });

  test('errors come back as AWS error codes the AWS CLI names', async () => {
    await expect(aws('stepfunctions', 'describe-execution', '--execution-arn', 'arn:aws:states:us-east-1:000000000000:execution:fledge-rollout:nope')).rejects.toThrow(
      /ExecutionDoesNotExist/,
    );
    await expect(aws('stepfunctions', 'start-execution', '--state-machine-arn', 'arn:aws:states:us-east-1:000000000000:stateMachine:other', '--input', '{}')).rejects.toThrow(/StateMachineDoesNotExist/);
    await expect(aws('cloudformation', 'describe-stacks', '--stack-name', 'NotThere')).rejects.toThrow(/ValidationError.*Stack with id NotThere does not exist/);
  });
});
