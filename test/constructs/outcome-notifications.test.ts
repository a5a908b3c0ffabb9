import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ControllerStack } from '../../lib/constructs/controller-stack';
import { newTestStack } from '../helpers/controller-stack';

interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** The statements of every policy attached to the notify function's role. */
function notifyStatements(stack: ControllerStack): PolicyStatement[] {
  const role = stack.controller.notifications.function.role as iam.IRole;
  const roleId = stack.getLogicalId(role.node.defaultChild as CfnResource);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatement[]);
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

/** A topic the user brings, as CDK imports it; the stack it lives in does not matter here. */
function importedTopic(attributes: sns.TopicAttributes): sns.ITopic {
  return sns.Topic.fromTopicAttributes(new Stack(new App(), 'Elsewhere'), 'Topic', attributes);
}

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('OutcomeNotifications', () => {
  const { stack, template } = newTestStack();
  const notifications = stack.controller.notifications;
  const tableArn = { 'Fn::GetAtt': [logicalId(stack, stack.controller.ledger.table), 'Arn'] };
  const topicRef = { Ref: Match.stringLikeRegexp('Notifications') };
  const queueArn = { 'Fn::GetAtt': [logicalId(stack, notifications.deadLetterQueue), 'Arn'] };

  describe('notify role', () => {
    it('may read one rollout from the table, publish to the topic, and write its logs, traces and dead letters: nothing else', () => {
      const statements = notifyStatements(stack);
      const byService = (service: string) => statements.filter((s) => ([] as string[]).concat(s.Action).every((a) => a.startsWith(`${service}:`)));
      expect(byService('dynamodb')).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: tableArn }]);
      expect(byService('sns')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: expect.objectContaining({ Ref: expect.stringMatching(/Notifications/) }) }]);
      expect(byService('sqs')).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }]);
      const services = new Set(statements.flatMap((s) => ([] as string[]).concat(s.Action)).map((a) => a.split(':')[0]));
      expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sns', 'sqs', 'xray']);
    });

    it('gets no KMS permission for an unencrypted topic', () => {
      expect(JSON.stringify(notifyStatements(stack))).not.toContain('kms:');
    });

    it('may use the key of an encrypted topic, for exactly the two calls SNS makes on a publisher\'s behalf', () => {
      const topic = importedTopic({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', keyArn: KEY_ARN });
      const encrypted = newTestStack({ notificationTopic: topic }).stack;
      const statements = notifyStatements(encrypted);
      expect(statements.filter((s) => JSON.stringify(s.Action).includes('kms:'))).toEqual([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN }]);
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:123456789012:alerts' });
    });
  });

  describe('function', () => {
    it('is told the table and the topic, and sends failed invocations to the dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Timeout: 30,
        Environment: { Variables: { FLEDGE_TABLE_NAME: { Ref: logicalId(stack, stack.controller.ledger.table) }, FLEDGE_TOPIC_ARN: topicRef, POWERTOOLS_SERVICE_NAME: 'fledge', POWERTOOLS_LOG_LEVEL: 'INFO' } },
        DeadLetterConfig: { TargetArn: queueArn },
      });
    });

    it('may be invoked by the outcome rule only', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalId(stack, notifications.function), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(stack, notifications.rule), 'Arn'] },
      });
    });
  });

  describe('rule and dead letters', () => {
    it('retries delivery for up to six hours, then leaves the event in the dead-letter queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(stack, notifications.function), 'Arn'] },
            DeadLetterConfig: { Arn: queueArn },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 },
          }),
        ],
      });
    });

    it('keeps dead letters two weeks, encrypted, over TLS only, and lets the rule write them', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const policy = JSON.stringify(template.findResources('AWS::SQS::QueuePolicy'));
      expect(policy).toContain('"aws:SecureTransport":"false"');
      expect(policy).toContain('"Service":"events.amazonaws.com"');
      expect(policy).toContain(logicalId(stack, notifications.rule));
    });
  });

  describe('topic', () => {
    it('refuses a FIFO topic, which would need a message group id on every message', () => {
      const fifo = importedTopic({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts.fifo' });
      expect(() => newTestStack({ notificationTopic: fifo })).toThrow(/notificationTopic must be a standard SNS topic, not FIFO/);
    });

    it('leaves cdk-nag nothing to report with an encrypted topic of the user\'s', () => {
      const topic = importedTopic({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', keyArn: KEY_ARN });
      const { app, stack: encrypted } = newTestStack({ notificationTopic: topic });
      const report = new AwsSolutionsChecks(app).validateScope(encrypted);
      expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.resourceLogicalId ?? ''}`))).toEqual([]);
    });
  });
});
