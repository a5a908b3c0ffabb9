import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BY_CREATION_INDEX, BY_TARGET_INDEX, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../adapters/ledger/table-schema';

/** What lib/adapters/ledger/ledger.ts calls, as IAM actions. */
export const LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
];

/** What Ledger.getRollout and Ledger.listEvents call, as IAM actions. */
export const LEDGER_READ_ROLLOUT_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];

export interface LedgerTableProps {
  /**
   * What happens to the table when the stack is deleted. The ledger is an audit trail.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The rollout ledger: one on-demand table with point-in-time recovery, built from the same key
 * schema local mode uses (lib/adapters/ledger/table-schema.ts). No physical name, so a second
 * controller can live in the same account.
 */
export class LedgerTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: LedgerTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: PARTITION_KEY.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY.name, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: BY_TARGET_INDEX.indexName,
          partitionKey: { name: BY_TARGET_INDEX.partitionKey.name, type: dynamodb.AttributeType.STRING },
          sortKey: { name: BY_TARGET_INDEX.sortKey.name, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
        {
          indexName: BY_CREATION_INDEX.indexName,
          partitionKey: { name: BY_CREATION_INDEX.partitionKey.name, type: dynamodb.AttributeType.STRING },
          sortKey: { name: BY_CREATION_INDEX.sortKey.name, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...BY_CREATION_INDEX.nonKeyAttributes],
        },
      ],
    });
  }

  /**
   * The item operations the ledger performs (TransactWriteItems is authorized per item action),
   * on the table and its one index. Never table administration, never Scan.
   */
  grantReadWrite(grantee: IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: LEDGER_ACTIONS,
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${BY_TARGET_INDEX.indexName}`],
    });
  }

  /**
   * Reading one rollout: its record (GetItem) and its events (a Query of its partition, on the
   * table itself). No index, no batch reads, no writes.
   */
  grantReadRollout(grantee: IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: LEDGER_READ_ROLLOUT_ACTIONS, resourceArns: [this.table.tableArn] });
  }
}
