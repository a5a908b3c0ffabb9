import type { NewRollout } from '../../../lib/adapters/ledger';

export const TARGET_A = 'lambda:checkout:live';
export const TARGET_B = 'appconfig:shop/prod/flags#new-cart';

let counter = 0;

/** A valid rollout as preflight would write it; override what the test is about. */
export function newTestRollout(overrides: Partial<NewRollout> = {}): NewRollout {
  counter += 1;
  return {
    rolloutId: `r-test-${counter}`,
    status: 'IN_PROGRESS',
    request: { targets: [{ kind: 'lambda-alias', functionName: 'checkout', alias: 'live', newVersion: '7' }], strategy: 'canary-10-5m' },
    plan: { strategyName: 'canary-10-5m', steps: [{ name: 'Canary', weight: 10 }, { name: 'Complete', weight: 100 }] },
    captured: [{ targetKey: TARGET_A, kind: 'lambda-alias', stableVersion: '6', newVersion: '7', attributes: { revisionId: 'rev-1' } }],
    targetKeys: [TARGET_A],
    mode: 'enforce',
    ...overrides,
  };
}
