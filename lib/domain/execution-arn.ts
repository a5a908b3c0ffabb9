/** The ARN Step Functions gives an execution of a (Standard) state machine with this name. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The console's host per partition: China and GovCloud have consoles of their own. */
const CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': () => 'console.amazonaws.cn',
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

/**
 * The Step Functions console page of an execution, or undefined in a partition with no public
 * console (or for an ARN that is not one): a link nobody can open is worse than none.
 */
export function executionConsoleUrl(region: string, executionArn: string): string | undefined {
  const partition = /^arn:([a-z-]+):states:/.exec(executionArn)?.[1];
  const host = partition === undefined ? undefined : CONSOLE_HOSTS[partition];
  if (!host || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  return `https://${host(region)}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
