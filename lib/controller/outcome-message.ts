import { executionConsoleUrl } from '../domain/execution-arn';
import { dateTime, duration } from '../report/time-format';
import { causeMessage } from './task-failure';
import type { Outcome, RolloutOutcome, TargetOutcome } from './rollout-outcome';
import { oneLine } from '../domain/text';

/**
 * The notification of an ended rollout, in the two forms its readers need: a text a person reads
 * in an email, and a JSON document a program parses (the same facts, with stable field names).
 */
export interface OutcomeMessage {
  /** The email subject: printable ASCII, under SNS's limit of 100 characters. */
  readonly subject: string;
  readonly text: string;
  readonly document: OutcomeDocument;
}

/** Identifies the document among whatever else arrives on the topic (alarms share it). */
export const OUTCOME_DOCUMENT_TYPE = 'fledge.rollout-outcome';

export interface OutcomeDocument {
  readonly type: typeof OUTCOME_DOCUMENT_TYPE;
  /** Raised when a field changes meaning or goes away; new fields may appear without it. */
  readonly version: 1;
  readonly rolloutId: string;
  readonly outcome: Outcome;
  readonly headline: string;
  readonly needsAttention: boolean;
  readonly reason: string;
  readonly targets: readonly TargetOutcome[];
  readonly execution: {
    readonly arn: string;
    readonly name: string;
    readonly status: string;
    readonly error?: string;
    readonly cause?: string;
    readonly startedAt?: string;
    readonly stoppedAt?: string;
    readonly consoleUrl?: string;
  };
  readonly ledger: RolloutOutcome['ledger'];
}

const HEADLINES: Readonly<Record<Outcome, string>> = {
  promoted: 'PROMOTED',
  'promoted-unrecorded': 'PROMOTED (UNRECORDED)',
  'rolled-back': 'ROLLED BACK',
  'rollback-failed': 'ROLLBACK FAILED',
  refused: 'REFUSED',
  'rollback-unrecorded': 'ROLLBACK UNRECORDED',
  stopped: 'STOPPED',
  'timed-out': 'TIMED OUT',
  unknown: 'FAILED',
};

/** SNS: "less than 100 characters". */
const MAX_SUBJECT = 99;
const SUBJECT_PREFIX = 'fledge: ';
/** A Step Functions cause can be 32 KB; the message keeps its first line's worth. */
const MAX_CAUSE = 500;

export function outcomeMessage(o: RolloutOutcome): OutcomeMessage {
  const headline = HEADLINES[o.outcome];
  const { execution: e } = o;
  const consoleUrl = executionConsoleUrl(e.region, e.executionArn);
  const document: OutcomeDocument = {
    type: OUTCOME_DOCUMENT_TYPE,
    version: 1,
    rolloutId: o.rolloutId,
    outcome: o.outcome,
    headline,
    needsAttention: o.needsAttention,
    reason: o.reason,
    targets: o.targets,
    execution: {
      arn: e.executionArn,
      name: e.name,
      status: e.status,
      ...(e.error ? { error: e.error } : {}),
      ...(e.cause ? { cause: oneLine(causeMessage(e.cause), MAX_CAUSE) } : {}),
      ...(e.startedAt ? { startedAt: e.startedAt.toISOString() } : {}),
      ...(e.stoppedAt ? { stoppedAt: e.stoppedAt.toISOString() } : {}),
      ...(consoleUrl ? { consoleUrl } : {}),
    },
    ledger: o.ledger,
  };
  return { subject: subjectLine(o.rolloutId, headline), text: readableText(document), document };
}

/** `fledge: orders-2024-06-01 ROLLED BACK`; a long id is shortened, never the headline. */
export function subjectLine(rolloutId: string, headline: string): string {
  // SNS refuses control characters and mangles non-ASCII ones in subjects.
  const id = rolloutId.replace(/[^\x20-\x7e]/g, '?');
  const room = MAX_SUBJECT - SUBJECT_PREFIX.length - headline.length - 1;
  const shown = id.length <= room ? id : `${id.slice(0, room - 3)}...`;
  return `${SUBJECT_PREFIX}${shown} ${headline}`;
}

function readableText(d: OutcomeDocument): string {
  const lines = [`fledge rollout ${d.rolloutId}: ${d.headline}`];
  if (d.needsAttention) lines.push('Needs a person: a target may not be where fledge meant to leave it (see Targets).');
  lines.push('', `Why: ${d.reason}`, '', 'Targets:');
  if (d.targets.length === 0) lines.push('  none known: neither the ledger nor the execution input names any');
  for (const t of d.targets) lines.push(`  - ${t.targetKey}${versions(t)}: ${t.state}: ${t.detail}`);
  lines.push('', `Execution: ${d.execution.arn}`, `  ${executionLine(d.execution)}`);
  if (d.execution.cause) lines.push(`  cause: ${d.execution.cause}`);
  if (d.execution.consoleUrl) lines.push(`  console: ${d.execution.consoleUrl}`);
  lines.push(`Ledger: ${ledgerLine(d)}`);
  lines.push('', '--', 'The same facts as JSON: subscribe to this topic with the email-json, sqs, lambda or https protocol.');
  return lines.join('\n');
}

function versions(t: TargetOutcome): string {
  return t.stableVersion && t.newVersion ? ` (${t.stableVersion} → ${t.newVersion})` : t.newVersion ? ` (→ ${t.newVersion})` : '';
}

function executionLine(e: OutcomeDocument['execution']): string {
  const parts = [e.error ? `${e.status} with ${e.error}` : e.status];
  if (e.startedAt) parts.push(`started ${dateTime(e.startedAt)}`);
  if (e.stoppedAt) parts.push(`ended ${dateTime(e.stoppedAt)}`);
  if (e.startedAt && e.stoppedAt) parts.push(`after ${duration(Date.parse(e.stoppedAt) - Date.parse(e.startedAt))}`);
  return parts.join(', ');
}

function ledgerLine(d: OutcomeDocument): string {
  switch (d.ledger.state) {
    case 'recorded':
      return `rollout ${d.rolloutId} is ${d.ledger.status}; every step and evaluation: fledge status ${d.rolloutId}`;
    case 'no-record':
      return `no record of rollout ${d.rolloutId}`;
    case 'other-execution':
      return `rollout ${d.rolloutId} there belongs to another execution, which used the id first`;
    case 'unreadable':
      return `could not be read (${d.ledger.error ?? 'no error given'}); this message says what the execution itself reported`;
  }
}
