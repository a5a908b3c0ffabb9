import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../runtime/env';
import { HANDLER_NAMES, type HandlerName, type RolloutFunctions } from './rollout-definition';

/** Source file of each handler, under functions/. */
const ENTRY_FILES: Readonly<Record<HandlerName, string>> = {
  preflight: 'preflight.ts',
  smokeTest: 'smoke-test.ts',
  prepareHook: 'prepare-hook.ts',
  checkHook: 'check-hook.ts',
  shift: 'shift.ts',
  evaluate: 'evaluate.ts',
  requestApproval: 'request-approval.ts',
  promote: 'promote.ts',
  finalize: 'finalize.ts',
  rollback: 'rollback.ts',
  recordRollback: 'record-rollback.ts',
};

/** Shifts wait for AppConfig deployments to complete; the others only read and judge. */
const TIMEOUTS: Readonly<Record<HandlerName, Duration>> = {
  preflight: Duration.seconds(60),
  // The smoke test may take up to 240 s (smokeTestSchema), inside the task's 5 minutes.
  smokeTest: Duration.seconds(270),
  prepareHook: Duration.seconds(30),
  checkHook: Duration.seconds(30),
  shift: Duration.seconds(120),
  evaluate: Duration.seconds(60),
  requestApproval: Duration.seconds(30),
  promote: Duration.seconds(120),
  finalize: Duration.seconds(30),
  rollback: Duration.seconds(180),
  recordRollback: Duration.seconds(30),
};

export interface ControllerFunctionsProps {
  readonly tableName: string;
  readonly deploymentStrategyId: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default - events are kept forever */
  readonly eventRetentionDays?: number;
  /** The hook functions preflight accepts. @default - none */
  readonly hookFunctions?: readonly string[];
}

/** One Lambda function per task state: Node.js 24 on arm64, Powertools logs, X-Ray tracing. */
export class ControllerFunctions extends Construct {
  readonly functions: RolloutFunctions & Readonly<Record<HandlerName, nodejs.NodejsFunction>>;

  constructor(scope: Construct, id: string, props: ControllerFunctionsProps) {
    super(scope, id);
    const environment: Record<string, string> = {
      [ENV.tableName]: props.tableName,
      [ENV.deploymentStrategyId]: props.deploymentStrategyId,
      ...(props.eventRetentionDays !== undefined ? { [ENV.eventRetentionDays]: String(props.eventRetentionDays) } : {}),
      ...(props.hookFunctions?.length ? { [ENV.hookFunctions]: props.hookFunctions.join(',') } : {}),
    };
    const entries = HANDLER_NAMES.map((name) => {
      const fn = controllerFunction(this, name, { entry: ENTRY_FILES[name], timeout: TIMEOUTS[name], environment, logRetention: props.logRetention });
      return [name, fn] as const;
    });
    this.functions = Object.fromEntries(entries) as ControllerFunctions['functions'];
  }
}

export interface ControllerFunctionProps {
  /** Source file under functions/. */
  readonly entry: string;
  readonly timeout: Duration;
  /** The function's configuration; the Powertools settings are added. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Where asynchronous invocations that failed every retry go. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * One fledge function, built the way all of them are: Node.js 24 on arm64, Powertools logs, X-Ray
 * tracing, a log group of its own, and a role of its own that starts with nothing but that log group.
 */
export function controllerFunction(scope: Construct, name: string, props: ControllerFunctionProps): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${name}Logs`, {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Its own role with no managed policy: logs go to this function's log group and nowhere else.
  const role = new iam.Role(scope, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new nodejs.NodejsFunction(scope, name, {
    role,
    entry: join(__dirname, '../../functions', props.entry),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    timeout: props.timeout,
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    environment: { POWERTOOLS_SERVICE_NAME: 'fledge', POWERTOOLS_LOG_LEVEL: 'INFO', ...props.environment },
    description: `fledge rollout controller: ${name}`,
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    bundling: {
      minify: true,
      // Error classes name themselves (FledgeError sets `name` from the class): Step Functions'
      // Retry and Catch, and the outcome notification, match on those names, which minifying would mangle.
      keepNames: true,
      sourceMap: true,
      target: 'node24',
      // The Node.js runtime ships AWS SDK v3; bundling it again only adds cold-start time.
      externalModules: ['@aws-sdk/*'],
    },
  });
}
