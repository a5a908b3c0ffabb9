import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { definitionOf } from '../constructs/asl';
import { HANDLER_NAMES, type RolloutFunctions } from '../constructs/rollout-definition';
import { RolloutStateMachine } from '../constructs/rollout-state-machine';
import { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './local-account';

/**
 * The real definition, built by the same construct the stack uses and resolved to concrete ASL,
 * as JSON text. A source checkout runs this on first use; a packaged build runs it once, at build
 * time, and ships the result (scripts/write-definition.ts), so the CLI needs no CDK at run time.
 */
export function synthesizeLocalDefinition(): string {
  const stack = new Stack(new App(), 'FledgeLocal', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const functions = Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, lambda.Function.fromFunctionArn(stack, `Fn-${name}`, localFunctionArn(name))]),
  ) as unknown as RolloutFunctions;
  const { stateMachine } = new RolloutStateMachine(stack, 'Rollout', { functions });
  return JSON.stringify(definitionOf(stateMachine));
}
