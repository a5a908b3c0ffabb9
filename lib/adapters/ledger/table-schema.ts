import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The ledger table's shape, in one place. Local mode creates the table from `createTableInput`;
 * the CDK construct builds its `TableV2` from the same constants (`type: 'S'` is `AttributeType.STRING`).
 * Changing a name here is a table replacement in AWS: the ledger is an audit trail, so don't.
 */
export const PARTITION_KEY = { name: 'pk', type: 'S' } as const;
export const SORT_KEY = { name: 'sk', type: 'S' } as const;

/**
 * Rollouts by target, newest first. Sparse: only target-membership items carry `gsi1pk`, so the
 * index holds nothing else. Projects everything; membership items are a few dozen bytes.
 */
export const BY_TARGET_INDEX = {
  indexName: 'byTarget',
  partitionKey: { name: 'gsi1pk', type: 'S' },
  sortKey: { name: 'gsi1sk', type: 'S' },
  projectionType: 'ALL',
} as const;

/** Epoch seconds. DynamoDB deletes items some time (up to days) after this passes, so readers still check it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [PARTITION_KEY, SORT_KEY, BY_TARGET_INDEX.partitionKey, BY_TARGET_INDEX.sortKey].map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: [
      { AttributeName: PARTITION_KEY.name, KeyType: 'HASH' },
      { AttributeName: SORT_KEY.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_TARGET_INDEX.indexName,
        KeySchema: [
          { AttributeName: BY_TARGET_INDEX.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: BY_TARGET_INDEX.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: BY_TARGET_INDEX.projectionType },
      },
    ],
  };
}

/** TTL cannot be set by CreateTable; it is a second call. */
export function timeToLiveInput(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}
