import { CreateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput, timeToLiveInput } from './table-schema';

/**
 * Creates the ledger table with TTL on, for local mode and tests. In AWS the CDK stack owns
 * the table; nothing in the controller calls this.
 */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  // DynamoDB Local reports ACTIVE at once; the waiter is for a real endpoint, where creation takes seconds.
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
  await client.send(new UpdateTimeToLiveCommand(timeToLiveInput(tableName)));
}
