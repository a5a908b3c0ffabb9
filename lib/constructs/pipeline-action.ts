import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { parseRolloutRequest, type RolloutRequestInput } from '../domain/rollout-request';

/** What a CodePipeline stage rolls out: a request written by an earlier action, or a fixed one. */
export type PipelineRolloutInput =
  /** A request JSON file in an artifact, e.g. the build's output, which names the version it just published. */
  | { readonly artifact: codepipeline.Artifact; readonly path: string }
  /** A fixed request, checked when the app synthesizes. Fits a flag rollout; a Lambda release names a new version each time. */
  | { readonly request: RolloutRequestInput };

export interface RolloutActionProps {
  readonly input: PipelineRolloutInput;
  /** @default 'Rollout' */
  readonly actionName?: string;
  readonly runOrder?: number;
  /** Prefix of the execution names the action starts. @default 'pipeline' */
  readonly executionNamePrefix?: string;
}

/**
 * A CodePipeline action that starts a rollout on the controller's state machine and waits for it.
 * Step Functions decides the action's result: a promoted rollout succeeds, and any other ending
 * (rolled back, refused at preflight, a controller failure) fails the execution and with it the
 * stage. CDK grants the pipeline's role StartExecution and DescribeExecution on this state machine.
 */
export function rolloutAction(stateMachine: sfn.IStateMachine, props: RolloutActionProps): actions.StepFunctionInvokeAction {
  const input = props.input;
  let stateMachineInput: actions.StateMachineInput;
  if ('request' in input) {
    // Refuse a malformed request now, at synth, with the field named, rather than at the first release.
    parseRolloutRequest(input.request);
    stateMachineInput = actions.StateMachineInput.literal(input.request);
  } else {
    stateMachineInput = actions.StateMachineInput.filePath(input.artifact.atPath(input.path));
  }
  return new actions.StepFunctionInvokeAction({
    actionName: props.actionName ?? 'Rollout',
    stateMachine,
    stateMachineInput,
    executionNamePrefix: props.executionNamePrefix ?? 'pipeline',
    runOrder: props.runOrder,
  });
}
