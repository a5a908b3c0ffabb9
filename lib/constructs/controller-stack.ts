import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RolloutController, type RolloutControllerProps } from './rollout-controller';
import { STACK_OUTPUTS } from './stack-outputs';

export type ControllerStackProps = StackProps & RolloutControllerProps;

/** The deployable stack: one RolloutController and the outputs a pipeline needs to start rollouts. */
export class ControllerStack extends Stack {
  readonly controller: RolloutController;

  constructor(scope: Construct, id: string, props: ControllerStackProps) {
    super(scope, id, props);
    this.controller = new RolloutController(this, 'Controller', props);
    new CfnOutput(this, STACK_OUTPUTS.stateMachineArn, { value: this.controller.stateMachine.stateMachineArn, description: 'Start rollouts here' });
    new CfnOutput(this, STACK_OUTPUTS.ledgerTableName, { value: this.controller.ledger.table.tableName, description: 'Every rollout, measurement and decision' });
    new CfnOutput(this, STACK_OUTPUTS.dashboardUrl, { value: this.controller.dashboardUrl });
    new CfnOutput(this, STACK_OUTPUTS.pipelinePolicyArn, { value: this.controller.pipelinePolicy.managedPolicyArn, description: 'Attach to the role your pipeline runs the fledge CLI with' });
    new CfnOutput(this, STACK_OUTPUTS.notificationTopicArn, { value: this.controller.topic.topicArn });
  }
}
