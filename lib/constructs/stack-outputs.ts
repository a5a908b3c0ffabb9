/**
 * The controller stack's output keys: the CLI finds the controller by them, and the local endpoint
 * answers DescribeStacks with them. Kept apart from the stack so the CLI loads no CDK code.
 */
export const STACK_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  ledgerTableName: 'LedgerTableName',
  dashboardUrl: 'DashboardUrl',
  notificationTopicArn: 'NotificationTopicArn',
  pipelinePolicyArn: 'PipelinePolicyArn',
} as const;

/** The stack name `cdk deploy` uses unless the app's context names another. */
export const DEFAULT_STACK_NAME = 'FledgeController';
