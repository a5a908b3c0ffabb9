import { GetAliasCommand, LambdaClient, PreconditionFailedException, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaAliasRouter } from '../../../lib/adapters/traffic/lambda-alias-router';
import { DriftError } from '../../../lib/domain/errors';
import { newAliasConfig, newAliasTarget, newCapturedAlias, serveAlias } from '../../helpers/aws-fixtures';

const lambda = mockClient(LambdaClient);
const router = new LambdaAliasRouter({ client: new LambdaClient({ region: 'eu-west-1' }) });
const target = newAliasTarget();
const captured = newCapturedAlias();

beforeEach(() => lambda.reset());

describe('LambdaAliasRouter', () => {
  describe('restore', () => {
    it('puts a weighted alias back on the stable version with the routing cleared', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '7': 0.25 } }, RevisionId: 'rev-4' }));

      const result = await router.restore(target, captured);

      expect(result).toEqual({
        targetKey: 'lambda:checkout:live',
        action: 'restored',
        detail: 'alias back on version 6 with no routing weights (was alias on version 6 with 25% on version 7, revision rev-4)',
      });
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
      expect(lambda).toHaveReceivedCommandWith(UpdateAliasCommand, {
        FunctionName: 'checkout',
        Name: 'live',
        FunctionVersion: '6',
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: 'rev-4',
      });
    });

    it('puts a promoted alias back on the stable version', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ FunctionVersion: '7', RevisionId: 'rev-6' }));

      const result = await router.restore(target, captured);

      expect(result.action).toBe('restored');
      expect(lambda).toHaveReceivedCommandWith(UpdateAliasCommand, { FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-6' });
    });

    it('reports an alias already as captured, without writing', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ RevisionId: 'rev-3' }));

      const result = await router.restore(target, captured);

      expect(result).toEqual({ targetKey: 'lambda:checkout:live', action: 'already-stable', detail: 'alias already on version 6 with no routing weights' });
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });

    it('is safe to call again: the second call finds the alias restored', async () => {
      serveAlias(lambda, newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '7': 0.05 } } }));

      const first = await router.restore(target, captured);
      const second = await router.restore(target, captured);

      expect([first.action, second.action]).toEqual(['restored', 'already-stable']);
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
    });

    describe('does not overwrite, and says what it found, when', () => {
      it.each([
        ['someone pointed the alias at another version', newAliasConfig({ FunctionVersion: '9', RevisionId: 'rev-9' }), 'alias on version 9 with no routing weights, revision rev-9'],
        ['a third version carries the weight', newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '8': 0.5 } } }), 'alias on version 6 with 50% on version 8, revision rev-1'],
        ['the new version is primary with weights on top', newAliasConfig({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '6': 0.5 } } }), 'alias on version 7 with 50% on version 6, revision rev-1'],
      ])('%s', async (_label, alias, found) => {
        lambda.on(GetAliasCommand).resolves(alias);

        const result = await router.restore(target, captured);

        expect(result).toEqual({
          targetKey: 'lambda:checkout:live',
          action: 'skipped-drifted',
          detail: `not restored to version 6 with no routing weights: lambda:checkout:live was changed outside this rollout, found ${found}`,
        });
        expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
      });
    });

    it('raises DriftError when the alias changes between its read and its write, so a retry reads again', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ FunctionVersion: '7', RevisionId: 'rev-6' }));
      lambda.on(UpdateAliasCommand).rejects(new PreconditionFailedException({ message: 'The Revision Id provided does not match', $metadata: {} }));

      await expect(router.restore(target, captured)).rejects.toThrow(DriftError);
    });
  });
});
