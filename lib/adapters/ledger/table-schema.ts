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

/**
 * Every rollout, newest first: what `fledge list` reads. Sparse: only rollout records carry
 * `gsi2pk`, all with the same value, so one Query pages through them by creation time. Projects the
 * summary fields only (the records hold the request and the plan, which a listing does not need).
 */
export const BY_CREATION_INDEX = {
  indexName: 'byCreation',
  partitionKey: { name: 'gsi2pk', type: 'S' },
  sortKey: { name: 'gsi2sk', type: 'S' },
  projectionType: 'INCLUDE',
  nonKeyAttributes: ['rolloutId', 'status', 'mode', 'createdAt', 'updatedAt', 'outcome', 'targetKeys'],
} as const;

/** Epoch seconds. DynamoDB deletes items some time (up to days) after this passes, so readers still check it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [PARTITION_KEY, SORT_KEY, BY_TARGET_INDEX.partitionKey, BY_TARGET_INDEX.sortKey, BY_CREATION_INDEX.partitionKey, BY_CREATION_INDEX.sortKey].map((a) => ({
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
      {
        IndexName: BY_CREATION_INDEX.indexName,
        KeySchema: [
          { AttributeName: BY_CREATION_INDEX.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: BY_CREATION_INDEX.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: BY_CREATION_INDEX.projectionType, NonKeyAttributes: [...BY_CREATION_INDEX.nonKeyAttributes] },
      },
    ],
  };
}

/** TTL cannot be set by CreateTable; it is a second call. */
export function timeToLiveInput(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}
