import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { CorruptRecordError, RolloutExistsError, TERMINAL_STATUSES, type RolloutStatus } from '../../../lib/adapters/ledger';
import { RolloutStateError, ValidationError } from '../../../lib/domain/errors';
import { useDynamoDbLocal } from '../../helpers/dynamodb';
import { newTestRollout, TARGET_A, TARGET_B } from './fixtures';

const ddb = useDynamoDbLocal();

describe('Ledger', () => {
  describe('createRollout', () => {
    it('stores the record with timestamps from the clock and no events yet', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const input = newTestRollout({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:fledge:x' });

      const created = await ledger.createRollout(input);

      const at = clock.now().toISOString();
      expect(created).toEqual({ ...input, createdAt: at, updatedAt: at, eventCount: 0 });
      expect(await ledger.getRollout(input.rolloutId)).toEqual(created);
    });

    it('refuses a rollout id that already exists and leaves the first record and its history alone', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const first = await ledger.createRollout(newTestRollout({ rolloutId: 'r-dup', targetKeys: [TARGET_A] }));
      clock.advanceSeconds(60);

      const second = ledger.createRollout(newTestRollout({ rolloutId: 'r-dup', targetKeys: [TARGET_B], request: { other: true } }));

      await expect(second).rejects.toThrow(RolloutExistsError);
      await expect(second).rejects.toMatchObject({ name: 'RolloutExistsError', rolloutId: 'r-dup' });
      expect(await ledger.getRollout('r-dup')).toEqual(first);
      // All or nothing: the refused rollout's target membership was not written either.
      expect(await ledger.listRolloutsByTarget(TARGET_B)).toEqual([]);
    });

    it('refuses a target listed twice', async () => {
      const { ledger } = await ddb.newLedger();

      await expect(ledger.createRollout(newTestRollout({ targetKeys: [TARGET_A, TARGET_A] }))).rejects.toThrow(ValidationError);
    });
  });

  describe('getRollout and requireRollout', () => {
    it('returns undefined for an unknown id, and requireRollout throws RolloutStateError', async () => {
      const { ledger } = await ddb.newLedger();

      expect(await ledger.getRollout('r-nope')).toBeUndefined();
      await expect(ledger.requireRollout('r-nope')).rejects.toThrow(RolloutStateError);
      await expect(ledger.requireRollout('r-nope')).rejects.toThrow('rollout r-nope does not exist');
    });

    it('refuses to return a malformed record instead of passing it on', async () => {
      const { ledger, doc, tableName } = await ddb.newLedger();
      await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'ROLLOUT#r-bad', sk: 'META', rolloutId: 'r-bad', status: 'DANCING' } }));

      await expect(ledger.getRollout('r-bad')).rejects.toThrow(CorruptRecordError);
      await expect(ledger.getRollout('r-bad')).rejects.toThrow(/ROLLOUT#r-bad \/ META is malformed: .*status/);
    });
  });

  describe('updateRollout', () => {
    it('applies the patch and stamps updatedAt from the clock, keeping createdAt', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const created = await ledger.createRollout(newTestRollout());
      clock.advanceSeconds(90);

      const outcome = { decision: 'promoted', reason: 'all steps passed', at: clock.now().toISOString() };
      const updated = await ledger.updateRollout(created.rolloutId, { status: 'PROMOTED', outcome });

      expect(updated).toEqual({ ...created, status: 'PROMOTED', outcome, updatedAt: clock.now().toISOString() });
      expect(await ledger.getRollout(created.rolloutId)).toEqual(updated);
    });

    it('removes an optional field given null, and leaves fields given undefined alone', async () => {
      const { ledger } = await ddb.newLedger();
      const created = await ledger.createRollout(newTestRollout({ executionId: 'exec-1' }));

      const updated = await ledger.updateRollout(created.rolloutId, { executionId: null, status: undefined });

      expect(updated.executionId).toBeUndefined();
      expect(updated.status).toBe(created.status);
    });

    it('never rewrites identity fields, even when handed a whole record', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const created = await ledger.createRollout(newTestRollout());
      await ledger.appendEvent(created.rolloutId, 'step-started', {});
      clock.advanceSeconds(10);
      const other = await ledger.createRollout(newTestRollout({ targetKeys: ['lambda:other:live'] }));

      const updated = await ledger.updateRollout(created.rolloutId, { ...other, status: 'PROMOTED' });

      expect(updated).toMatchObject({
        rolloutId: created.rolloutId,
        status: 'PROMOTED',
        createdAt: created.createdAt,
        targetKeys: created.targetKeys,
        eventCount: 1,
      });
    });

    it('with expectedStatus, refuses when the rollout has moved on and changes nothing', async () => {
      const { ledger } = await ddb.newLedger();
      const created = await ledger.createRollout(newTestRollout({ status: 'ROLLED_BACK' }));

      const update = ledger.updateRollout(created.rolloutId, { status: 'PROMOTED' }, { expectedStatus: ['IN_PROGRESS', 'AWAITING_APPROVAL'] });

      await expect(update).rejects.toThrow(RolloutStateError);
      await expect(update).rejects.toThrow('it is ROLLED_BACK, expected IN_PROGRESS or AWAITING_APPROVAL');
      expect(await ledger.getRollout(created.rolloutId)).toEqual(created);
    });

    it('with expectedStatus, applies the patch when the status matches', async () => {
      const { ledger } = await ddb.newLedger();
      const created = await ledger.createRollout(newTestRollout({ status: 'PREFLIGHT' }));

      const updated = await ledger.updateRollout(created.rolloutId, { status: 'IN_PROGRESS' }, { expectedStatus: 'PREFLIGHT' });

      expect(updated.status).toBe('IN_PROGRESS');
    });

    it('refuses an unknown rollout without creating one', async () => {
      const { ledger } = await ddb.newLedger();

      await expect(ledger.updateRollout('r-ghost', { status: 'PROMOTED' })).rejects.toThrow('rollout r-ghost does not exist');
      expect(await ledger.getRollout('r-ghost')).toBeUndefined();
    });
  });

  describe('requestControl', () => {
    const abort = { action: 'abort', reason: 'pager fired', requestedBy: 'alice', at: '2025-03-01T12:05:00.000Z' } as const;
    const promote = { action: 'promote', reason: 'hotfix', requestedBy: 'bob', at: '2025-03-01T12:06:00.000Z' } as const;

    it.each<RolloutStatus>(['IN_PROGRESS', 'AWAITING_APPROVAL'])('records the request while the rollout is %s', async (status) => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout({ status }));

      await ledger.requestControl(rolloutId, abort);

      expect((await ledger.requireRollout(rolloutId)).control).toEqual(abort);
    });

    it.each<RolloutStatus>(['PREFLIGHT', ...TERMINAL_STATUSES])('refuses while the rollout is %s', async (status) => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout({ status }));

      await expect(ledger.requestControl(rolloutId, abort)).rejects.toThrow(RolloutStateError);
      await expect(ledger.requestControl(rolloutId, abort)).rejects.toThrow(`it is ${status}`);
      expect((await ledger.requireRollout(rolloutId)).control).toBeUndefined();
    });

    it('refuses a promote while an abort is pending, but lets an abort replace a pending promote', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      await ledger.requestControl(rolloutId, promote);

      await ledger.requestControl(rolloutId, abort);
      await expect(ledger.requestControl(rolloutId, promote)).rejects.toThrow('an abort is already pending (pager fired)');
      expect((await ledger.requireRollout(rolloutId)).control).toEqual(abort);
    });
  });

  describe('clearControl', () => {
    const abort = { action: 'abort', reason: 'pager fired', requestedBy: 'alice', at: '2025-03-01T12:05:00.000Z' } as const;

    it('removes the pending request', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      await ledger.requestControl(rolloutId, abort);

      expect(await ledger.clearControl(rolloutId)).toBe(true);
      expect((await ledger.requireRollout(rolloutId)).control).toBeUndefined();
      expect(await ledger.clearControl(rolloutId)).toBe(false);
    });

    it('leaves a newer request in place when told which one was consumed', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());
      const newer = { ...abort, reason: 'second thoughts', at: '2025-03-01T12:07:00.000Z' };
      await ledger.requestControl(rolloutId, newer);

      expect(await ledger.clearControl(rolloutId, abort)).toBe(false);
      expect((await ledger.requireRollout(rolloutId)).control).toEqual(newer);
      expect(await ledger.clearControl(rolloutId, newer)).toBe(true);
    });

    it('refuses an unknown rollout', async () => {
      const { ledger } = await ddb.newLedger();

      await expect(ledger.clearControl('r-ghost')).rejects.toThrow(RolloutStateError);
    });
  });

  describe('setPendingApproval and clearPendingApproval', () => {
    const approval = { taskToken: 'token-123', stepIndex: 2, requestedAt: '2025-03-01T12:10:00.000Z' };

    it('stores the task token where approve will find it, then clears it', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout());

      await ledger.setPendingApproval(rolloutId, approval);
      expect((await ledger.requireRollout(rolloutId)).pendingApproval).toEqual(approval);

      await ledger.clearPendingApproval(rolloutId);
      expect((await ledger.requireRollout(rolloutId)).pendingApproval).toBeUndefined();
    });

    it('refuses to wait for approval on a finished rollout', async () => {
      const { ledger } = await ddb.newLedger();
      const { rolloutId } = await ledger.createRollout(newTestRollout({ status: 'ROLLED_BACK' }));

      await expect(ledger.setPendingApproval(rolloutId, approval)).rejects.toThrow(RolloutStateError);
      expect((await ledger.requireRollout(rolloutId)).pendingApproval).toBeUndefined();
    });
  });

  describe('listRolloutsByTarget', () => {
    it('lists the rollouts of one target newest first, with their current status', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const oldest = await ledger.createRollout(newTestRollout({ targetKeys: [TARGET_A, TARGET_B] }));
      clock.advanceSeconds(60);
      const onlyB = await ledger.createRollout(newTestRollout({ targetKeys: [TARGET_B] }));
      clock.advanceSeconds(60);
      const newest = await ledger.createRollout(newTestRollout({ targetKeys: [TARGET_A] }));
      await ledger.updateRollout(oldest.rolloutId, { status: 'ROLLED_BACK' });

      const history = await ledger.listRolloutsByTarget(TARGET_A);

      expect(history.map((h) => [h.rolloutId, h.status])).toEqual([
        [newest.rolloutId, 'IN_PROGRESS'],
        [oldest.rolloutId, 'ROLLED_BACK'],
      ]);
      expect(history[0]).toEqual({
        rolloutId: newest.rolloutId,
        targetKey: TARGET_A,
        status: 'IN_PROGRESS',
        mode: 'enforce',
        createdAt: newest.createdAt,
        updatedAt: newest.updatedAt,
      });
      expect((await ledger.listRolloutsByTarget(TARGET_B)).map((h) => h.rolloutId)).toEqual([onlyB.rolloutId, oldest.rolloutId]);
    });

    it('returns at most `limit` rollouts, the newest ones', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await ledger.createRollout(newTestRollout())).rolloutId);
        clock.advanceSeconds(1);
      }

      const history = await ledger.listRolloutsByTarget(TARGET_A, { limit: 3 });

      expect(history.map((h) => h.rolloutId)).toEqual(ids.slice(-3).reverse());
    });
  });

  describe('listRollouts', () => {
    it('lists every rollout newest first, with its targets, and only rollout records', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const first = await ledger.createRollout(newTestRollout({ targetKeys: [TARGET_A, TARGET_B] }));
      await ledger.appendEvent(first.rolloutId, 'preflight', {});
      clock.advanceSeconds(60);
      const second = await ledger.createRollout(newTestRollout({ targetKeys: [TARGET_B] }));
      await ledger.acquireLocks(second.rolloutId, [TARGET_B], 600);

      const all = await ledger.listRollouts();

      expect(all.map((r) => [r.rolloutId, r.targetKeys])).toEqual([
        [second.rolloutId, [TARGET_B]],
        [first.rolloutId, [TARGET_A, TARGET_B]],
      ]);
    });

    it('keeps only rollouts still running with activeOnly, and at most `limit`', async () => {
      const { ledger, clock } = await ddb.newLedger();
      const ended = await ledger.createRollout(newTestRollout());
      await ledger.updateRollout(ended.rolloutId, { status: 'PROMOTED' });
      const running: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.advanceSeconds(1);
        running.push((await ledger.createRollout(newTestRollout())).rolloutId);
      }

      expect((await ledger.listRollouts({ activeOnly: true })).map((r) => r.rolloutId)).toEqual([...running].reverse());
      expect((await ledger.listRollouts({ limit: 2 })).map((r) => r.rolloutId)).toEqual(running.slice(-2).reverse());
    });
  });
});
