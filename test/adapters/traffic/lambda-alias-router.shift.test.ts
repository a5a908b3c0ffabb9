import {
  GetAliasCommand,
  LambdaClient,
  PreconditionFailedException,
  ResourceConflictException,
  TooManyRequestsException,
  UpdateAliasCommand,
  type UpdateAliasCommandInput,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError } from '../../../lib/adapters/aws-errors';
import { LambdaAliasRouter } from '../../../lib/adapters/traffic/lambda-alias-router';
import { DriftError, TransientError, ValidationError } from '../../../lib/domain/errors';
import { awsError, newAliasConfig, newAliasTarget, newCapturedAlias, serveAlias } from '../../helpers/aws-fixtures';

const lambda = mockClient(LambdaClient);
const router = new LambdaAliasRouter({ client: new LambdaClient({ region: 'eu-west-1' }) });
const target = newAliasTarget();
const captured = newCapturedAlias();

/** Every UpdateAlias request, in order, with its full input. */
function updates(): UpdateAliasCommandInput[] {
  return lambda.commandCalls(UpdateAliasCommand).map((call) => call.args[0].input);
}

/** The alias as fledge leaves it at `fraction` of traffic on version 7. */
function aliasAt(fraction: number, revisionId = 'rev-2') {
  return newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '7': fraction } }, RevisionId: revisionId });
}

beforeEach(() => lambda.reset());

describe('LambdaAliasRouter', () => {
  describe('setWeight', () => {
    it("keeps the stable version primary and sets the new version's weight", async () => {
      lambda.on(GetAliasCommand).resolves(aliasAt(0.01, 'rev-2'));

      await router.setWeight(target, captured, 5, 1);

      expect(lambda).toHaveReceivedCommandWith(GetAliasCommand, { FunctionName: 'checkout', Name: 'live' });
      expect(updates()).toEqual([
        { FunctionName: 'checkout', Name: 'live', FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '7': 0.05 } }, RevisionId: 'rev-2' },
      ]);
    });

    it('walks the progressive ladder, each write conditional on the RevisionId it just read', async () => {
      const alias = serveAlias(lambda);
      const ladder = [0, 1, 5, 25, 75, 100];

      for (const [index, weight] of ladder.entries()) {
        await router.setWeight(target, captured, weight, ladder[index - 1] ?? 0);
      }

      const base = { FunctionName: 'checkout', Name: 'live' };
      expect(updates()).toEqual([
        { ...base, FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '7': 0.01 } }, RevisionId: 'rev-1' },
        { ...base, FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '7': 0.05 } }, RevisionId: 'rev-2' },
        { ...base, FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '7': 0.25 } }, RevisionId: 'rev-3' },
        { ...base, FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '7': 0.75 } }, RevisionId: 'rev-4' },
        { ...base, FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-5' },
      ]);
      expect(alias.current()).toMatchObject({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} } });
    });

    it('clears the routing when going back to 0%', async () => {
      lambda.on(GetAliasCommand).resolves(aliasAt(0.05, 'rev-3'));

      await router.setWeight(target, captured, 0, 5);

      expect(lambda).toHaveReceivedCommandWith(UpdateAliasCommand, { FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-3' });
    });

    it.each([
      ['0%, with the alias untouched', newAliasConfig(), 0, 0],
      ['5%, after a first attempt whose write landed', aliasAt(0.05), 5, 1],
      ['7%, despite floating point', aliasAt(0.07), 7, 5],
      ['100%, with the new version alone on the alias', newAliasConfig({ FunctionVersion: '7' }), 100, 75],
    ] as const)('leaves an alias already at %s as it is', async (_label, alias, weight, previous) => {
      lambda.on(GetAliasCommand).resolves(alias);

      await router.setWeight(target, captured, weight, previous);

      expect(lambda).toHaveReceivedCommandTimes(GetAliasCommand, 1);
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });

    describe('raises DriftError and writes nothing when', () => {
      it.each([
        ['someone pointed the alias at another version', newAliasConfig({ FunctionVersion: '9', RevisionId: 'rev-9' }), 'alias on version 9 with no routing weights, revision rev-9'],
        ['a third version carries the weight', newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '8': 0.01 } } }), 'alias on version 6 with 1% on version 8'],
        ['the weight moved to a value fledge did not set', aliasAt(0.25), 'alias on version 6 with 25% on version 7'],
        ['someone removed the weights', newAliasConfig({ RevisionId: 'rev-4' }), 'alias on version 6 with no routing weights, revision rev-4'],
      ])('%s', async (_label, alias, found) => {
        lambda.on(GetAliasCommand).resolves(alias);

        const attempt = router.setWeight(target, captured, 10, 5);

        await expect(attempt).rejects.toThrow(DriftError);
        await expect(attempt).rejects.toThrow(`lambda:checkout:live was changed outside this rollout: expected version 6 with 5% on version 7 (5%, set last by fledge), found ${found}`);
        expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
      });
    });

    it('turns a RevisionId that changed between read and write into DriftError', async () => {
      lambda.on(GetAliasCommand).resolves(aliasAt(0.05));
      lambda.on(UpdateAliasCommand).rejects(new PreconditionFailedException({ message: 'The Revision Id provided does not match', $metadata: {} }));

      const attempt = router.setWeight(target, captured, 10, 5);

      await expect(attempt).rejects.toThrow(DriftError);
      await expect(attempt).rejects.toThrow(/UpdateAlias checkout:live: PreconditionFailedException/);
    });

    it.each([
      ['ThrottlingException', awsError('ThrottlingException'), TransientError],
      ['TooManyRequestsException', new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }), TransientError],
      ['ResourceConflictException', new ResourceConflictException({ message: 'The operation cannot be performed at this time.', $metadata: {} }), TransientError],
      ['AccessDeniedException', awsError('AccessDeniedException'), AccessDeniedError],
    ])('classifies %s on UpdateAlias', async (_name, error, expected) => {
      lambda.on(GetAliasCommand).resolves(aliasAt(0.05));
      lambda.on(UpdateAliasCommand).rejects(error);

      await expect(router.setWeight(target, captured, 10, 5)).rejects.toThrow(expected);
    });

    it('classifies throttling on GetAlias as TransientError, before any write', async () => {
      lambda.on(GetAliasCommand).rejects(awsError('ThrottlingException'));

      await expect(router.setWeight(target, captured, 10, 5)).rejects.toThrow(TransientError);
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });

    it.each([-1, 101, Number.NaN])('refuses weight %s without calling AWS', async (weight) => {
      await expect(router.setWeight(target, captured, weight, 0)).rejects.toThrow(ValidationError);
      expect(lambda).not.toHaveReceivedAnyCommand();
    });

    it("refuses another target's captured state without calling AWS", async () => {
      const other = newCapturedAlias({ targetKey: 'lambda:checkout:canary' });

      await expect(router.setWeight(target, other, 5, 1)).rejects.toThrow('captured state is for lambda-alias lambda:checkout:canary, not for lambda-alias lambda:checkout:live');
      expect(lambda).not.toHaveReceivedAnyCommand();
    });
  });

  describe('promote', () => {
    it('puts the new version alone on the alias, conditional on the RevisionId just read', async () => {
      lambda.on(GetAliasCommand).resolves(aliasAt(0.75, 'rev-5'));

      await router.promote(target, captured, 75);

      expect(updates()).toEqual([{ FunctionName: 'checkout', Name: 'live', FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-5' }]);
    });

    it('promotes straight from 0% (the emergency fast-forward)', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig());

      await router.promote(target, captured, 0);

      expect(lambda).toHaveReceivedCommandWith(UpdateAliasCommand, { FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-1' });
    });

    it('leaves an already promoted alias as it is', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ FunctionVersion: '7', RevisionId: 'rev-6' }));

      await router.promote(target, captured, 100);

      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });

    it('raises DriftError and writes nothing when the alias is not where fledge left it', async () => {
      lambda.on(GetAliasCommand).resolves(newAliasConfig({ FunctionVersion: '9' }));

      await expect(router.promote(target, captured, 75)).rejects.toThrow(DriftError);
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });
  });
});
