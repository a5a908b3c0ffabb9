import type { Ledger } from '../lib/adapters/ledger';
import type { NotifyDeps } from '../lib/controller/dependencies';
import { parseExecutionEnded } from '../lib/controller/execution-event';
import { outcomeMessage } from '../lib/controller/outcome-message';
import { rolloutIdOf, rolloutOutcome, type LedgerView, type Outcome } from '../lib/controller/rollout-outcome';
import { awsNotifyDeps, newNotifyClients } from '../lib/runtime/aws-dependencies';
import { lambdaEntryWith } from '../lib/runtime/lambda-entry';

export interface NotifyResult {
  readonly rolloutId: string;
  readonly outcome: Outcome;
  readonly ledger: string;
  readonly messageId?: string;
}

const DEFAULT_LEDGER_TIMEOUT_MS = 10_000;

/**
 * Turns an ended execution (the outcome rule's EventBridge event) into one message on the topic:
 * what the rollout was, how it ended and why, and what each target was left in. The ledger has
 * the story; when it has no record or cannot be read, the message says so and tells what the
 * execution itself reported. Only a malformed event or a failed publish fails the invocation.
 */
export function makeNotifyHandler(deps: NotifyDeps) {
  return async (event: unknown): Promise<NotifyResult> => {
    const execution = parseExecutionEnded(event);
    const rolloutId = rolloutIdOf(execution);
    const view = await readLedger(deps.ledger, rolloutId, deps.ledgerTimeoutMs ?? DEFAULT_LEDGER_TIMEOUT_MS);
    const outcome = rolloutOutcome(execution, view);
    const messageId = await deps.publisher.publish(outcomeMessage(outcome));
    return { rolloutId, outcome: outcome.outcome, ledger: outcome.ledger.state, ...(messageId ? { messageId } : {}) };
  };
}

/** Never throws: whatever goes wrong with the ledger becomes part of the message instead. */
async function readLedger(ledger: NotifyDeps['ledger'], rolloutId: string, timeoutMs: number): Promise<LedgerView> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<LedgerView>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unreadable', error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
  });
  try {
    return await Promise.race([read(ledger, rolloutId), deadline]);
  } catch (error) {
    return { kind: 'unreadable', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function read(ledger: Pick<Ledger, 'getRollout' | 'listEvents'>, rolloutId: string): Promise<LedgerView> {
  const record = await ledger.getRollout(rolloutId);
  if (!record) return { kind: 'absent' };
  return { kind: 'recorded', record, events: await ledger.listEvents(rolloutId) };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntryWith('notify', ({ tracer }) => awsNotifyDeps(newNotifyClients(tracer)), makeNotifyHandler);
