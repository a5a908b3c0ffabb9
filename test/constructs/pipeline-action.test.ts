import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { RolloutController } from '../../lib/constructs/rollout-controller';
import { ControllerStack } from '../../lib/constructs/controller-stack';
import { TEST_ENV } from '../helpers/controller-stack';

/** A release pipeline as a user would write it: the build's artifact holds the request naming the new version. */
function releasePipeline(configure: (stage: codepipeline.IStage, release: codepipeline.Artifact, controller: RolloutController) => void) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ControllerStack(app, 'FledgeTest', { functions: ['orders-api'], appConfig: [{ application: 'abc1234' }], env: TEST_ENV });
  const release = new codepipeline.Artifact('release');
  const pipeline = new codepipeline.Pipeline(stack, 'Release', { pipelineType: codepipeline.PipelineType.V2 });
  pipeline.addStage({
    stageName: 'Source',
    actions: [new actions.S3SourceAction({ actionName: 'Build', bucket: new s3.Bucket(stack, 'Builds'), bucketKey: 'orders-api/release.zip', output: release })],
  });
  configure(pipeline.addStage({ stageName: 'Release' }), release, stack.controller);
  return { stack, template: Template.fromStack(stack) };
}

describe('RolloutController.rolloutAction', () => {
  // CDK writes the file as <artifact>::<path>, its ArtifactPath form; not yet tried against a real pipeline.
  test('invokes the rollout state machine with the request file from the artifact', () => {
    const { stack, template } = releasePipeline((stage, release, controller) => stage.addAction(controller.rolloutAction({ input: { artifact: release, path: 'rollout-request.json' } })));
    const stateMachine = Stack.of(stack).getLogicalId(stack.controller.stateMachine.node.defaultChild as never);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Release',
          Actions: [
            Match.objectLike({
              Name: 'Rollout',
              ActionTypeId: { Category: 'Invoke', Owner: 'AWS', Provider: 'StepFunctions', Version: '1' },
              Configuration: { StateMachineArn: { Ref: stateMachine }, InputType: 'FilePath', Input: 'release::rollout-request.json', ExecutionNamePrefix: 'pipeline' },
              InputArtifacts: [{ Name: 'release' }],
            }),
          ],
        }),
      ]),
    });
    // The action's role may start this state machine and follow its executions: the stage waits for the outcome.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['states:StartExecution']), Resource: { Ref: stateMachine } })]) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:DescribeExecution' })]) },
    });
  });

  test('a fixed request is checked at synth: a bad one is refused with the field named', () => {
    expect(() =>
      releasePipeline((stage, _release, controller) =>
        stage.addAction(controller.rolloutAction({ input: { request: { targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live' }], strategy: 'progressive' } as never } })),
      ),
    ).toThrow(/targets\[0\]\.newVersion/);
  });

  test('a fixed flag request goes in literally', () => {
    const request = { targets: [{ kind: 'appconfig-flag' as const, application: 'abc1234', environment: 'def5678', profile: 'ghi9012', flag: 'new_pricing' }], strategy: 'progressive' as const };
    const { template } = releasePipeline((stage, _release, controller) => stage.addAction(controller.rolloutAction({ input: { request }, actionName: 'FlagRollout' })));
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({ Actions: [Match.objectLike({ Name: 'FlagRollout', Configuration: Match.objectLike({ InputType: 'Literal', Input: JSON.stringify(request) }) })] })]),
    });
  });
});
