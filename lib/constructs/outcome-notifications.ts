import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENDED_STATUSES, EXECUTION_STATUS_CHANGE } from '../controller/execution-event';
import { ENV } from '../runtime/env';
import { controllerFunction } from './controller-functions';
import type { LedgerTable } from './ledger-table';
import { acknowledgeWildcards, XRAY_REASON, XRAY_STATEMENT } from './nag-acknowledgements';

export interface OutcomeNotificationsProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly ledger: LedgerTable;
  /** A standard topic (FIFO topics need a message group id per message). */
  readonly topic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** EventBridge's own retries reach a function that is briefly throttled; an event older than this is not news any more. */
const DELIVERY_RETRIES = 8;
const MAX_EVENT_AGE = Duration.hours(6);

/**
 * Every execution of the state machine that ends becomes one message on the topic: an EventBridge
 * rule invokes the notify function, which reads the rollout's ledger record and publishes what
 * happened (functions/notify.ts). An event that cannot be delivered, or that the function fails on
 * after Lambda's two retries, waits in the dead-letter queue for two weeks.
 */
export class OutcomeNotifications extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OutcomeNotificationsProps) {
    super(scope, id);
    if (props.topic.fifo) {
      throw new Error(`notificationTopic must be a standard SNS topic, not FIFO (${props.topic.node.path}): outcome messages carry no message group id`);
    }
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      // SQS-managed keys, not KMS: EventBridge cannot write to a queue encrypted with the AWS-managed KMS key.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.function = controllerFunction(this, 'notify', {
      entry: 'notify.ts',
      // The ledger read gives up after 10 s (and the message goes without it); publishing is one call.
      timeout: Duration.seconds(30),
      environment: { [ENV.tableName]: props.ledger.table.tableName, [ENV.topicArn]: props.topic.topicArn },
      logRetention: props.logRetention,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.grantNotify(props);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'fledge: rollout executions that ended',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { stateMachineArn: [props.stateMachine.stateMachineArn], status: [...ENDED_STATUSES] },
      },
      targets: [new eventTargets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: DELIVERY_RETRIES, maxEventAge: MAX_EVENT_AGE })],
    });
  }

  /** What functions/notify.ts calls: GetItem and Query on the ledger table, Publish to the topic. */
  private grantNotify(props: OutcomeNotificationsProps): void {
    props.ledger.grantReadRollout(this.function);
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    const key = props.topic.masterKey;
    // SNS encrypts each message with a data key it asks KMS for on the publisher's behalf.
    if (key) this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    // Findings are reported on the role's policy: acknowledge them there.
    acknowledgeWildcards(this.function.role as iam.IRole, XRAY_STATEMENT, XRAY_REASON);
  }
}
