import { rollbackFailureMessage, targetsAfterFailedRollback } from '../../lib/domain/rollback-failure';

const A = 'lambda:orders-api:live';
const B = 'lambda:orders-api:live2';
const FLAG = 'appconfig:shop/prod/features#new_checkout';

describe('rollback failure message', () => {
  it('names every target once: the failed ones with their error, then what the others had done', () => {
    expect(rollbackFailureMessage(3, [{ targetKey: A, why: 'DriftError: changed' }], [{ targetKey: B, action: 'restored' }, { targetKey: FLAG, action: 'skipped-drifted' }])).toBe(
      `could not restore 1 of 3 target(s): ${A}: not restored (DriftError: changed); ${B}: restored; ${FLAG}: skipped-drifted`,
    );
  });

  it("reads back each target's state, even when an error text holds '; ', parentheses or another target's key", () => {
    const why = `TransientError: UpdateAlias: throttled; retried (3 times); ${B} was fine`;
    const message = rollbackFailureMessage(3, [{ targetKey: A, why }], [{ targetKey: B, action: 'already-stable' }, { targetKey: FLAG, action: 'restored' }]);
    expect(Object.fromEntries(targetsAfterFailedRollback(`RollbackFailedError: ${message}`, [FLAG, A, B]))).toEqual({
      [A]: { action: 'not-restored', why },
      [B]: { action: 'already-stable' },
      [FLAG]: { action: 'restored' },
    });
  });

  it('leaves out a target the message does not name, as when the message was cut short', () => {
    const message = rollbackFailureMessage(2, [{ targetKey: A, why: 'AccessDeniedError: no' }, { targetKey: FLAG, why: 'PreconditionError: gone' }], []);
    const cut = message.slice(0, message.indexOf(FLAG) + 5);
    expect([...targetsAfterFailedRollback(cut, [A, FLAG]).keys()]).toEqual([A]);
    expect(targetsAfterFailedRollback('some other error', [A]).size).toBe(0);
  });
});
