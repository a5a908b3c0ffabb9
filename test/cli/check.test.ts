import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient, ResourceNotFoundException, type GetFunctionConfigurationCommandInput } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../lib/cli/run-cli';
import { awsError, newAliasConfig, newFunctionConfig, serveAlias, type LambdaMock } from '../helpers/aws-fixtures';
import { captureIo } from '../helpers/cli';
import { writeJsonFiles } from '../helpers/local-endpoint-process';

/**
 * `fledge check` on the AWS SDK, with every client mocked: the lifecycle hooks a request names are
 * read (GetFunctionConfiguration) like its targets, and each one a start would refuse is reported.
 */
const lambda = mockClient(LambdaClient) as unknown as LambdaMock;
const ledger = mockClient(DynamoDBDocumentClient);
const dynamodb = mockClient(DynamoDBClient);
const cloudwatch = mockClient(CloudWatchClient);
const CONTROLLER = ['--state-machine-arn', 'arn:aws:states:eu-west-1:123456789012:stateMachine:fledge-rollout', '--table', 'fledge-ledger', '--region', 'eu-west-1'];
const target = { kind: 'lambda-alias', functionName: 'checkout', alias: 'live', newVersion: '7' };
const files = writeJsonFiles({
  'hooks-ok.json': { targets: [target], strategy: 'canary-10-5m', hooks: { preTraffic: { functionName: 'checkout-smoke' }, postTraffic: { functionName: 'checkout-journey:live' } } },
  'hooks-refused.json': { targets: [target], strategy: 'canary-10-5m', hooks: { preTraffic: { functionName: 'checkout-missing' }, postTraffic: { functionName: 'payments-admin' } } },
});
const savedEnv = { ...process.env };

beforeAll(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('FLEDGE_')) delete process.env[key];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  serveAlias(lambda, newAliasConfig());
  lambda.on(GetFunctionConfigurationCommand).callsFake((input: GetFunctionConfigurationCommandInput) => {
    switch (input.FunctionName) {
      case 'checkout':
        return newFunctionConfig(input.Qualifier ?? '$LATEST');
      case 'checkout-missing':
        throw new ResourceNotFoundException({ message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:checkout-missing', $metadata: {} });
      case 'payments-admin':
        // The pipeline policy reads the controller's hook functions only.
        throw awsError('AccessDeniedException', 'User is not authorized to perform: lambda:GetFunctionConfiguration');
      default:
        return { FunctionName: input.FunctionName, State: 'Active' };
    }
  });
  ledger.on(GetCommand).resolves({});
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

afterAll(() => {
  process.env = savedEnv;
  for (const mock of [lambda, ledger, dynamodb, cloudwatch]) mock.restore();
});

async function check(file: string) {
  const io = captureIo();
  const code = await runCli(['node', 'fledge', 'check', file, ...CONTROLLER, '--json'], io);
  return { code, result: JSON.parse(io.stdout.join('\n')) as { accepted: boolean; refusals: string[] } };
}

describe('fledge check, with lifecycle hooks', () => {
  it('reads each hook function the request names, and accepts those that exist', async () => {
    lambda.resetHistory();
    const { code, result } = await check(files['hooks-ok.json']);
    expect(result.refusals).toEqual([]);
    expect(code).toBe(0);
    const read = lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input.FunctionName);
    expect(read).toEqual(expect.arrayContaining(['checkout-smoke', 'checkout-journey:live']));
  });

  it('reports, for each hook a start would refuse, the field and why, and exits 2', async () => {
    const { code, result } = await check(files['hooks-refused.json']);
    expect(code).toBe(2);
    expect(result.refusals).toEqual([
      'hooks.preTraffic.functionName: GetFunctionConfiguration checkout-missing: ResourceNotFoundException: Function not found: arn:aws:lambda:eu-west-1:123456789012:function:checkout-missing',
      "hooks.postTraffic.functionName: the pipeline policy may not read payments-admin, so it is not one of this controller's hook functions, and preflight would refuse it; redeploy with -c hooks=payments-admin",
    ]);
  });
});
