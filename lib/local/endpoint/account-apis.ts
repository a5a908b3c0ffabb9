import { STACK_OUTPUTS } from '../../constructs/stack-outputs';
import { AwsApiError, xml } from './aws-wire';

/** What the local endpoint pretends the account holds: one controller stack. */
export interface LocalAccount {
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly stackCreatedAt: Date;
  readonly stateMachineArn: string;
  readonly tableName: string;
  readonly url: string;
}

/**
 * CloudFormation's DescribeStacks, query protocol: the controller stack and the outputs the CLI
 * finds the controller by. Any other stack name gets AWS's "does not exist" error.
 */
export function describeStacks(account: LocalAccount, params: URLSearchParams): string {
  const name = params.get('StackName');
  if (name !== null && name !== account.stackName && !name.includes(`:stack/${account.stackName}/`)) {
    throw new AwsApiError('ValidationError', `Stack with id ${name} does not exist`);
  }
  const outputs: Record<string, string> = {
    [STACK_OUTPUTS.stateMachineArn]: account.stateMachineArn,
    [STACK_OUTPUTS.ledgerTableName]: account.tableName,
    [STACK_OUTPUTS.dashboardUrl]: `${account.url}/ (the local endpoint has no dashboard: use fledge status and fledge report)`,
  };
  const members = Object.entries(outputs)
    .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
    .join('');
  const stackId = `arn:aws:cloudformation:${account.region}:${account.accountId}:stack/${account.stackName}/00000000-0000-0000-0000-000000000000`;
  return `<Stacks><member><StackName>${xml(account.stackName)}</StackName><StackId>${stackId}</StackId><CreationTime>${account.stackCreatedAt.toISOString()}</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks>`;
}

/** STS GetCallerIdentity: a user named after the access key id, so tests can tell callers apart. */
export function getCallerIdentity(account: LocalAccount, accessKeyId: string | undefined): string {
  const user = accessKeyId && /^[\w+=,.@-]{1,64}$/.test(accessKeyId) ? accessKeyId : 'local';
  return `<Arn>arn:aws:iam::${account.accountId}:user/${xml(user)}</Arn><UserId>${xml(user)}</UserId><Account>${account.accountId}</Account>`;
}
