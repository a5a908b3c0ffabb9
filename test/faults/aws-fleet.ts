import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type DescribeAlarmsCommandInput, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PreconditionFailedException,
  UpdateAliasCommand,
  type GetAliasCommandInput,
  type GetFunctionConfigurationCommandInput,
  type InvokeCommandInput,
  type UpdateAliasCommandInput,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLedgerTable, Ledger } from '../../lib/adapters/ledger';
import type { ControllerDeps } from '../../lib/controller/dependencies';
import { targetKey, type AppConfigFlagTarget, type LambdaAliasTarget, type Target } from '../../lib/domain/targets';
import { cloudWatchApi } from '../../lib/local/endpoint/cloudwatch-api';
import { lambdaApi } from '../../lib/local/endpoint/lambda-api';
import type { LocalAccount } from '../../lib/local/endpoint/account-apis';
import { type DrawnSlices, SimulatedAlarmSource, SimulatedFleet, SimulatedSmokeInvoker, type AliasState, type TrafficModel } from '../../lib/local/fleet';
import { VirtualClock } from '../../lib/local/virtual-clock';
import type { HookRuntime } from '../../lib/local/hooks/hook-task';
import { hookFunctionName } from '../../lib/domain/lifecycle-hooks';
import { awsControllerDeps } from '../../lib/runtime/aws-dependencies';
import { ENV } from '../../lib/runtime/env';
import { deployment, newFlagContent, serveAppConfig, STRATEGY, type AppConfigWorld, type Around } from '../helpers/appconfig-fixtures';
import type { LambdaMock } from '../helpers/aws-fixtures';

/** The AWS services the controller calls, as the fault matrix names them. */
export type Service = 'lambda' | 'appconfig' | 'cloudwatch' | 'dynamodb';

/** Every call AWS answers passes through this: the fault matrix fails some of them. */
export type ServiceAround = <T>(service: Service, command: string, input: unknown, answer: () => T | Promise<T>) => Promise<T>;

/** One write that changed a target's traffic, as AWS applied it. */
export interface TrafficWrite {
  readonly targetKey: string;
  /** The new version's share after the write, in percent. */
  readonly weight: number;
  readonly command: string;
  /** Which task made it, e.g. `ShiftTraffic#2` for the second time the state ran. */
  readonly by: string;
}

export interface AwsFleet {
  readonly deps: ControllerDeps;
  /** Where the hook states' own lambda:invoke goes: Invoke on the mocked Lambda, faults and all. */
  readonly hookRuntime: HookRuntime;
  readonly fleet: SimulatedFleet;
  readonly clock: VirtualClock;
  readonly lambda: LambdaMock;
  readonly appConfig: AppConfigWorld;
  /** Every write that changed a target's routing, in order. */
  readonly writes: readonly TrafficWrite[];
  /** What each target serves now, in percent of traffic on the new version. */
  weightOf(key: string): number;
}

export interface AwsFleetOptions {
  readonly dynamoDb: DynamoDBClient;
  readonly tableName: string;
  readonly model: TrafficModel;
  readonly seed: number;
  /** Slices other runs of the same model and seed drew already. @default - none */
  readonly drawnSlices?: DrawnSlices;
  readonly targets: readonly Target[];
  /** Functions that answer hook events with Succeeded; the controller is configured with them. @default - none */
  readonly hookFunctions?: readonly string[];
  readonly around: ServiceAround;
  /** Names the task running now, for the writes' `by`. */
  readonly task: () => string;
}

const ACCOUNT: LocalAccount = {
  accountId: '123456789012',
  region: 'eu-west-1',
  stackName: 'fledge',
  stackCreatedAt: new Date(0),
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:fledge-rollout',
  tableName: 'unused',
  url: 'http://127.0.0.1',
};

/**
 * The real AWS adapters over AWS-shaped mocks whose traffic is the simulated fleet's: Lambda's
 * GetAlias, GetFunctionConfiguration and UpdateAlias (RevisionId-conditional) change the fleet's
 * aliases; AppConfig's hosted versions and deployments behave like the service's and, once a
 * deployment completes, move the fleet's flag; CloudWatch answers GetMetricData and DescribeAlarms
 * from the fleet's minutes. The ledger is the real one on DynamoDB Local. Every answer, DynamoDB's
 * included, passes through `around`, where faults are injected.
 */
export async function awsFleet(options: AwsFleetOptions): Promise<AwsFleet> {
  const clock = new VirtualClock();
  const fleet = new SimulatedFleet({ model: options.model, seed: options.seed, clock, drawnSlices: options.drawnSlices });
  const alarms = new SimulatedAlarmSource();
  const writes: TrafficWrite[] = [];
  const { around } = options;
  for (const target of options.targets) fleet.capture(target);

  const lambdaClient = new LambdaClient({ region: ACCOUNT.region });
  const lambda = mockClient(lambdaClient) as unknown as LambdaMock;
  lambda.on(GetAliasCommand).callsFake((input: GetAliasCommandInput) =>
    around('lambda', 'GetAlias', input, () => lambdaApi(fleet, ACCOUNT, { operation: 'GetAlias', input: { FunctionName: String(input.FunctionName), Name: String(input.Name) } })),
  );
  lambda.on(GetFunctionConfigurationCommand).callsFake((input: GetFunctionConfigurationCommandInput) =>
    around('lambda', 'GetFunctionConfiguration', input, () =>
      lambdaApi(fleet, ACCOUNT, { operation: 'GetFunctionConfiguration', input: { FunctionName: String(input.FunctionName), ...(input.Qualifier ? { Qualifier: input.Qualifier } : {}) } }),
    ),
  );
  lambda.on(UpdateAliasCommand).callsFake((input: UpdateAliasCommandInput) => around('lambda', 'UpdateAlias', input, () => updateAlias(input)));
  // The smoke test's events reach the version the fleet simulates; a hook function answers that it passed.
  const smoke = new SimulatedSmokeInvoker(fleet);
  const hooks = new Set((options.hookFunctions ?? []).map(hookFunctionName));
  lambda.on(InvokeCommand).callsFake((input: InvokeCommandInput) =>
    around('lambda', 'Invoke', input, async () => {
      if (hooks.has(hookFunctionName(String(input.FunctionName)))) {
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: new TextEncoder().encode(JSON.stringify({ status: 'Succeeded', reason: 'checks passed' })) };
      }
      const payload = input.Payload ? (JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as unknown) : null;
      const answer = await smoke.invoke(String(input.FunctionName), String(input.Qualifier), payload);
      return { StatusCode: 200, ExecutedVersion: answer.executedVersion, Payload: new TextEncoder().encode(answer.responseText), ...(answer.functionError ? { FunctionError: answer.functionError } : {}) };
    }),
  );

  function updateAlias(input: UpdateAliasCommandInput) {
    const target = options.targets.find((t): t is LambdaAliasTarget => t.kind === 'lambda-alias' && t.functionName === input.FunctionName && t.alias === input.Name);
    if (!target) throw new Error(`UpdateAlias of an alias outside the rollout: ${input.FunctionName}:${input.Name}`);
    const key = targetKey(target);
    const state = fleet.state(key) as AliasState;
    if (input.RevisionId !== undefined && input.RevisionId !== state.revisionId) {
      throw new PreconditionFailedException({ message: 'The Revision Id provided does not match the latest Revision Id.', $metadata: {} });
    }
    const [additional] = Object.entries(input.RoutingConfig?.AdditionalVersionWeights ?? {});
    fleet.updateAlias(
      key,
      { functionVersion: String(input.FunctionVersion ?? state.functionVersion), additionalVersion: additional?.[0] ?? null, additionalWeight: additional?.[1] ?? 0 },
      'set-weight',
    );
    writes.push({ targetKey: key, weight: weightOf(key), command: 'UpdateAlias', by: options.task() });
    return lambdaApi(fleet, ACCOUNT, { operation: 'GetAlias', input: { FunctionName: target.functionName, Name: target.alias } });
  }

  // The fault matrix's flag uses the AppConfig fixture's ids: one application, environment and profile.
  const flag = options.targets.find((t): t is AppConfigFlagTarget => t.kind === 'appconfig-flag');
  const appConfigClient = new AppConfigClient({ region: ACCOUNT.region });
  const appConfigAround: Around = (command, input, answer) => {
    // Synchronous fakes: the fault decision is made before and after, the answer in between.
    return around('appconfig', command, input, () => {
      const result = answer();
      if (flag) syncFlag(targetKey(flag), command);
      return result;
    }) as never;
  };
  const appConfig = serveAppConfig(mockClient(appConfigClient) as never, {
    versions: { 1: newFlagContent() },
    deployments: [deployment(1, 1)],
    around: appConfigAround,
  });

  /** Once a deployment completes, the fleet serves what it carries. */
  function syncFlag(key: string, command: string): void {
    const deployed = appConfig.deployedVersion();
    const content = deployed === undefined ? undefined : (appConfig.content(deployed) as { values?: Record<string, { enabled?: boolean; rolloutPercentage?: number }> });
    const value = content?.values?.[flag?.flag ?? ''];
    const percentage = value?.enabled === true ? Number(value.rolloutPercentage ?? 0) : 0;
    if (percentage === weightOf(key)) return;
    fleet.deployFlag(key, { enabledPercentage: percentage }, 'set-weight');
    writes.push({ targetKey: key, weight: percentage, command, by: options.task() });
  }

  const cloudWatchClient = new CloudWatchClient({ region: ACCOUNT.region });
  const cloudWatch = mockClient(cloudWatchClient);
  cloudWatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) =>
    around('cloudwatch', 'GetMetricData', input, () => {
      const answer = cloudWatchApi(fleet, alarms, ACCOUNT, 'GetMetricData', { ...input, StartTime: seconds(input.StartTime), EndTime: seconds(input.EndTime) }) as {
        MetricDataResults: { Timestamps: number[] }[];
      };
      return { ...answer, MetricDataResults: answer.MetricDataResults.map((r) => ({ ...r, Timestamps: r.Timestamps.map((t) => new Date(t * 1000)) })) };
    }),
  );
  cloudWatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) =>
    around('cloudwatch', 'DescribeAlarms', input, async () => {
      const answer = (await cloudWatchApi(fleet, alarms, ACCOUNT, 'DescribeAlarms', { ...input })) as { MetricAlarms: { StateUpdatedTimestamp: number }[] };
      return { ...answer, MetricAlarms: answer.MetricAlarms.map((a) => ({ ...a, StateUpdatedTimestamp: new Date(a.StateUpdatedTimestamp * 1000) })) };
    }),
  );

  options.dynamoDb.middlewareStack.add(
    (next, context) => (args) => around('dynamodb', String(context.commandName).replace(/Command$/, ''), args.input, () => next(args)),
    { step: 'initialize', name: 'faultMatrixAround' },
  );
  await createLedgerTable(options.dynamoDb, options.tableName);

  function weightOf(key: string): number {
    const state = fleet.state(key);
    if (state.kind === 'appconfig-flag') return state.enabledPercentage;
    const versions = fleet.versions(key);
    if (state.functionVersion === versions.new && state.additionalVersion === null) return 100;
    return state.additionalVersion === versions.new ? Math.round(state.additionalWeight * 1e5) / 1e3 : 0;
  }

  const aws = awsControllerDeps(
    { lambda: lambdaClient, appConfig: appConfigClient, cloudWatch: cloudWatchClient, dynamoDb: options.dynamoDb },
    {
      env: { [ENV.tableName]: options.tableName, [ENV.deploymentStrategyId]: STRATEGY, [ENV.hookFunctions]: (options.hookFunctions ?? []).join(',') },
      // Polls pass virtual time, as a real wait would.
      appConfigPolling: { pollIntervalMs: 2_000, sleep: async (ms) => clock.advance(ms / 1000) },
    },
  );
  // The ledger's timestamps and lock expiries, and the judge's windows, run on the virtual clock.
  const deps: ControllerDeps = { ...aws, clock, ledger: new Ledger({ client: options.dynamoDb, tableName: options.tableName, clock }) };
  return { deps, hookRuntime: lambdaHookRuntime(lambdaClient), fleet, clock, lambda, appConfig, writes, weightOf };
}

/**
 * Hooks run as Step Functions runs them in AWS: an Invoke of the function (no qualifier beyond the
 * one its name carries), whose FunctionError and error object become the task's failure, and whose
 * exceptions (throttling, a 5xx, a timeout) reach the task as Lambda's own.
 */
function lambdaHookRuntime(client: LambdaClient): HookRuntime {
  return {
    invoke: async (functionName, event) => {
      const out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(event)) }));
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
      const response = text ? (JSON.parse(text) as { errorType?: string; errorMessage?: string }) : null;
      if (out.FunctionError) return { kind: 'function-error', errorType: response?.errorType, errorMessage: response?.errorMessage ?? text, durationSeconds: 0 };
      return { kind: 'answered', response, durationSeconds: 0 };
    },
  };
}

function seconds(date: Date | undefined): number {
  return (date?.getTime() ?? 0) / 1000;
}
