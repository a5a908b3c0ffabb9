import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS } from '../runtime/ledger-metrics';

export interface RolloutDashboardProps {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: readonly lambda.IFunction[];
  /** The controller-failure metric, also used by the alarm. */
  readonly controllerFailures: cloudwatch.IMetric;
}

/**
 * One dashboard: how rollouts end, what the judge sees (canary vs baseline, per target), and
 * whether the controller itself is healthy. The judge's figures come from the ledger events the
 * handlers publish as metrics (lib/runtime/ledger-metrics.ts), so targets need no configuration here.
 */
export class RolloutDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RolloutDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    // SEARCH finds every target and outcome without listing them at deploy time.
    const search = (metric: string, dimension: string, stat: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS.namespace},${dimension}} MetricName="${metric}"', '${stat}', 60)`,
        label,
        period,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Rollouts by outcome',
            left: [search(METRICS.rolloutsFinished, 'Outcome', 'Sum', '')],
            stacked: true,
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Executions',
            left: [
              props.stateMachine.metricStarted({ period }),
              props.stateMachine.metricSucceeded({ period, label: 'Promoted' }),
              props.stateMachine.metricFailed({ period, label: 'Rolled back or refused' }),
            ],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Judge: error rate, canary vs baseline (%)',
            left: [search(METRICS.canaryErrorRate, 'Target', 'Average', 'canary'), search(METRICS.baselineErrorRate, 'Target', 'Average', 'baseline')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Judge: p99 latency, canary vs baseline (ms)',
            left: [search(METRICS.canaryP99, 'Target', 'Average', 'canary'), search(METRICS.baselineP99, 'Target', 'Average', 'baseline')],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Controller failures (rollbacks that failed, timed-out executions)',
            left: [props.controllerFailures],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Controller function errors',
            left: props.functions.map((fn) => fn.metricErrors({ period, label: fn.node.id })),
            width: 12,
          }),
        ],
      ],
    });
  }
}
