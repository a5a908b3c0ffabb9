/** The ARN Step Functions gives an execution of a (Standard) state machine with this name. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
