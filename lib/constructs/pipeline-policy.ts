import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BY_CREATION_INDEX, BY_TARGET_INDEX } from '../adapters/ledger/table-schema';
import { grantsFor, type TargetScope } from './controller-permissions';
import type { LedgerTable } from './ledger-table';
import { acknowledgeWildcards } from './nag-acknowledgements';

export interface PipelinePolicyProps {
  readonly stateMachine: sfn.StateMachine;
  readonly ledger: LedgerTable;
  readonly targets: TargetScope;
}

/** The ledger item operations the CLI performs: reads, and the control requests and events it writes. */
const CLI_LEDGER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'];

/**
 * What the `fledge` CLI needs in a pipeline, and nothing else: start and follow executions of this
 * state machine, answer its gates, read and annotate its ledger, find it through the stack, and
 * make `fledge check`'s reads of the configured targets. Attach it to the pipeline's role (the one
 * GitHub Actions assumes through OIDC, or CodeBuild's). The pipeline IAM cross-check test runs
 * every command and fails if a call it makes is not allowed here.
 */
export class PipelinePolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: PipelinePolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stateMachine, ledger, targets } = props;
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const table = ledger.table.tableArn;
    const reasons = new Map<string, string[]>();
    const statements: { statement: iam.PolicyStatement; wildcardReason?: string }[] = [
      { statement: new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }) },
      {
        statement: new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
        wildcardReason: "only this state machine's executions; their names are the rollout ids, chosen per start",
      },
      {
        statement: new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
        wildcardReason: 'SendTaskSuccess and SendTaskFailure have no resource-level permissions: the task token, read from the ledger, is the capability',
      },
      { statement: new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }) },
      {
        statement: new iam.PolicyStatement({ actions: CLI_LEDGER_ACTIONS, resources: [table, `${table}/index/${BY_TARGET_INDEX.indexName}`, `${table}/index/${BY_CREATION_INDEX.indexName}`] }),
      },
      ...grantsFor(this, 'readTargets', targets),
      ...grantsFor(this, 'readHooks', targets),
      ...grantsFor(this, 'metrics', targets),
      ...grantsFor(this, 'alarms', targets),
    ];
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'fledge CLI in a pipeline: start, follow, approve, abort and promote rollouts, report, and check targets (read-only)',
      statements: statements.map((s) => s.statement),
    });
    for (const { statement, wildcardReason } of statements) {
      if (wildcardReason) acknowledgeWildcards(this.policy, statement, wildcardReason, reasons);
    }
  }
}
