import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What tests need of an aws-sdk-client-mock stub: the commands it received. */
interface CallRecorder {
  calls(): readonly { readonly args: readonly unknown[] }[];
}

/** Every command the mocked clients received, as `service:Command`, e.g. `lambda:UpdateAliasCommand`. */
export function callsOf(mocks: Readonly<Record<string, CallRecorder>>): string[] {
  return Object.entries(mocks).flatMap(([service, mock]) => mock.calls().map((call) => `${service}:${(call.args[0] as object).constructor.name}`));
}

/**
 * Records the name of every command sent through a real DynamoDB client (the ledger's, on
 * DynamoDB Local), reads and writes alike. Clear the returned list to start afresh.
 */
export function recordDynamoDbCommands(client: DynamoDBClient): string[] {
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandsForTest' },
  );
  return commands;
}
