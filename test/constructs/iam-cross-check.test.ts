import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Stack } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import { makeEvaluateHandler } from '../../functions/evaluate';
import { makeFinalizeHandler } from '../../functions/finalize';
import { makePreflightHandler } from '../../functions/preflight';
import { makePromoteHandler } from '../../functions/promote';
import { makeRequestApprovalHandler } from '../../functions/request-approval';
import { makeRecordRollbackHandler } from '../../functions/record-rollback';
import { makeRollbackHandler } from '../../functions/rollback';
import { makeShiftHandler } from '../../functions/shift';
import { createLedgerTable } from '../../lib/adapters/ledger';
import { resolveCfnString } from '../../lib/constructs/asl';
import { HANDLER_NAMES, type HandlerName } from '../../lib/constructs/rollout-definition';
import type { RolloutCursor } from '../../lib/domain/cursor';
import { awsControllerDeps } from '../../lib/runtime/aws-dependencies';
import { ENV } from '../../lib/runtime/env';
import { publish, lambdaSeries } from '../adapters/metrics/cloudwatch-fixtures';
import { newAliasConfig, newFunctionConfig, serveAlias } from '../helpers/aws-fixtures';
import { APP, ENV as APPCONFIG_ENV, deployment, FLAG, newFlagContent, PROFILE, serveAppConfig, STRATEGY } from '../helpers/appconfig-fixtures';
import { newTestStack, statementsOf, TEST_ENV } from '../helpers/controller-stack';
import { useDynamoDbLocal } from '../helpers/dynamodb';
import { iamRequestsOf, isAllowed, type RecordedCall } from '../helpers/iam-requests';

/**
 * Every AWS call a controller function's code makes must be allowed by that function's role as
 * synthesized. The calls are not listed by hand: each handler runs with the real AWS adapters
 * against mocked Lambda, AppConfig and CloudWatch APIs and a real DynamoDB Local ledger, and
 * every request it sends is recorded, turned into IAM actions and ARNs, and checked against the
 * role's policy. A call the code gains without a matching grant fails this test.
 */
const ddb = useDynamoDbLocal();
const TABLE = 'fledge-iam-ledger';
const { stack } = newTestStack({ functions: ['orders-api'], appConfig: [{ application: APP, environment: APPCONFIG_ENV }] });

const lambda = mockClient(LambdaClient);
const appconfig = mockClient(AppConfigClient);
const cloudwatch = mockClient(CloudWatchClient);

/** The role's statements with CloudFormation references resolved to the ARNs the test uses. */
function resolvedStatements(handler: HandlerName) {
  const logicalId = (c: { node: { defaultChild?: unknown } }) => Stack.of(stack).getLogicalId(c.node.defaultChild as CfnResource);
  const references: Record<string, string> = {
    [`${logicalId(stack.controller.ledger.table)}.Arn`]: `arn:aws:dynamodb:${TEST_ENV.region}:${TEST_ENV.account}:table/${TABLE}`,
    [logicalId(stack.controller.deploymentStrategy)]: STRATEGY,
  };
  const lenient = new Proxy(references, { get: (target, key: string) => target[key] ?? `unresolved:${key}` });
  return statementsOf(stack, handler).map((s) => ({
    ...s,
    Resource: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) =>
      resolveCfnString(r, { partition: 'aws', region: TEST_ENV.region, account: TEST_ENV.account, references: lenient }),
    ),
  }));
}

/** Runs the handlers in rollout order, recording each one's calls on its own. */
async function recordHandlerCalls(): Promise<Map<HandlerName, RecordedCall[]>> {
  const calls = new Map<HandlerName, RecordedCall[]>(HANDLER_NAMES.map((h) => [h, []]));
  let current: HandlerName = 'preflight';
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
    { env: { [ENV.tableName]: TABLE, [ENV.deploymentStrategyId]: STRATEGY }, appConfigPolling: { pollIntervalMs: 1, sleep: async () => undefined } },
  );
  const collectMocked = () => {
    for (const [service, mock] of [['lambda', lambda], ['appconfig', appconfig], ['cloudwatch', cloudwatch]] as const) {
      for (const call of mock.calls()) {
        const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
        calls.get(current)?.push({ service, command: command.constructor.name, input: command.input });
      }
      mock.resetHistory();
    }
  };
  const as = async <T>(handler: HandlerName, run: () => Promise<T>): Promise<T> => {
    current = handler;
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
    policy: {
      alarms: ['orders-api-errors'],
      customMetrics: [{ name: 'cartErrors', namespace: 'Shop', metricName: 'CartErrors', versionDimension: 'Version', max: 5 }],
    },
  };
  const preflight = makePreflightHandler(deps);
  const shift = makeShiftHandler(deps);
  const evaluate = makeEvaluateHandler(deps);
  const rollback = makeRollbackHandler(deps);

  const promoted = await as('preflight', () => preflight({ request: { ...request, rolloutId: 'iam-promoted' }, executionId: 'exec-1' }));
  const shifted = await as('shift', () => shift(promoted));
  const evaluated: RolloutCursor = await as('evaluate', () => evaluate(shifted));
  await as('requestApproval', () => makeRequestApprovalHandler(deps)({ cursor: evaluated, taskToken: 'token-1' }));
  const finalBake = await as('promote', () => makePromoteHandler(deps)(evaluated));
  await as('finalize', () => makeFinalizeHandler(deps)(finalBake));

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
});

describe('IAM cross-check: every call a handler makes is allowed by its synthesized role', () => {
  let calls: Map<HandlerName, RecordedCall[]>;
  beforeAll(async () => {
    calls = await recordHandlerCalls();
  }, 60_000);

  it('records real traffic for every handler (the check is not vacuous)', () => {
    for (const handler of HANDLER_NAMES) expect({ handler, calls: (calls.get(handler) ?? []).length > 0 }).toEqual({ handler, calls: true });
    const all = [...calls.values()].flat().map((c) => `${c.service}:${c.command.replace(/Command$/, '')}`);
    for (const expected of ['lambda:UpdateAlias', 'appconfig:StartDeployment', 'cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms', 'dynamodb:TransactWriteItems']) {
      expect(all).toContain(expected);
    }
  });

  it.each(HANDLER_NAMES)('%s: every request is allowed', (handler) => {
    const statements = resolvedStatements(handler);
    const denied = (calls.get(handler) ?? [])
      .flatMap((call) => iamRequestsOf(call, TEST_ENV))
      .filter((request) => !isAllowed(statements, request))
      .map((r) => `${r.action} on ${r.resource} (from ${r.from})`);
    expect([...new Set(denied)]).toEqual([]);
  });
});
