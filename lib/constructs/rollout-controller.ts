import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS } from '../runtime/ledger-metrics';
import { ControllerFunctions } from './controller-functions';
import { grantsFor, HANDLER_CAPABILITIES, hookGrants, type AppConfigScope, type TargetScope } from './controller-permissions';
import { acknowledgeWildcards, XRAY_REASON, XRAY_STATEMENT } from './nag-acknowledgements';
import { LedgerTable } from './ledger-table';
import { OutcomeNotifications } from './outcome-notifications';
import { PipelinePolicy } from './pipeline-policy';
import { rolloutAction, type RolloutActionProps } from './pipeline-action';
import type { StepFunctionInvokeAction } from 'aws-cdk-lib/aws-codepipeline-actions';
import { HANDLER_NAMES } from './rollout-definition';
import { RolloutDashboard } from './rollout-dashboard';
import { RolloutStateMachine } from './rollout-state-machine';

export interface RolloutControllerProps {
  /**
   * Lambda functions (names, or unqualified ARNs) whose aliases fledge may shift.
   * @default - none; give at least one function or AppConfig application
   */
  readonly functions?: readonly string[];
  /**
   * AppConfig applications (ids) whose feature flags fledge may roll out.
   * @default - none; give at least one function or AppConfig application
   */
  readonly appConfig?: readonly AppConfigScope[];
  /**
   * How long the controller functions' and the state machine's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Ledger events expire this many days after they are written (DynamoDB TTL).
   * @default - events are kept forever
   */
  readonly eventRetentionDays?: number;
  /**
   * What happens to the ledger table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly ledgerRemovalPolicy?: RemovalPolicy;
  /**
   * Where rollout outcomes and controller alarms are sent: a standard topic (not FIFO). If it is
   * encrypted, its key policy must let this account's IAM policies grant its use.
   * @default - a new topic
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Lambda functions rollouts may run as lifecycle hooks (a request's `hooks.preTraffic` and
   * `hooks.postTraffic`): names, or unqualified ARNs. The state machine may invoke these, at any
   * version or alias, and no other; preflight refuses a request that names another.
   * @default - none
   */
  readonly hookFunctions?: readonly string[];
}

const FUNCTION_NAME_OR_ARN = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9-_]{1,64}$/;
const APPCONFIG_ID = /^[a-z0-9]{4,7}$/;

/**
 * The fledge rollout controller: the state machine local mode runs, its Lambda functions with
 * least-privilege roles scoped to the configured targets, the DynamoDB ledger, the immediate
 * AppConfig deployment strategy, outcome notifications, a dashboard and an alarm.
 */
export class RolloutController extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly ledger: LedgerTable;
  readonly functions: ControllerFunctions;
  readonly deploymentStrategy: appconfig.DeploymentStrategy;
  readonly topic: sns.ITopic;
  /** Every execution that ends (promoted, rolled back, refused, stopped) becomes a message on the topic. */
  readonly notifications: OutcomeNotifications;
  readonly dashboard: RolloutDashboard;
  readonly failureAlarm: cloudwatch.Alarm;
  /** Least privilege for the `fledge` CLI in a pipeline: attach it to the pipeline's role. */
  readonly pipelinePolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: RolloutControllerProps = {}) {
    super(scope, id);
    const functionTargets = validateFunctions(props.functions ?? [], 'functions');
    const hookFunctions = validateFunctions(props.hookFunctions ?? [], 'hookFunctions');
    const appConfigTargets = validateAppConfig(props.appConfig ?? []);
    if (functionTargets.length === 0 && appConfigTargets.length === 0) {
      throw new Error('RolloutController needs at least one Lambda function or AppConfig application to roll out (props.functions or props.appConfig)');
    }
    if (props.eventRetentionDays !== undefined && !(props.eventRetentionDays >= 1)) {
      throw new Error(`eventRetentionDays must be at least 1, got ${props.eventRetentionDays}; leave it out to keep events forever`);
    }

    this.ledger = new LedgerTable(this, 'Ledger', { removalPolicy: props.ledgerRemovalPolicy });
    // Each flag change is deployed at once: fledge, not AppConfig, decides how fast traffic moves.
    this.deploymentStrategy = new appconfig.DeploymentStrategy(this, 'ImmediateStrategy', {
      rolloutStrategy: appconfig.RolloutStrategy.linear({ growthFactor: 100, deploymentDuration: Duration.minutes(0), finalBakeTime: Duration.minutes(0) }),
      description: 'fledge: apply each flag step at once; fledge paces the rollout',
    });
    this.functions = new ControllerFunctions(this, 'Functions', {
      tableName: this.ledger.table.tableName,
      deploymentStrategyId: this.deploymentStrategy.deploymentStrategyId,
      logRetention: props.logRetention,
      eventRetentionDays: props.eventRetentionDays,
      hookFunctions,
    });
    const targets: TargetScope = {
      functions: functionTargets,
      appConfig: appConfigTargets,
      deploymentStrategyId: this.deploymentStrategy.deploymentStrategyId,
      hookFunctions,
    };
    this.grantCapabilities(targets);

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new RolloutStateMachine(this, 'Rollout', {
      functions: this.functions.functions,
      stateMachineProps: {
        // Every event, without its data: a request's smoke-test events and a hook's answer may hold
        // data. The execution history keeps inputs and outputs for those allowed to read it.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      },
    }).stateMachine;

    this.acknowledgeStateMachineWildcards();
    // Step Functions itself invokes the hooks (lambda:invoke), so the grant is the state machine's.
    for (const { statement, wildcardReason } of hookGrants(this, hookFunctions, ['lambda:InvokeFunction'], 'the state machine invokes only the configured hook functions')) {
      this.stateMachine.addToRolePolicy(statement);
      if (wildcardReason) acknowledgeWildcards(this.stateMachine, statement, wildcardReason);
    }
    this.pipelinePolicy = new PipelinePolicy(this, 'PipelinePolicy', { stateMachine: this.stateMachine, ledger: this.ledger, targets }).policy;

    this.topic = props.notificationTopic ?? new sns.Topic(this, 'Notifications', { displayName: 'fledge rollout outcomes', enforceSSL: true });
    this.notifications = new OutcomeNotifications(this, 'Outcomes', {
      stateMachine: this.stateMachine,
      ledger: this.ledger,
      topic: this.topic,
      logRetention: props.logRetention,
    });

    const controllerFailures = new cloudwatch.MathExpression({
      expression: 'FILL(rollbackFailed, 0) + FILL(timedOut, 0)',
      usingMetrics: {
        rollbackFailed: new cloudwatch.Metric({ namespace: METRICS.namespace, metricName: METRICS.rollbackFailures, statistic: 'Sum', period: Duration.minutes(5) }),
        timedOut: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      },
      label: 'controller failures',
      period: Duration.minutes(5),
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'ControllerFailureAlarm', {
      metric: controllerFailures,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A rollback could not restore its targets, or a rollout execution timed out: a target may need a human.',
    });
    this.failureAlarm.addAlarmAction(new actions.SnsAction(this.topic));

    this.dashboard = new RolloutDashboard(this, 'Dashboard', {
      stateMachine: this.stateMachine,
      functions: [...Object.values(this.functions.functions), this.notifications.function],
      controllerFailures,
    });
  }

  /** Each function gets what its handler calls (HANDLER_CAPABILITIES), and each wildcard its reason. */
  private grantCapabilities(targets: TargetScope): void {
    for (const name of HANDLER_NAMES) {
      const fn = this.functions.functions[name];
      // Findings are reported on the role's policy: acknowledge them there.
      const role = fn.role as iam.IRole;
      const reasons = new Map<string, string[]>();
      for (const capability of HANDLER_CAPABILITIES[name]) {
        if (capability === 'ledger') {
          this.ledger.grantReadWrite(fn);
          continue;
        }
        for (const { statement, wildcardReason } of grantsFor(this, capability, targets)) {
          fn.addToRolePolicy(statement);
          if (wildcardReason) acknowledgeWildcards(role, statement, wildcardReason, reasons);
        }
      }
      acknowledgeWildcards(role, XRAY_STATEMENT, XRAY_REASON, reasons);
    }
  }

  /** CDK's own grants to the state machine role: invoking function versions, X-Ray and log delivery. */
  private acknowledgeStateMachineWildcards(): void {
    for (const fn of Object.values(this.functions.functions)) {
      acknowledgeWildcards(
        this.stateMachine,
        new iam.PolicyStatement({ resources: [`${fn.functionArn}:*`] }),
        "the state machine invokes only its own functions; CDK's LambdaInvoke grant adds ':*' for their versions",
      );
    }
    acknowledgeWildcards(
      this.stateMachine,
      new iam.PolicyStatement({ resources: ['*'] }),
      'X-Ray trace writes and CloudWatch Logs log delivery (logs:CreateLogDelivery and friends) have no resource-level permissions',
    );
  }

  /**
   * A CodePipeline action that runs a rollout and fails its stage unless the rollout is promoted.
   * Put it after the stage that publishes the new version, and let that stage write the request.
   */
  rolloutAction(props: RolloutActionProps): StepFunctionInvokeAction {
    return rolloutAction(this.stateMachine, props);
  }

  /** The console URL of the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`;
  }
}

function validateFunctions(functions: readonly string[], prop: string): string[] {
  for (const fn of functions) {
    if (!FUNCTION_NAME_OR_ARN.test(fn)) {
      throw new Error(`${prop}: "${fn}" is not a Lambda function name or unqualified function ARN (no :alias or :version suffix)`);
    }
  }
  return [...new Set(functions)];
}

function validateAppConfig(scopes: readonly AppConfigScope[]): AppConfigScope[] {
  for (const s of scopes) {
    if (!APPCONFIG_ID.test(s.application)) {
      throw new Error(`appConfig: "${s.application}" is not an AppConfig application id (like "abc1234"); IAM ARNs need ids, not names`);
    }
    if (s.environment !== undefined && !APPCONFIG_ID.test(s.environment)) {
      throw new Error(`appConfig: environment "${s.environment}" of application ${s.application} is not an AppConfig environment id`);
    }
  }
  return [...scopes];
}
