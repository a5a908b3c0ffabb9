import type { OutcomeMessage } from '../../controller/outcome-message';

/** Where the message of an ended rollout goes. SNS in AWS; tests mock its client. */
export interface OutcomePublisher {
  /** Sends the message; returns the id the service gave it. */
  publish(message: OutcomeMessage): Promise<string | undefined>;
}
