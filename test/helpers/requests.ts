import type { RolloutRequestInput } from '../../lib/domain/rollout-request';

/** A valid request with one Lambda alias target; override what a test is about. */
export function newTestRequest(overrides: Partial<RolloutRequestInput> = {}): RolloutRequestInput {
  return {
    targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }],
    strategy: 'progressive',
    ...overrides,
  };
}

export const FLAG_TARGET = {
  kind: 'appconfig-flag',
  application: 'shop',
  environment: 'prod',
  profile: 'features',
  flag: 'new_checkout',
} as const;
