import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { Ledger, type LedgerEvent } from '../adapters/ledger';
import { SnsOutcomePublisher } from '../adapters/notifications/sns-outcome-publisher';
import { CloudWatchAlarmSource } from '../adapters/metrics/cloudwatch-alarm-source';
import { CloudWatchMetricProvider } from '../adapters/metrics/cloudwatch-metric-provider';
import { AppConfigFlagRouter, type AppConfigFlagRouterProps } from '../adapters/traffic/appconfig-flag-router';
import { LambdaAliasRouter } from '../adapters/traffic/lambda-alias-router';
import { LambdaInvoker } from '../adapters/invoke/lambda-invoker';
import { LambdaHookFunctions } from '../adapters/invoke/lambda-hook-functions';
import type { ControllerDeps, NotifyDeps } from '../controller/dependencies';
import { systemClock } from '../domain/clock';
import { ENV, listEnv, optionalNumberEnv, requiredEnv } from './env';

/** The AWS SDK clients the controller uses. Tests pass mocked ones; Lambda builds real ones. */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly appConfig: AppConfigClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
}

export function newAwsClients(tracer?: Tracer): AwsClients {
  return {
    lambda: traced(tracer, new LambdaClient({})),
    appConfig: traced(tracer, new AppConfigClient({})),
    cloudWatch: traced(tracer, new CloudWatchClient({})),
    dynamoDb: traced(tracer, new DynamoDBClient({})),
  };
}

/** The notify function's clients: it reads the ledger and publishes, nothing else. */
export interface NotifyClients {
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
}

export function newNotifyClients(tracer?: Tracer): NotifyClients {
  return { dynamoDb: traced(tracer, new DynamoDBClient({})), sns: traced(tracer, new SNSClient({})) };
}

/** X-Ray subsegments for every AWS call, when tracing is on. */
function traced<C>(tracer: Tracer | undefined, client: C): C {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * The composition root in AWS: real adapters behind the same interfaces local mode fills with
 * the simulated fleet. Reads its configuration from the environment the construct sets.
 */
export function awsControllerDeps(
  clients: AwsClients,
  options: {
    env?: NodeJS.ProcessEnv;
    onLedgerEvent?: (rolloutId: string, event: LedgerEvent) => void;
    /** How flag deployments are awaited. @default - poll every 2 s, give up after 90 s */
    appConfigPolling?: Pick<AppConfigFlagRouterProps, 'sleep' | 'pollIntervalMs' | 'deploymentTimeoutMs'>;
  } = {},
): ControllerDeps {
  const env = options.env ?? process.env;
  return {
    routers: {
      'lambda-alias': new LambdaAliasRouter({ client: clients.lambda }),
      'appconfig-flag': new AppConfigFlagRouter({
        client: clients.appConfig,
        deploymentStrategyId: requiredEnv(ENV.deploymentStrategyId, env),
        ...options.appConfigPolling,
      }),
    },
    metrics: new CloudWatchMetricProvider({ client: clients.cloudWatch }),
    invoker: new LambdaInvoker({ client: clients.lambda }),
    hookFunctions: new LambdaHookFunctions({ client: clients.lambda, configured: listEnv(ENV.hookFunctions, env) }),
    alarms: new CloudWatchAlarmSource({ client: clients.cloudWatch }),
    ledger: new Ledger({
      client: clients.dynamoDb,
      tableName: requiredEnv(ENV.tableName, env),
      clock: systemClock,
      eventRetentionDays: optionalNumberEnv(ENV.eventRetentionDays, env),
      onEvent: options.onLedgerEvent,
    }),
    clock: systemClock,
  };
}

/** The notify function's composition root: the ledger to read (never written) and the topic. */
export function awsNotifyDeps(clients: NotifyClients, options: { env?: NodeJS.ProcessEnv } = {}): NotifyDeps {
  const env = options.env ?? process.env;
  return {
    ledger: new Ledger({ client: clients.dynamoDb, tableName: requiredEnv(ENV.tableName, env), clock: systemClock }),
    publisher: new SnsOutcomePublisher({ client: clients.sns, topicArn: requiredEnv(ENV.topicArn, env) }),
  };
}
