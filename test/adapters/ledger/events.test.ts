import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { RolloutStateError, ValidationError } from '../../../lib/domain/errors';
import { useDynamoDbLocal } from '../../helpers/dynamodb';
import { newTestRollout } from './fixtures';

const ddb = useDynamoDbLocal();

describe('Ledger', () => {
  describe('appendEvent', () => {
    it('numbers events 1, 2, 3… and counts them on the rollout record', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      const first = await ledger.appendEvent(rolloutId, 'step-started', { stepIndex: 0 });
      clock.advanceSeconds(60);
      const second = await ledger.appendEvent(rolloutId, 'shift-applied', { weight: 10 });

      expect(first).toEqual({ rolloutId, seq: 1, type: 'step-started', at: '2025-03-01T12:00:00.000Z', data: { stepIndex: 0 } });
      expect(second).toMatchObject({ seq: 2, type: 'shift-applied', at: '2025-03-01T12:01:00.000Z' });
      expect((await ledger.requireRollout(rolloutId)).eventCount).toBe(2);
    });

    it('gives concurrent writers distinct, gap-free sequence numbers', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      const events = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.appendEvent(rolloutId, 'evaluation', { i })));

      expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await ledger.listEvents(rolloutId)).toHaveLength(20);
    });

    it('refuses an unknown rollout without creating a record for it', async () => {
      const { ledger } = await ddb.newLedger();

      await expect(ledger.appendEvent('r-ghost', 'error', { message: 'x' })).rejects.toThrow(RolloutStateError);
      expect(await ledger.getRollout('r-ghost')).toBeUndefined();
    });

    it('refuses data that is not a JSON object before numbering anything', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      await expect(ledger.appendEvent(rolloutId, 'error', ['not', 'an', 'object'])).rejects.toThrow(ValidationError);
      expect((await ledger.requireRollout(rolloutId)).eventCount).toBe(0);
    });

    it('never overwrites an event, even if the counter is wound back', async () => {
      const { ledger, doc, tableName } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      await ledger.appendEvent(rolloutId, 'decision', { decision: 'rollback' });
      await doc.send(
        new UpdateCommand({ TableName: tableName, Key: { pk: `ROLLOUT#${rolloutId}`, sk: 'META' }, UpdateExpression: 'SET eventCount = :zero', ExpressionAttributeValues: { ':zero': 0 } }),
      );

      await expect(ledger.appendEvent(rolloutId, 'decision', { decision: 'promote' })).rejects.toThrow(ConditionalCheckFailedException);
      expect((await ledger.listEvents(rolloutId)).map((e) => e.data)).toEqual([{ decision: 'rollback' }]);
    });

    it('sets the TTL attribute to the retention after the event when a retention is configured', async () => {
      const { ledger, rawItem, clock } = await ddb.newLedger({ eventRetentionDays: 30 });
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      await ledger.appendEvent(rolloutId, 'step-started', {});

      const item = await rawItem({ pk: `ROLLOUT#${rolloutId}`, sk: 'EVENT#0000000001' });
      expect(item?.expiresAt).toBe(Math.floor(clock.now().getTime() / 1000) + 30 * 86_400);
      // The record itself is the audit summary and is kept.
      expect((await rawItem({ pk: `ROLLOUT#${rolloutId}`, sk: 'META' }))?.expiresAt).toBeUndefined();
    });

    it('sets no TTL attribute when no retention is configured', async () => {
      const { ledger, rawItem } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      await ledger.appendEvent(rolloutId, 'step-started', {});

      const item = await rawItem({ pk: `ROLLOUT#${rolloutId}`, sk: 'EVENT#0000000001' });
      expect(item).toBeDefined();
      expect(item).not.toHaveProperty('expiresAt');
    });
  });

  describe('onEvent', () => {
    it('sees every event once it is stored, in order', async () => {
      const seen: [string, number, string][] = [];
      const { ledger } = await ddb.newLedger({ onEvent: (id, event) => seen.push([id, event.seq, event.type]) });
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      await ledger.appendEvent(rolloutId, 'step-started', {});
      await ledger.appendEvent(rolloutId, 'shift-applied', {});

      expect(seen).toEqual([
        [rolloutId, 1, 'step-started'],
        [rolloutId, 2, 'shift-applied'],
      ]);
    });

    it('cannot fail a write that already happened: its error becomes a process warning', async () => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const { ledger } = await ddb.newLedger({
          onEvent: () => {
            throw new Error('terminal closed');
          },
        });
        const { rolloutId } = await ledger.createRollout(newTestRollout());

        await expect(ledger.appendEvent(rolloutId, 'error', {})).resolves.toMatchObject({ seq: 1 });
        expect(await ledger.listEvents(rolloutId)).toHaveLength(1);
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('terminal closed'));
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('listEvents', () => {
    it('returns the events in sequence order with their data as written', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      const verdict = { value: 'fail', reason: 'errors 2.1% vs 0.4%', signals: [{ signal: 'errors', statistics: { llr: 5.2 } }] };
      // Ten or more events: sort keys are zero-padded, so EVENT#10 does not sort before EVENT#2.
      for (let i = 1; i <= 11; i++) await ledger.appendEvent(rolloutId, 'evaluation', { i, verdict });

      const events = await ledger.listEvents(rolloutId);

      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(events.map((e) => e.data.i)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(events[10].data.verdict).toEqual(verdict);
    });

    it('returns only newer events after a given sequence number', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      for (const type of ['step-started', 'shift-applied', 'evaluation', 'decision'] as const) await ledger.appendEvent(rolloutId, type, {});

      expect((await ledger.listEvents(rolloutId, { afterSeq: 2 })).map((e) => e.type)).toEqual(['evaluation', 'decision']);
      expect(await ledger.listEvents(rolloutId, { afterSeq: 4 })).toEqual([]);
    });

    it('leaves the record and target memberships out', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      expect(await ledger.listEvents(rolloutId)).toEqual([]);
    });

    it('reads past DynamoDB’s 1 MB page limit', async () => {
      const { ledger, doc, tableName } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      const blob = 'x'.repeat(100_000);
      for (let i = 1; i <= 15; i++) await ledger.appendEvent(rolloutId, 'evaluation', { i, blob });
      // Precondition: a single Query really does stop early, so this test exercises the paging.
      const onePage = await doc.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ROLLOUT#${rolloutId}` } }),
      );
      expect(onePage.LastEvaluatedKey).toBeDefined();

      const events = await ledger.listEvents(rolloutId);

      expect(events.map((e) => e.data.i)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    });
  });
});
