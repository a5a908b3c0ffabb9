import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { makeNotifyHandler } from '../../functions/notify';
import { SnsOutcomePublisher } from '../../lib/adapters/notifications/sns-outcome-publisher';
import type { NotifyDeps } from '../../lib/controller/dependencies';
import { rollbackFailureMessage } from '../../lib/domain/rollback-failure';
import { rolloutIdOfExecution } from '../../lib/domain/rollout-id';
import { awsError } from '../helpers/aws-fixtures';
import {
  ALIAS_KEY,
  executionArn,
  fakeLedger,
  FLAG_KEY,
  newExecutionEndedEvent,
  newLedgerEvent,
  newRolloutRecord,
  NOTIFY_REGION,
  TOPIC_ARN,
  twoTargetRequest,
} from '../helpers/notify-fixtures';

const sns = mockClient(SNSClient);
const ID = 'orders-2025-03-01';
const ARN = executionArn(ID);
/** When newExecutionEndedEvent's executions start. */
const STARTED = new Date('2025-03-01T12:00:00Z');
const CONSOLE = `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`;
const AT = '2025-03-01T12:30:00.000Z';

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

/** Runs the handler with the real SNS publisher on the mocked client, and reads back the one message it sent. */
async function notify(ledger: NotifyDeps['ledger'], event: unknown, deps: Partial<NotifyDeps> = {}) {
  const publisher = new SnsOutcomePublisher({ client: new SNSClient({ region: NOTIFY_REGION }), topicArn: TOPIC_ARN });
  const result = await makeNotifyHandler({ ledger, publisher, ...deps })(event);
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0].args[0].input;
  const perProtocol = JSON.parse(input.Message as string) as Record<string, string>;
  return { result, input, perProtocol, text: perProtocol.email, document: JSON.parse(perProtocol.default) as Record<string, unknown> };
}

const targetLines = (text: string) => text.split('\n').filter((l) => l.startsWith('  - '));

describe('notify', () => {
  describe('a promoted rollout', () => {
    const record = newRolloutRecord({ status: 'PROMOTED', outcome: { decision: 'promoted', reason: 'all steps passed', at: AT } });
    const event = newExecutionEndedEvent({ output: { rolloutId: ID, outcome: 'promoted', detail: 'all steps passed' } });

    it('publishes one message: JSON for programs on every protocol, a readable text for email, the subject for SMS', async () => {
      const { result, input, perProtocol, document } = await notify(fakeLedger({ record }), event);
      expect(result).toEqual({ rolloutId: ID, outcome: 'promoted', ledger: 'recorded', messageId: 'message-1' });
      expect(input).toEqual({ TopicArn: TOPIC_ARN, Subject: `fledge: ${ID} PROMOTED`, MessageStructure: 'json', Message: expect.any(String) });
      expect(Object.keys(perProtocol).sort()).toEqual(['default', 'email', 'email-json', 'http', 'https', 'lambda', 'sms', 'sqs']);
      for (const protocol of ['email-json', 'sqs', 'lambda', 'http', 'https']) expect(perProtocol[protocol]).toBe(perProtocol.default);
      expect(perProtocol.sms).toBe(`fledge: ${ID} PROMOTED`);
      expect(document).toEqual({
        type: 'fledge.rollout-outcome',
        version: 1,
        rolloutId: ID,
        outcome: 'promoted',
        headline: 'PROMOTED',
        needsAttention: false,
        reason: 'all steps passed',
        targets: [
          { targetKey: ALIAS_KEY, kind: 'lambda-alias', stableVersion: '41', newVersion: '42', state: 'promoted', detail: 'alias on version 42 with no routing weights' },
          { targetKey: FLAG_KEY, kind: 'appconfig-flag', stableVersion: 'off', newVersion: 'on', state: 'promoted', detail: 'flag at 100%' },
        ],
        execution: { arn: ARN, name: ID, status: 'SUCCEEDED', startedAt: '2025-03-01T12:00:00.000Z', stoppedAt: AT, consoleUrl: CONSOLE },
        ledger: { state: 'recorded', status: 'PROMOTED', mode: 'enforce' },
      });
    });

    it('reads in an email as the rollout, the reason, each target, the execution with its console link, and where to look next', async () => {
      const { text } = await notify(fakeLedger({ record }), event);
      expect(text).toBe(
        [
          `fledge rollout ${ID}: PROMOTED`,
          '',
          'Why: all steps passed',
          '',
          'Targets:',
          `  - ${ALIAS_KEY} (41 → 42): promoted: alias on version 42 with no routing weights`,
          `  - ${FLAG_KEY} (off → on): promoted: flag at 100%`,
          '',
          `Execution: ${ARN}`,
          '  SUCCEEDED, started 2025-03-01 12:00:00 UTC, ended 2025-03-01 12:30:00 UTC, after 30 min',
          `  console: ${CONSOLE}`,
          `Ledger: rollout ${ID} is PROMOTED; every step and evaluation: fledge status ${ID}`,
          '',
          '--',
          'The same facts as JSON: subscribe to this topic with the email-json, sqs, lambda or https protocol.',
        ].join('\n'),
      );
    });
  });

  describe('a rolled-back rollout', () => {
    it("gives the reason and each target's restored state, and asks for a person when one was left alone as changed by hand", async () => {
      const reason = 'verdict-failed: errors on lambda:orders-api:live: canary 4.1% vs baseline 0.2%';
      const record = newRolloutRecord({ status: 'ROLLED_BACK', outcome: { decision: 'rolled-back', reason, at: AT } });
      const events = [
        newLedgerEvent(7, 'target-restored', { targetKey: ALIAS_KEY, action: 'restored', detail: 'alias back on version 41 with no routing weights (was alias on version 41 with 25% on version 42, revision rev-4)' }),
        newLedgerEvent(8, 'target-restored', { targetKey: FLAG_KEY, action: 'skipped-drifted', detail: `not restored to configuration version 3: ${FLAG_KEY} was changed outside this rollout` }),
      ];
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'RolledBackOnFailedVerdict', cause: 'errors on lambda:orders-api:live: canary 4.1% vs baseline 0.2%' });
      const { input, text, document } = await notify(fakeLedger({ record, events }), event);
      expect(input.Subject).toBe(`fledge: ${ID} ROLLED BACK`);
      expect(text.split('\n').slice(0, 4)).toEqual([`fledge rollout ${ID}: ROLLED BACK`, 'Needs a person: a target may not be where fledge meant to leave it (see Targets).', '', `Why: ${reason}`]);
      expect(targetLines(text)).toEqual([
        `  - ${ALIAS_KEY} (41 → 42): restored: alias back on version 41 with no routing weights (was alias on version 41 with 25% on version 42, revision rev-4)`,
        `  - ${FLAG_KEY} (off → on): skipped-drifted: not restored to configuration version 3: ${FLAG_KEY} was changed outside this rollout`,
      ]);
      expect(text).toContain('  FAILED with RolledBackOnFailedVerdict, started');
      expect(document).toMatchObject({ outcome: 'rolled-back', needsAttention: true, reason, execution: { error: 'RolledBackOnFailedVerdict' }, ledger: { state: 'recorded', status: 'ROLLED_BACK' } });
      expect((document.targets as { state: string }[]).map((t) => t.state)).toEqual(['restored', 'skipped-drifted']);
    });
  });

  describe('a rollback that failed', () => {
    const message = rollbackFailureMessage(2, [{ targetKey: ALIAS_KEY, why: 'AccessDeniedError: UpdateAlias orders-api:live: AccessDeniedException: not authorized (check the role)' }], [{ targetKey: FLAG_KEY, action: 'restored' }]);
    // In AWS a failed Lambda task's cause is JSON, stack trace included.
    const cause = JSON.stringify({ errorType: 'RollbackFailedError', errorMessage: message, trace: ['RollbackFailedError: …', '    at restore (/var/task/index.js:1:999)'] });
    const event = newExecutionEndedEvent({ status: 'FAILED', error: 'RollbackFailedError', cause });
    const expectedTargets = [
      `  - ${ALIAS_KEY} (41 → 42): unknown: could not restore it: AccessDeniedError: UpdateAlias orders-api:live: AccessDeniedException: not authorized (check the role)`,
      `  - ${FLAG_KEY} (off → on): restored: restored, before the rollback failed on another target`,
    ];

    it('says which target could not be restored and why, and which one was', async () => {
      const record = newRolloutRecord({ status: 'ROLLBACK_FAILED', outcome: { decision: 'rollback-failed', reason: `error: DriftError: drifted; then ${message}`, at: AT } });
      const events = [newLedgerEvent(9, 'error', { during: 'rollback', message: `RollbackFailedError: ${message}` })];
      const { input, text, document } = await notify(fakeLedger({ record, events }), event);
      expect(input.Subject).toBe(`fledge: ${ID} ROLLBACK FAILED`);
      expect(targetLines(text)).toEqual(expectedTargets);
      expect(document).toMatchObject({ outcome: 'rollback-failed', needsAttention: true, execution: { error: 'RollbackFailedError', cause: message } });
    });

    it("reads the same from the execution's cause when the ledger cannot be read, and leaves Lambda's stack trace out", async () => {
      const { input, text } = await notify(fakeLedger({ error: awsError('ProvisionedThroughputExceededException', 'Rate exceeded') }), event);
      expect(input.Subject).toBe(`fledge: ${ID} ROLLBACK FAILED`);
      expect(targetLines(text).map((l) => l.replace(' (41 → 42)', ' (→ 42)'))).toEqual(expectedTargets.map((l) => l.replace(' (41 → 42)', ' (→ 42)')));
      expect(input.Message).not.toMatch(/trace|\/var\/task/);
      expect(text).toContain('Ledger: could not be read (ProvisionedThroughputExceededException: Rate exceeded); this message says what the execution itself reported');
    });
  });

  describe('a refused request', () => {
    it('says every target was left untouched, with the refusal the ledger recorded', async () => {
      const reason = 'LockHeldError: target lambda:orders-api:live is locked by rollout other-1 until 2025-03-01T13:00:00.000Z';
      const record = newRolloutRecord({ status: 'REJECTED', captured: [], executionId: undefined, outcome: { decision: 'rejected', reason, at: AT } });
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'LockHeldError', cause: JSON.stringify({ errorType: 'LockHeldError', errorMessage: 'target … is locked', trace: [] }) });
      const { input, text, document } = await notify(fakeLedger({ record }), event);
      expect(input.Subject).toBe(`fledge: ${ID} REFUSED`);
      expect(text).toContain(`Why: ${reason}`);
      expect(targetLines(text)).toEqual([
        `  - ${ALIAS_KEY} (→ 42): untouched: left as it was: preflight refused the rollout before moving any traffic`,
        `  - ${FLAG_KEY} (off → on): untouched: left as it was: preflight refused the rollout before moving any traffic`,
      ]);
      expect(document).toMatchObject({ outcome: 'refused', needsAttention: false, ledger: { state: 'recorded', status: 'REJECTED' } });
    });

    it('refused before it had a record: names the targets its input lists, or says none are known', async () => {
      const invalid = { targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'no-such-strategy' };
      const cause = 'invalid rollout request: strategy: unknown preset';
      const listed = await notify(fakeLedger({}), newExecutionEndedEvent({ name: 'r-1', status: 'FAILED', error: 'ValidationError', cause, input: invalid }));
      // Without a rollout id in its input, the rollout has the id preflight derives from its execution.
      const derived = rolloutIdOfExecution(executionArn('r-1'), STARTED);
      expect(listed.input.Subject).toBe(`fledge: ${derived} REFUSED`);
      expect(listed.text).toContain(`Why: ValidationError: ${cause}`);
      expect(targetLines(listed.text)).toEqual([`  - ${ALIAS_KEY} (→ 42): untouched: left as it was: preflight refused the rollout before moving any traffic`]);
      expect(listed.text).toContain(`Ledger: no record of rollout ${derived}`);

      sns.resetHistory();
      const none = await notify(fakeLedger({}), newExecutionEndedEvent({ name: 'r-2', status: 'FAILED', error: 'ValidationError', cause, input: 'not a request' }));
      expect(none.text).toContain('Targets:\n  none known: neither the ledger nor the execution input names any\n');
      expect(none.document).toMatchObject({ outcome: 'refused', targets: [], ledger: { state: 'no-record' } });
    });

    it('refused for reusing an id: says so, and ignores the earlier rollout the ledger holds under that id', async () => {
      const earlier = newRolloutRecord({ status: 'PROMOTED', executionId: executionArn('first-run'), outcome: { decision: 'promoted', reason: 'all steps passed', at: AT } });
      const event = newExecutionEndedEvent({
        name: 'second-run',
        input: { ...twoTargetRequest(), rolloutId: ID },
        status: 'FAILED',
        error: 'RolloutExistsError',
        cause: `rollout ${ID} already exists; pick another rollout id (ids are never reused)`,
      });
      const { text, document } = await notify(fakeLedger({ record: earlier }), event);
      expect(document).toMatchObject({ rolloutId: ID, outcome: 'refused', reason: `RolloutExistsError: rollout ${ID} already exists; pick another rollout id (ids are never reused)`, ledger: { state: 'other-execution' } });
      expect(text).not.toContain('promoted:');
      expect(text).toContain(`Ledger: rollout ${ID} there belongs to another execution, which used the id first`);
    });
  });

  describe('when the ledger cannot tell', () => {
    it('unreadable: still notifies, from the execution alone, and says the ledger could not be read', async () => {
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'RolledBackOnFailedVerdict', cause: 'errors on lambda:orders-api:live: canary 4.1% vs baseline 0.2%' });
      const { result, input, text, document } = await notify(fakeLedger({ error: awsError('AccessDeniedException', 'not authorized to perform dynamodb:GetItem') }), event);
      expect(result).toMatchObject({ outcome: 'rolled-back', ledger: 'unreadable' });
      expect(input.Subject).toBe(`fledge: ${ID} ROLLED BACK`);
      expect(text).toContain('Why: verdict-failed: errors on lambda:orders-api:live: canary 4.1% vs baseline 0.2%');
      expect(targetLines(text)[0]).toBe(`  - ${ALIAS_KEY} (→ 42): unknown: rolled back (restored, or left alone if it was changed by hand): the ledger, which says which, could not be read`);
      expect(document).toMatchObject({ needsAttention: true, ledger: { state: 'unreadable', error: 'AccessDeniedException: not authorized to perform dynamodb:GetItem' } });
    });

    it('too slow: gives up on the ledger after ledgerTimeoutMs and notifies without it', async () => {
      const hanging: NotifyDeps['ledger'] = { getRollout: () => new Promise(() => undefined), listEvents: () => new Promise(() => undefined) };
      const { document } = await notify(hanging, newExecutionEndedEvent({ output: { rolloutId: ID, detail: 'all steps passed' } }), { ledgerTimeoutMs: 20 });
      expect(document).toMatchObject({ outcome: 'promoted', reason: 'all steps passed', ledger: { state: 'unreadable', error: 'no answer within 0.02 s' } });
    });

    it('unreadable after a failure no name explains: says it does not know whether the request was refused or rolled back', async () => {
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'States.TaskFailed', cause: 'something broke' });
      const { input, document } = await notify(fakeLedger({ error: awsError('ResourceNotFoundException', 'no such table') }), event);
      expect(input.Subject).toBe(`fledge: ${ID} FAILED`);
      expect(document).toMatchObject({
        outcome: 'unknown',
        needsAttention: true,
        reason: expect.stringMatching(/whether preflight refused the request, or the rollout ended \(promoted or rolled back\) without the ledger recording it, is not known$/),
      });
    });

    it('a rollback the ledger could not record (RolledBackUnrecorded): says so, with what fledge had last set', async () => {
      const record = newRolloutRecord({ phaseStarts: [{ phase: 'step', stepIndex: 1, weight: 25, at: '2025-03-01T12:10:00.000Z' }] });
      const events = [newLedgerEvent(12, 'evaluation', { stepIndex: 1, phase: 'step', weight: 25, decision: 'rollback', reason: 'errors failed' })];
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'ProvisionedThroughputExceededException', cause: 'Rate of requests exceeds the allowed throughput' });
      const { input, text, document } = await notify(fakeLedger({ record, events }), event);
      expect(input.Subject).toBe(`fledge: ${ID} ROLLBACK UNRECORDED`);
      expect(text).toContain('Why: the rollback ran, but the ledger could not record it: ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput');
      expect(targetLines(text)).toEqual([
        `  - ${ALIAS_KEY} (41 → 42): unknown: restored unless the rollback failed too: the ledger could not record which; fledge had last set alias on version 41 with 25% on version 42`,
        `  - ${FLAG_KEY} (off → on): unknown: restored unless the rollback failed too: the ledger could not record which; fledge had last set flag at 25%`,
      ]);
      expect(document).toMatchObject({ outcome: 'rollback-unrecorded', needsAttention: true, ledger: { state: 'recorded', status: 'IN_PROGRESS' } });
    });

    it('a promotion the ledger could not record (PromotedUnrecorded): the targets serve the new version, only the record is missing', async () => {
      const record = newRolloutRecord({ phaseStarts: [{ phase: 'step', stepIndex: 4, weight: 100, at: '2025-03-01T12:25:00.000Z' }] });
      const events = [newLedgerEvent(20, 'promoted', { fromStepIndex: 4, reason: 'all steps passed', finalBakeSeconds: 0 })];
      const event = newExecutionEndedEvent({ status: 'FAILED', error: 'ProvisionedThroughputExceededException', cause: 'Rate exceeded' });
      const { input, text, document } = await notify(fakeLedger({ record, events }), event);
      expect(input.Subject).toBe(`fledge: ${ID} PROMOTED (UNRECORDED)`);
      expect(text).toContain("Why: promoted, but the ledger could not record it: ProvisionedThroughputExceededException: Rate exceeded; the targets' locks expire on their own");
      expect(targetLines(text)).toEqual([`  - ${ALIAS_KEY} (41 → 42): promoted: alias on version 42 with no routing weights`, `  - ${FLAG_KEY} (off → on): promoted: flag at 100%`]);
      expect(document).toMatchObject({ outcome: 'promoted-unrecorded', needsAttention: false });
    });
  });

  describe('an execution stopped from outside', () => {
    it('says nothing was rolled back and what fledge had last set on each target', async () => {
      const record = newRolloutRecord({ phaseStarts: [{ phase: 'step', stepIndex: 0, weight: 5, at: '2025-03-01T12:05:00.000Z' }] });
      const { input, text, document } = await notify(fakeLedger({ record }), newExecutionEndedEvent({ status: 'ABORTED' }));
      expect(input.Subject).toBe(`fledge: ${ID} STOPPED`);
      expect(document.reason).toBe('the execution was stopped (StopExecution) while the rollout was IN_PROGRESS: nothing was rolled back, the targets stay as fledge last set them, and their locks expire on their own');
      expect(targetLines(text)[0]).toBe(`  - ${ALIAS_KEY} (41 → 42): unknown: not rolled back: the execution ended first; fledge had last set alias on version 41 with 5% on version 42`);
    });
  });

  describe('the subject', () => {
    it("stays under SNS's 100 characters of printable ASCII: a long id is shortened, never the headline", async () => {
      const longId = `release-${'x'.repeat(72)}`;
      const failed = newExecutionEndedEvent({ name: longId, status: 'FAILED', error: 'RollbackFailedError', cause: 'could not restore', input: { rolloutId: longId } });
      const subject = (await notify(fakeLedger({}), failed)).input.Subject as string;
      expect(subject).toHaveLength(99);
      expect(subject).toMatch(/^fledge: release-x+\.\.\. ROLLBACK FAILED$/);

      sns.resetHistory();
      // An execution started by hand may have any name; without a rollout id in its input, the rollout's id is derived from the execution.
      const named = newExecutionEndedEvent({ name: 'déploiement', status: 'FAILED', error: 'ValidationError', cause: 'bad', input: {} });
      expect((await notify(fakeLedger({}), named)).input.Subject).toBe(`fledge: ${rolloutIdOfExecution(executionArn('déploiement'), STARTED)} REFUSED`);
    });
  });

  describe('bad input and failures', () => {
    it('refuses an event that is not an ended execution, naming the field, and publishes nothing', async () => {
      const handler = makeNotifyHandler({ ledger: fakeLedger({}), publisher: new SnsOutcomePublisher({ client: new SNSClient({ region: NOTIFY_REGION }), topicArn: TOPIC_ARN }) });
      const running = newExecutionEndedEvent({ status: 'RUNNING' });
      await expect(handler(running)).rejects.toThrow(/invalid "Step Functions Execution Status Change" event: detail\.status: must be one of SUCCEEDED, FAILED, TIMED_OUT, ABORTED/);
      await expect(handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('detail-type') });
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });

    it('fails when SNS does, so Lambda retries it and, in the end, the event waits in the dead-letter queue', async () => {
      sns.on(PublishCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
      const handler = makeNotifyHandler({ ledger: fakeLedger({}), publisher: new SnsOutcomePublisher({ client: new SNSClient({ region: NOTIFY_REGION }), topicArn: TOPIC_ARN }) });
      await expect(handler(newExecutionEndedEvent())).rejects.toMatchObject({ name: 'TransientError', message: `Publish to ${TOPIC_ARN}: ThrottlingException: Rate exceeded` });
    });

    it('refuses a FIFO or malformed topic ARN at construction', () => {
      const client = new SNSClient({ region: NOTIFY_REGION });
      expect(() => new SnsOutcomePublisher({ client, topicArn: `${TOPIC_ARN}.fifo` })).toThrow(/standard topics, not FIFO ones/);
      expect(() => new SnsOutcomePublisher({ client, topicArn: 'fledge-outcomes' })).toThrow(/needs a standard SNS topic ARN .* got "fledge-outcomes"/);
    });
  });
});
