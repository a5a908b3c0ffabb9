import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { OutcomeMessage } from '../../controller/outcome-message';
import { ValidationError } from '../../domain/errors';
import { awsCall } from '../aws-errors';
import type { OutcomePublisher } from './outcome-publisher';

/** Only `send` is used, so tests can inject `mockClient(SNSClient)` and IAM needs just sns:Publish. */
export type SnsPublishClient = Pick<SNSClient, 'send'>;

export interface SnsOutcomePublisherProps {
  readonly client: SnsPublishClient;
  readonly topicArn: string;
}

/**
 * Protocols that get the JSON document. Any other protocol gets `default`, which is the document
 * too: only `email` (a person reading) and `sms` (a person, in 140 bytes) get text.
 */
const JSON_PROTOCOLS = ['default', 'email-json', 'sqs', 'lambda', 'http', 'https'] as const;

const TOPIC_ARN = /^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,256}$/;

/** Publishes one message per outcome to an SNS topic, each protocol getting the form it reads. */
export class SnsOutcomePublisher implements OutcomePublisher {
  private readonly client: SnsPublishClient;
  private readonly topicArn: string;

  constructor(props: SnsOutcomePublisherProps) {
    if (props.topicArn.endsWith('.fifo')) {
      throw new ValidationError(`SnsOutcomePublisher publishes to standard topics, not FIFO ones (${props.topicArn}): a FIFO topic needs a message group id on every message`);
    }
    if (!TOPIC_ARN.test(props.topicArn)) {
      throw new ValidationError(`SnsOutcomePublisher needs a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "${props.topicArn}"`);
    }
    this.client = props.client;
    this.topicArn = props.topicArn;
  }

  async publish(message: OutcomeMessage): Promise<string | undefined> {
    const output = await awsCall(`Publish to ${this.topicArn}`, () => this.client.send(new PublishCommand(publishInput(this.topicArn, message))));
    return output.MessageId;
  }
}

/**
 * `MessageStructure: 'json'` makes `Message` a JSON object of one string per protocol, `default`
 * required; SNS unescapes each value before delivering it, so the document goes in as a string.
 */
export function publishInput(topicArn: string, message: OutcomeMessage): PublishCommandInput {
  const document = JSON.stringify(message.document);
  const perProtocol: Record<string, string> = Object.fromEntries(JSON_PROTOCOLS.map((protocol) => [protocol, document]));
  perProtocol.email = message.text;
  perProtocol.sms = message.subject;
  return { TopicArn: topicArn, Subject: message.subject, MessageStructure: 'json', Message: JSON.stringify(perProtocol) };
}
