import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException,
  UpdateAliasCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError } from '../../../lib/adapters/aws-errors';
import { LambdaAliasRouter } from '../../../lib/adapters/traffic/lambda-alias-router';
import { PreconditionError } from '../../../lib/domain/errors';
import { awsError, LAMBDA_ROLE, newAliasConfig, newAliasTarget, newFunctionConfig } from '../../helpers/aws-fixtures';

const lambda = mockClient(LambdaClient);
const router = new LambdaAliasRouter({ client: new LambdaClient({ region: 'eu-west-1' }) });
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:checkout-dlq';

/** Serves GetAlias and both versions' configurations; each argument overrides what the test is about. */
function givenFunction(alias = newAliasConfig(), stable: Partial<FunctionConfiguration> = {}, candidate: Partial<FunctionConfiguration> = {}): void {
  lambda.on(GetAliasCommand).resolves(alias);
  lambda.on(GetFunctionConfigurationCommand, { Qualifier: '6' }).resolves(newFunctionConfig('6', stable));
  lambda.on(GetFunctionConfigurationCommand, { Qualifier: '7' }).resolves(newFunctionConfig('7', candidate));
}

beforeEach(() => lambda.reset());

describe('LambdaAliasRouter', () => {
  describe('capture', () => {
    it('records the version the alias serves, its RevisionId and the stable configuration', async () => {
      givenFunction();

      const captured = await router.capture(newAliasTarget());

      expect(captured).toEqual({
        targetKey: 'lambda:checkout:live',
        kind: 'lambda-alias',
        stableVersion: '6',
        newVersion: '7',
        attributes: {
          functionVersion: '6',
          revisionId: 'rev-1',
          aliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:checkout:live',
          functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:checkout',
          role: LAMBDA_ROLE,
          deadLetterTargetArn: null,
          newCodeSha256: 'sha-7',
        },
      });
      expect(JSON.parse(JSON.stringify(captured))).toEqual(captured);
    });

    it('reads the alias, then the stable and the new version by Qualifier, and writes nothing', async () => {
      givenFunction();

      await router.capture(newAliasTarget());

      expect(lambda).toHaveReceivedCommandTimes(GetAliasCommand, 1);
      expect(lambda).toHaveReceivedNthCommandWith(1, GetAliasCommand, { FunctionName: 'checkout', Name: 'live' });
      expect(lambda).toHaveReceivedNthSpecificCommandWith(1, GetFunctionConfigurationCommand, { FunctionName: 'checkout', Qualifier: '6' });
      expect(lambda).toHaveReceivedNthSpecificCommandWith(2, GetFunctionConfigurationCommand, { FunctionName: 'checkout', Qualifier: '7' });
      expect(lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 0);
    });

    it('passes a function ARN through to AWS but keys the target on the bare name', async () => {
      const functionName = 'arn:aws:lambda:eu-west-1:123456789012:function:checkout';
      givenFunction();

      const captured = await router.capture(newAliasTarget({ functionName }));

      expect(captured.targetKey).toBe('lambda:checkout:live');
      expect(lambda).toHaveReceivedCommandWith(GetAliasCommand, { FunctionName: functionName, Name: 'live' });
      expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: functionName, Qualifier: '7' });
    });

    it('accepts versions that share a dead-letter target', async () => {
      givenFunction(newAliasConfig(), { DeadLetterConfig: { TargetArn: DLQ } }, { DeadLetterConfig: { TargetArn: DLQ } });

      const captured = await router.capture(newAliasTarget());

      expect(captured.attributes.deadLetterTargetArn).toBe(DLQ);
    });

    describe('refuses', () => {
      it('an alias with weights left by another rollout or a manual shift, before reading any version', async () => {
        givenFunction(newAliasConfig({ RoutingConfig: { AdditionalVersionWeights: { '5': 0.1 } } }));

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow('lambda:checkout:live already has routing weights (alias on version 6 with 10% on version 5, revision rev-1)');
        expect(lambda).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 0);
      });

      it('an alias already on the new version', async () => {
        givenFunction(newAliasConfig({ FunctionVersion: '7' }));

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow('lambda:checkout:live already points to version 7: there is nothing to roll out');
      });

      it('an alias on $LATEST, which cannot carry weights', async () => {
        givenFunction(newAliasConfig({ FunctionVersion: '$LATEST' }));

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow(/points to \$LATEST.*point the alias to a published version/);
      });

      it.each([
        ['Pending', /version 7 of checkout is Pending \(Creating the function\), not Active: wait until it is Active/],
        ['Inactive', /version 7 of checkout is Inactive, not Active: .*wakes on its next invocation/],
        ['Failed', /version 7 of checkout is Failed/],
      ] as const)('a new version in state %s', async (State, message) => {
        givenFunction(newAliasConfig(), {}, { State, StateReason: State === 'Pending' ? 'Creating the function' : undefined });

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow(message);
      });

      it.each(['Failed', 'InProgress'] as const)('a new version whose last update is %s', async (LastUpdateStatus) => {
        givenFunction(newAliasConfig(), {}, { LastUpdateStatus, LastUpdateStatusReason: 'Subnet out of IPs' });

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow(`version 7 of checkout has last update status ${LastUpdateStatus} (Subnet out of IPs), not Successful`);
      });

      it('a new version running as a different execution role', async () => {
        const other = 'arn:aws:iam::123456789012:role/other';
        givenFunction(newAliasConfig(), {}, { Role: other });

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow(`version 7 of checkout runs as ${other} but stable version 6 as ${LAMBDA_ROLE}: alias routing needs the same execution role`);
      });

      it('a new version without the stable version\'s dead-letter target', async () => {
        givenFunction(newAliasConfig(), { DeadLetterConfig: { TargetArn: DLQ } });

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow(`version 7 of checkout has dead-letter target none but stable version 6 has ${DLQ}: alias routing needs the same dead-letter configuration`);
      });

      it('a new version with a different dead-letter target', async () => {
        givenFunction(newAliasConfig(), { DeadLetterConfig: { TargetArn: DLQ } }, { DeadLetterConfig: { TargetArn: `${DLQ}-2` } });

        await expect(router.capture(newAliasTarget())).rejects.toThrow(/dead-letter target .*checkout-dlq-2 but stable version 6 has/);
      });

      it('a new version that does not exist', async () => {
        givenFunction();
        lambda
          .on(GetFunctionConfigurationCommand, { Qualifier: '7' })
          .rejects(new ResourceNotFoundException({ message: 'Function not found: checkout:7', $metadata: {} }));

        const attempt = router.capture(newAliasTarget());

        await expect(attempt).rejects.toThrow(PreconditionError);
        await expect(attempt).rejects.toThrow('GetFunctionConfiguration checkout:7: ResourceNotFoundException: Function not found: checkout:7');
      });
    });

    it('reports a missing alias as a PreconditionError', async () => {
      lambda.on(GetAliasCommand).rejects(new ResourceNotFoundException({ message: 'Alias not found', $metadata: {} }));

      await expect(router.capture(newAliasTarget())).rejects.toThrow(PreconditionError);
    });

    it('reports a missing lambda:GetAlias permission as AccessDeniedError', async () => {
      lambda.on(GetAliasCommand).rejects(awsError('AccessDeniedException'));

      await expect(router.capture(newAliasTarget())).rejects.toThrow(AccessDeniedError);
    });
  });
});
