import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { definitionOf, type AslDefinition } from '../constructs/asl';
import { HANDLER_NAMES, type RolloutFunctions } from '../constructs/rollout-definition';
import { RolloutStateMachine } from '../constructs/rollout-state-machine';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/** The ARN local mode gives each handler; every task is overridden in-process, so nothing is called. */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:fledge-${name}`;
}

/**
 * The real definition, built by the same construct the stack uses, resolved to concrete ASL.
 * Memoized as text (building a CDK app costs a few hundred milliseconds); every caller gets its
 * own parsed copy, made in the caller's realm, which the interpreter's plain-object checks need.
 */
let cached: string | undefined;
export function localRolloutDefinition(): AslDefinition {
  cached ??= buildDefinitionText();
  return JSON.parse(cached) as AslDefinition;
}

function buildDefinitionText(): string {
  const stack = new Stack(new App(), 'FledgeLocal', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const functions = Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, lambda.Function.fromFunctionArn(stack, `Fn-${name}`, localFunctionArn(name))]),
  ) as unknown as RolloutFunctions;
  const { stateMachine } = new RolloutStateMachine(stack, 'Rollout', { functions });
  return JSON.stringify(definitionOf(stateMachine));
}
