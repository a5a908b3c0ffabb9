import { GetFunctionConfigurationCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaHookFunctions } from '../../../lib/adapters/invoke/lambda-hook-functions';
import { PreconditionError, TransientError } from '../../../lib/domain/errors';

const lambda = mockClient(LambdaClient);
const hooks = (configured: string[]) => new LambdaHookFunctions({ client: lambda as unknown as LambdaClient, configured });

beforeEach(() => lambda.reset());

describe('LambdaHookFunctions', () => {
  it('reads the named function (qualifier and all) with GetFunctionConfiguration, and accepts one that can run', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'orders-check', State: 'Active' });
    await hooks(['orders-check']).check('orders-check:live');
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: 'orders-check:live' }]);
  });

  it('matches a configured ARN to a request that names the function, and the other way round', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ State: 'Inactive' });
    await hooks(['arn:aws:lambda:eu-west-1:123456789012:function:orders-check']).check('orders-check');
    await hooks(['orders-check']).check('arn:aws:lambda:eu-west-1:123456789012:function:orders-check:7');
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(2);
  });

  it('refuses a function the controller was not deployed with, without calling Lambda, and says how to add it', async () => {
    const refusal = hooks(['orders-check']).check('payments-admin');
    await expect(refusal).rejects.toThrow(PreconditionError);
    await expect(hooks(['orders-check']).check('payments-admin')).rejects.toThrow(
      '"payments-admin" is not a hook function of this controller (its hook functions are orders-check); redeploy with -c hooks=payments-admin (or the hookFunctions prop) so its state machine may invoke it',
    );
    await expect(hooks([]).check('orders-check')).rejects.toThrow(/\(it was deployed with no hook functions\)/);
    expect(lambda.calls()).toHaveLength(0);
  });

  it("refuses a function Lambda does not know (ResourceNotFoundException) with Lambda's own words", async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(new ResourceNotFoundException({ message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-check', $metadata: {} }));
    const refusal = hooks(['orders-check']).check('orders-check');
    await expect(refusal).rejects.toThrow(PreconditionError);
    await expect(hooks(['orders-check']).check('orders-check')).rejects.toThrow(
      'GetFunctionConfiguration orders-check: ResourceNotFoundException: Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-check',
    );
  });

  it('refuses a function whose last deployment failed', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ State: 'Failed', StateReason: 'The role defined for the function cannot be assumed by Lambda.' });
    await expect(hooks(['orders-check']).check('orders-check')).rejects.toThrow('"orders-check" cannot run: its state is Failed (The role defined for the function cannot be assumed by Lambda.)');
  });

  it('turns throttling into a TransientError, which the state machine retries', async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(hooks(['orders-check']).check('orders-check')).rejects.toThrow(TransientError);
  });
});
