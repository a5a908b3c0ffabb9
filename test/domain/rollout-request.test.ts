import { ValidationError } from '../../lib/domain/errors';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { DEFAULT_POLICY } from '../../lib/domain/policy';
import { INVALID_REQUESTS } from '../helpers/invalid-requests';
import { FLAG_TARGET, newTestRequest } from '../helpers/requests';

function refusal(input: unknown): ValidationError {
  try {
    parseRolloutRequest(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('parseRolloutRequest', () => {
  describe('valid requests', () => {
    it('fills in the default policy and enforce mode', () => {
      const request = parseRolloutRequest(newTestRequest());
      expect(request.policy).toEqual(DEFAULT_POLICY);
      expect(request.mode).toBe('enforce');
    });

    it('accepts a release group of a Lambda alias and an AppConfig flag', () => {
      const request = parseRolloutRequest(newTestRequest({ targets: [newTestRequest().targets[0], FLAG_TARGET] }));
      expect(request.targets.map((t) => t.kind)).toEqual(['lambda-alias', 'appconfig-flag']);
    });

    it('accepts a function ARN and keeps partial policy overrides on top of the defaults', () => {
      const request = parseRolloutRequest(
        newTestRequest({
          targets: [{ kind: 'lambda-alias', functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api', alias: 'live', newVersion: '42' }],
          policy: { onInconclusive: 'pause', errors: { maxRelativeIncrease: 1 } },
        }),
      );
      expect(request.policy.onInconclusive).toBe('pause');
      expect(request.policy.errors.maxRelativeIncrease).toBe(1);
      expect(request.policy.errors.minDetectableIncrease).toBe(DEFAULT_POLICY.errors.minDetectableIncrease);
      expect(request.policy.latency).toEqual(DEFAULT_POLICY.latency);
    });

    it('accepts a custom strategy with an approval gate and a final bake', () => {
      const request = parseRolloutRequest(
        newTestRequest({
          strategy: {
            steps: [
              { weight: 10, minBakeSeconds: 60, maxBakeSeconds: 600, approval: true },
              { weight: 50, minBakeSeconds: 60, maxBakeSeconds: 600, minSamples: 500 },
            ],
            finalBakeSeconds: 300,
          },
        }),
      );
      expect(request.strategy).toMatchObject({ finalBakeSeconds: 300 });
    });
  });

  describe.each(INVALID_REQUESTS)('refuses %s', (_what, input, field, rule) => {
    it(`with a ValidationError naming ${field}`, () => {
      const error = refusal(input);
      expect(error.name).toBe('ValidationError');
      const issue = error.issues.find((i) => i.startsWith(`${field}: `));
      expect(issue).toBeDefined();
      expect(issue).toMatch(rule);
      expect(error.message).toContain(issue as string);
    });
  });
});
