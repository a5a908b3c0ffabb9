import type { Statement } from './controller-stack';

/** One SDK call the code made, as recorded from a mocked client or a client middleware. */
export interface RecordedCall {
  readonly service: 'lambda' | 'appconfig' | 'cloudwatch' | 'dynamodb' | 'states' | 'cloudformation' | 'sts';
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** What IAM authorizes for one call: an action on each of these resources. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** The call it came from, for readable failures. */
  readonly from: string;
}

export interface IamContext {
  readonly region: string;
  readonly account: string;
  /** The stack's id (its ARN), which CloudFormation authorizes DescribeStacks against. @default - a made-up id */
  readonly stackId?: (stackName: string) => string;
}

/**
 * Turns recorded SDK calls into the IAM requests AWS evaluates, following the Service
 * Authorization Reference: the action is the operation's name; the resources are the ARNs the
 * operation acts on (all of them must be allowed). Only what fledge's adapters call is mapped; an
 * unmapped call fails the test, so a new call cannot slip past the cross-check.
 */
export function iamRequestsOf(call: RecordedCall, ctx: IamContext): IamRequest[] {
  const op = call.command.replace(/Command$/, '');
  const from = `${call.service}:${op} ${JSON.stringify(call.input).slice(0, 160)}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${ctx.region}:${ctx.account}:${resource}`;
  const requests = (action: string, resources: string[]) => resources.map((resource) => ({ action, resource, from }));
  const i = call.input as Record<string, string | number | undefined>;

  switch (call.service) {
    case 'lambda': {
      const fn = String(i.FunctionName);
      const base = fn.startsWith('arn:') ? fn : arn('lambda', `function:${fn}`);
      // Alias operations address the alias; a Qualifier addresses that version or alias.
      const qualifier = op === 'GetAlias' || op === 'UpdateAlias' ? i.Name : i.Qualifier;
      return requests(`lambda:${op}`, [qualifier ? `${base}:${String(qualifier)}` : base]);
    }
    case 'appconfig': {
      const app = `application/${String(i.ApplicationId)}`;
      const env = `${app}/environment/${String(i.EnvironmentId)}`;
      const profile = `${app}/configurationprofile/${String(i.ConfigurationProfileId)}`;
      switch (op) {
        case 'ListDeployments':
          return requests(`appconfig:${op}`, [arn('appconfig', env)]);
        case 'GetDeployment':
        case 'StopDeployment':
          return requests(`appconfig:${op}`, [arn('appconfig', `${env}/deployment/${String(i.DeploymentNumber)}`)]);
        case 'StartDeployment':
          return requests(`appconfig:${op}`, [
            arn('appconfig', app),
            arn('appconfig', profile),
            arn('appconfig', env),
            arn('appconfig', `deploymentstrategy/${String(i.DeploymentStrategyId)}`),
          ]);
        case 'CreateHostedConfigurationVersion':
        case 'ListHostedConfigurationVersions':
          return requests(`appconfig:${op}`, [arn('appconfig', profile)]);
        case 'GetHostedConfigurationVersion':
          return requests(`appconfig:${op}`, [arn('appconfig', `${profile}/hostedconfigurationversion/${String(i.VersionNumber)}`)]);
        default:
          throw new Error(`no IAM mapping for appconfig:${op}: add one to test/helpers/iam-requests.ts`);
      }
    }
    case 'cloudwatch':
      if (op === 'GetMetricData') return requests('cloudwatch:GetMetricData', ['*']);
      if (op === 'DescribeAlarms') return requests('cloudwatch:DescribeAlarms', ['*']);
      throw new Error(`no IAM mapping for cloudwatch:${op}: add one to test/helpers/iam-requests.ts`);
    case 'dynamodb':
      return dynamoDbRequests(op, call.input, (table) => arn('dynamodb', `table/${table}`), from);
    case 'states':
      switch (op) {
        case 'StartExecution':
        case 'ListExecutions':
          return requests(`states:${op}`, [String(i.stateMachineArn)]);
        case 'DescribeExecution':
        case 'GetExecutionHistory':
        case 'StopExecution':
          return requests(`states:${op}`, [String(i.executionArn)]);
        case 'SendTaskSuccess':
        case 'SendTaskFailure':
          // No resource types in the Service Authorization Reference: the task token is the capability.
          return requests(`states:${op}`, ['*']);
        default:
          throw new Error(`no IAM mapping for states:${op}: add one to test/helpers/iam-requests.ts`);
      }
    case 'cloudformation':
      if (op === 'DescribeStacks') {
        const name = String(i.StackName);
        return requests('cloudformation:DescribeStacks', [ctx.stackId?.(name) ?? arn('cloudformation', `stack/${name}/00000000-0000-0000-0000-000000000000`)]);
      }
      throw new Error(`no IAM mapping for cloudformation:${op}: add one to test/helpers/iam-requests.ts`);
    case 'sts':
      // GetCallerIdentity needs no permission: IAM always allows it.
      if (op === 'GetCallerIdentity') return [];
      throw new Error(`no IAM mapping for sts:${op}: add one to test/helpers/iam-requests.ts`);
  }
}

function dynamoDbRequests(op: string, input: Record<string, unknown>, tableArn: (table: string) => string, from: string): IamRequest[] {
  const one = (action: string, table: unknown, index?: unknown) => ({
    action: `dynamodb:${action}`,
    resource: index ? `${tableArn(String(table))}/index/${String(index)}` : tableArn(String(table)),
    from,
  });
  switch (op) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [one(op, input.TableName)];
    case 'Query':
      return [one(op, input.TableName, input.IndexName)];
    case 'BatchGetItem':
      return Object.keys(input.RequestItems as object).map((table) => one(op, table));
    case 'TransactWriteItems':
      // IAM has no TransactWriteItems action: each item is authorized as its own operation.
      return (input.TransactItems as Record<string, { TableName: string }>[]).flatMap((item) =>
        Object.entries(item).map(([kind, body]) => one(kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`, body.TableName)),
      );
    default:
      throw new Error(`no IAM mapping for dynamodb:${op}: add one to test/helpers/iam-requests.ts`);
  }
}

/** Whether an Allow statement covers the request. Policies here use no Deny and no Condition. */
export function isAllowed(statements: readonly Statement[], request: IamRequest): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || s.Condition !== undefined) return false;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]) as string[];
    return actions.some((a) => glob(a, request.action)) && resources.some((r) => glob(r, request.resource));
  });
}

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}
