import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildRolloutDefinition, type RolloutFunctions } from './rollout-definition';

export interface RolloutStateMachineProps {
  readonly functions: RolloutFunctions;
  /**
   * Extra state machine settings (logging, tracing, role).
   * @default - Standard type, no logging or tracing
   */
  readonly stateMachineProps?: Omit<sfn.StateMachineProps, 'definitionBody' | 'definition' | 'stateMachineType' | 'comment'>;
}

/** The rollout state machine, wrapped so the stack and local mode create it the same way. */
export class RolloutStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RolloutStateMachineProps) {
    super(scope, id);
    const start = buildRolloutDefinition(this, { functions: props.functions });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      ...props.stateMachineProps,
      // Standard, not Express: rollouts bake for hours and wait for humans.
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Part of the definition itself, so set here where local mode gets it too.
      comment: 'fledge progressive rollout: shift traffic in steps, judge each, promote or roll back',
      definitionBody: sfn.DefinitionBody.fromChainable(start),
    });
  }
}
