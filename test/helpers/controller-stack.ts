import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { ControllerStack, type ControllerStackProps } from '../../lib/constructs/controller-stack';
import type { HandlerName } from '../../lib/constructs/rollout-definition';
import { logicalIdOf, policiesOfRole, type Statement } from './synthesized-policies';

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** A controller stack as a user would configure it; bundling skipped so tests stay fast and offline. */
export function newTestStack(props: Partial<ControllerStackProps> = {}): { app: App; stack: ControllerStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ControllerStack(app, 'FledgeTest', {
    functions: ['orders-api'],
    appConfig: [{ application: 'abc1234', environment: 'def5678' }],
    env: TEST_ENV,
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Every policy statement attached to the role of one controller function. */
export function statementsOf(stack: ControllerStack, handler: HandlerName): Statement[] {
  const role = stack.controller.functions.functions[handler].role as iam.IRole;
  return [...policiesOfRole(Template.fromStack(stack), logicalIdOf(role)).values()].flatMap((document) => document.Statement);
}

export function actionsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}
