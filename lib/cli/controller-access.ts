import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Ledger } from '../adapters/ledger';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../constructs/stack-outputs';
import { systemClock } from '../domain/clock';
import { printable } from '../domain/text';
import { executionConsoleUrl } from '../domain/execution-arn';
import { UsageError } from './errors';
import { awsCliCall } from './aws-cli-errors';

/** How a command finds the controller: a stack's outputs, or the two names given directly. */
export interface ControllerOptions {
  /** CloudFormation stack whose outputs name the state machine and the table. @default 'FledgeController' */
  readonly stack?: string;
  readonly stateMachineArn?: string;
  readonly table?: string;
  /** @default - the SDK's chain: AWS_REGION, the profile's region */
  readonly region?: string;
  /** One URL for every service the CLI calls, e.g. `fledge local up`'s. */
  readonly endpointUrl?: string;
}

/** The environment variables that stand in for the flags, for pipelines. */
export const CONTROLLER_ENV = {
  stateMachineArn: 'FLEDGE_STATE_MACHINE_ARN',
  table: 'FLEDGE_TABLE',
  endpointUrl: 'FLEDGE_ENDPOINT_URL',
  stack: 'FLEDGE_STACK',
} as const;


/** The SDK settings every client of one command shares. */
export interface ClientSettings {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentityProvider;
}

export interface Controller {
  readonly stateMachineArn: string;
  readonly tableName: string;
  readonly region: string;
  readonly settings: ClientSettings;
  readonly sfn: SFNClient;
  readonly ledger: Ledger;
}

/** Credentials that sign requests to a loopback endpoint, which checks none. */
const LOOPBACK_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The region a loopback endpoint is used with when none is set: any will do, it answers them all. */
const LOOPBACK_REGION = 'us-east-1';

/**
 * Client settings from the flags and the environment. Against a loopback endpoint (`fledge local
 * up`), credentials and a region are only needed to sign, so fixed ones stand in when the
 * environment has none; against AWS, the SDK's standard chain applies (AWS_PROFILE, SSO, OIDC).
 */
export function clientSettings(opts: Pick<ControllerOptions, 'region' | 'endpointUrl'>, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const endpoint = opts.endpointUrl ?? env[CONTROLLER_ENV.endpointUrl];
  if (endpoint === undefined) return { region: opts.region };
  // `new URL` also takes file:, data: and javascript: URLs, and drops tabs and line breaks: only plain http(s) will do.
  const url = URL.canParse(endpoint) && printable(endpoint) === endpoint && !/\s/.test(endpoint) ? new URL(endpoint) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`--endpoint-url ${endpoint} is not an http(s) URL: give one such as http://127.0.0.1:8642`);
  }
  const loopback = isLoopback(url);
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (loopback ? LOOPBACK_REGION : undefined);
  if (!loopback) return { region, endpoint };
  const chain = defaultProvider();
  return {
    region,
    endpoint,
    credentials: async () => {
      try {
        return await chain();
      } catch {
        return LOOPBACK_CREDENTIALS;
      }
    },
  };
}

/** Resolves the controller's state machine and ledger table, and the clients to reach them. */
export async function connectController(opts: ControllerOptions, env: NodeJS.ProcessEnv = process.env): Promise<Controller> {
  const settings = clientSettings(opts, env);
  let stateMachineArn = opts.stateMachineArn ?? env[CONTROLLER_ENV.stateMachineArn];
  let tableName = opts.table ?? env[CONTROLLER_ENV.table];
  if ((stateMachineArn === undefined) !== (tableName === undefined)) {
    throw new UsageError('give both --state-machine-arn and --table (or FLEDGE_STATE_MACHINE_ARN and FLEDGE_TABLE), or neither and --stack');
  }
  if (stateMachineArn === undefined || tableName === undefined) {
    ({ stateMachineArn, tableName } = await stackOutputs(opts.stack ?? env[CONTROLLER_ENV.stack] ?? DEFAULT_STACK_NAME, settings));
  }
  const sfn = new SFNClient(settings);
  const region = settings.region ?? (await sfn.config.region());
  const ledger = new Ledger({ client: new DynamoDBClient(settings), tableName, clock: systemClock });
  return { stateMachineArn, tableName, region, settings, sfn, ledger };
}

/** The state machine ARN and table name from the controller stack's outputs. */
async function stackOutputs(stackName: string, settings: ClientSettings): Promise<{ stateMachineArn: string; tableName: string }> {
  const cfn = new CloudFormationClient(settings);
  const res = await awsCliCall(`read the outputs of stack ${stackName}`, 'cloudformation:DescribeStacks', () => cfn.send(new DescribeStacksCommand({ StackName: stackName })));
  const outputs = Object.fromEntries((res.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const stateMachineArn = outputs[STACK_OUTPUTS.stateMachineArn];
  const tableName = outputs[STACK_OUTPUTS.ledgerTableName];
  if (!stateMachineArn || !tableName) {
    throw new UsageError(`stack ${stackName} has no StateMachineArn and LedgerTableName outputs: is it a fledge controller? Name yours with --stack, or give --state-machine-arn and --table`);
  }
  return { stateMachineArn, tableName };
}

/** Who is calling, for the ledger's "approved by": the caller's IAM identity. */
export async function callerIdentity(settings: ClientSettings): Promise<string> {
  const sts = new STSClient(settings);
  const res = await awsCliCall('find out who you are', 'sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
  return res.Arn ?? res.UserId ?? 'unknown caller';
}

/** Where a person can watch an execution: the Step Functions console, unless the controller is a local endpoint. */
export function consoleUrl(controller: Pick<Controller, 'region' | 'settings'>, executionArn: string): string | undefined {
  if (controller.settings.endpoint !== undefined && isLoopback(new URL(controller.settings.endpoint))) return undefined;
  return executionConsoleUrl(controller.region, executionArn);
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
