import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaInvoker } from '../../../lib/adapters/invoke/lambda-invoker';
import { PreconditionError, TransientError } from '../../../lib/domain/errors';
import { TestClock } from '../../helpers/clock';

const lambda = mockClient(LambdaClient);
/** An Invoke answer's Payload: the SDK's blob adapter is a Uint8Array with helpers the invoker does not use. */
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)) as unknown as InvokeCommandOutput['Payload'];

beforeEach(() => lambda.reset());

describe('LambdaInvoker', () => {
  it('invokes the named version synchronously with the event as JSON, and asks for no logs', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, ExecutedVersion: '7', Payload: bytes({ ok: true }) });
    const clock = new TestClock();
    const answer = await new LambdaInvoker({ client: lambda as unknown as LambdaClient, clock }).invoke('checkout', '7', { path: '/health' });

    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect({ ...input, Payload: undefined }).toEqual({ FunctionName: 'checkout', Qualifier: '7', InvocationType: 'RequestResponse', LogType: 'None', Payload: undefined });
    expect(new TextDecoder().decode(input.Payload as Uint8Array)).toBe('{"path":"/health"}');
    expect(answer).toEqual({ response: { ok: true }, responseText: '{"ok":true}', executedVersion: '7', durationMs: 0 });
  });

  it('returns an Unhandled function error (a crash or a timeout) as an answer, with its error object', async () => {
    const timedOut = { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes(timedOut) });
    const answer = await new LambdaInvoker({ client: lambda as unknown as LambdaClient }).invoke('checkout', '7', {});
    expect(answer).toMatchObject({ functionError: 'Unhandled', response: timedOut });
  });

  it('keeps a response that is not JSON as text', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes('plain words') });
    const answer = await new LambdaInvoker({ client: lambda as unknown as LambdaClient }).invoke('checkout', '7', {});
    expect(answer).toMatchObject({ response: 'plain words', responseText: 'plain words' });
  });

  it('turns throttling into a retried TransientError, and a missing version into a PreconditionError', async () => {
    const invoker = new LambdaInvoker({ client: lambda as unknown as LambdaClient });
    lambda
      .on(InvokeCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new ResourceNotFoundException({ message: 'Function not found: checkout:9', $metadata: {} }));
    await expect(invoker.invoke('checkout', '7', {})).rejects.toThrow(TransientError);
    const missing = await invoker.invoke('checkout', '9', {}).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(PreconditionError);
    expect((missing as Error).message).toBe('Invoke checkout:9: ResourceNotFoundException: Function not found: checkout:9');
  });
});

describe('LambdaInvoker with a time limit', () => {
  it('stops waiting for a version that does not answer, and says so', async () => {
    lambda.on(InvokeCommand).callsFake(() => new Promise(() => undefined));
    const answer = await new LambdaInvoker({ client: lambda as unknown as LambdaClient }).invoke('checkout', '7', {}, { timeoutMs: 20 });
    expect(answer).toMatchObject({ timedOut: true, responseText: '' });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });
});
