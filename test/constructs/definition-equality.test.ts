import aslValidator from 'asl-validator';
import { Stack } from 'aws-cdk-lib';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { resolveDefinitionString } from '../../lib/constructs/asl';
import { HANDLER_NAMES } from '../../lib/constructs/rollout-definition';
import { localFunctionArn, localRolloutDefinition } from '../../lib/local/local-definition';
import { newTestStack, TEST_ENV } from '../helpers/controller-stack';

/**
 * The deployed state machine must be the one local mode runs (and every local test exercised).
 * The template's definition is resolved to plain ASL, with each function's ARN replaced by the ARN
 * local mode gives the same handler; then the two must be identical.
 */
describe('the deployed state machine definition', () => {
  const { stack, template } = newTestStack();
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as { Properties: { DefinitionString: unknown } }[];
  const functionArns = Object.fromEntries(
    HANDLER_NAMES.map((name) => {
      const fn = stack.controller.functions.functions[name];
      return [`${Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnStateMachine)}.Arn`, localFunctionArn(name)];
    }),
  );
  const deployed = resolveDefinitionString(machine.Properties.DefinitionString, {
    partition: 'aws',
    region: TEST_ENV.region,
    account: TEST_ENV.account,
    references: functionArns,
  });

  it('is exactly the definition local mode runs', () => {
    expect(Object.keys(machines)).toHaveLength(1);
    expect(deployed).toEqual(localRolloutDefinition());
  });

  it('is valid Amazon States Language', () => {
    const result = aslValidator(deployed, { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
  });
});
