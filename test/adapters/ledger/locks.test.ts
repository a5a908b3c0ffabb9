import { LockHeldError, ValidationError } from '../../../lib/domain/errors';
import { useDynamoDbLocal } from '../../helpers/dynamodb';
import { TARGET_A, TARGET_B } from './fixtures';

const ddb = useDynamoDbLocal();

/** 2025-03-01T12:00:00Z, the TestClock's start, in epoch seconds. */
const START = Date.parse('2025-03-01T12:00:00.000Z') / 1000;

describe('Ledger', () => {
  describe('acquireLocks', () => {
    it('takes every target, with an expiry ttlSeconds from now', async () => {
      const { ledger } = await ddb.newLedger();

      const locks = await ledger.acquireLocks('r-1', [TARGET_A, TARGET_B], 3600);

      const expected = (targetKey: string) => ({ targetKey, rolloutId: 'r-1', acquiredAt: '2025-03-01T12:00:00.000Z', expiresAt: START + 3600 });
      expect(locks).toEqual([expected(TARGET_A), expected(TARGET_B)]);
      expect(await ledger.getLock(TARGET_A)).toEqual(expected(TARGET_A));
      expect(await ledger.getLock(TARGET_B)).toEqual(expected(TARGET_B));
    });

    it('refuses a target another rollout holds, naming it, the holder and the expiry', async () => {
      const { ledger } = await ddb.newLedger();
      await ledger.acquireLocks('r-holder', [TARGET_B], 600);

      const attempt = ledger.acquireLocks('r-late', [TARGET_A, TARGET_B], 600);

      await expect(attempt).rejects.toThrow(LockHeldError);
      await expect(attempt).rejects.toMatchObject({
        name: 'LockHeldError',
        targetKey: TARGET_B,
        heldBy: 'r-holder',
        expiresAt: '2025-03-01T12:10:00.000Z',
      });
    });

    it('acquires nothing when one target is held: all or nothing', async () => {
      const { ledger } = await ddb.newLedger();
      await ledger.acquireLocks('r-holder', [TARGET_B], 600);

      await expect(ledger.acquireLocks('r-late', [TARGET_A, TARGET_B], 600)).rejects.toThrow(LockHeldError);

      expect(await ledger.getLock(TARGET_A)).toBeUndefined();
      expect((await ledger.getLock(TARGET_B))?.rolloutId).toBe('r-holder');
    });

    it('lets the holder take its locks again, extending them', async () => {
      const { ledger, clock } = await ddb.newLedger();
      await ledger.acquireLocks('r-1', [TARGET_A], 600);
      clock.advanceSeconds(300);

      await ledger.acquireLocks('r-1', [TARGET_A], 600);

      expect((await ledger.getLock(TARGET_A))?.expiresAt).toBe(START + 300 + 600);
    });

    it('holds a lock up to and including its expiry second, and hands it over after', async () => {
      const { ledger, clock } = await ddb.newLedger();
      await ledger.acquireLocks('r-old', [TARGET_A], 600);

      clock.advanceSeconds(600);
      await expect(ledger.acquireLocks('r-new', [TARGET_A], 600)).rejects.toThrow(LockHeldError);

      clock.advanceSeconds(1);
      await ledger.acquireLocks('r-new', [TARGET_A], 600);
      expect(await ledger.getLock(TARGET_A)).toMatchObject({ rolloutId: 'r-new', expiresAt: START + 601 + 600 });
    });

    it('lets exactly one of two racing rollouts win a target', async () => {
      const { ledger } = await ddb.newLedger();

      const results = await Promise.allSettled([
        ledger.acquireLocks('r-x', [TARGET_A, TARGET_B], 600),
        ledger.acquireLocks('r-y', [TARGET_B, TARGET_A], 600),
      ]);

      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const holder = (await ledger.getLock(TARGET_A))?.rolloutId;
      expect((await ledger.getLock(TARGET_B))?.rolloutId).toBe(holder);
      const loser = results.find((r) => r.status === 'rejected');
      expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(LockHeldError);
    });

    it('refuses a ttl that is not a positive whole number of seconds', async () => {
      const { ledger } = await ddb.newLedger();

      await expect(ledger.acquireLocks('r-1', [TARGET_A], 0)).rejects.toThrow(ValidationError);
      await expect(ledger.acquireLocks('r-1', [TARGET_A], 1.5)).rejects.toThrow(ValidationError);
      expect(await ledger.getLock(TARGET_A)).toBeUndefined();
    });
  });

  describe('releaseLocks', () => {
    it('releases the locks the rollout holds', async () => {
      const { ledger } = await ddb.newLedger();
      await ledger.acquireLocks('r-1', [TARGET_A, TARGET_B], 600);

      expect(await ledger.releaseLocks('r-1', [TARGET_A, TARGET_B])).toEqual([TARGET_A, TARGET_B]);

      expect(await ledger.getLock(TARGET_A)).toBeUndefined();
      expect(await ledger.getLock(TARGET_B)).toBeUndefined();
    });

    it('leaves a lock another rollout holds alone, without an error', async () => {
      const { ledger, clock } = await ddb.newLedger();
      await ledger.acquireLocks('r-old', [TARGET_A], 60);
      clock.advanceSeconds(120);
      await ledger.acquireLocks('r-new', [TARGET_A], 600);

      // r-old finishing late must not free the target r-new now owns.
      expect(await ledger.releaseLocks('r-old', [TARGET_A])).toEqual([]);

      expect((await ledger.getLock(TARGET_A))?.rolloutId).toBe('r-new');
    });

    it('is idempotent', async () => {
      const { ledger } = await ddb.newLedger();
      await ledger.acquireLocks('r-1', [TARGET_A], 600);

      await ledger.releaseLocks('r-1', [TARGET_A]);
      await expect(ledger.releaseLocks('r-1', [TARGET_A])).resolves.toEqual([]);
    });

    it('frees the target for the next rollout', async () => {
      const { ledger } = await ddb.newLedger();
      await ledger.acquireLocks('r-1', [TARGET_A], 600);
      await ledger.releaseLocks('r-1', [TARGET_A]);

      await expect(ledger.acquireLocks('r-2', [TARGET_A], 600)).resolves.toHaveLength(1);
    });
  });
});
