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
 * Memoized: building a CDK app costs a few hundred milliseconds.
 */
let cached: AslDefinition | undefined;
export function localRolloutDefinition(): AslDefinition {
  if (cached) return cached;
  const stack = new Stack(new App(), 'FledgeLocal', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const functions = Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, lambda.Function.fromFunctionArn(stack, `Fn-${name}`, localFunctionArn(name))]),
  ) as unknown as RolloutFunctions;
  const { stateMachine } = new RolloutStateMachine(stack, 'Rollout', { functions });
  cached = definitionOf(stateMachine);
  return structuredClone(cached);
}
