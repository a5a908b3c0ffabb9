import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { Ledger, type LedgerEvent } from '../adapters/ledger';
import { CloudWatchAlarmSource } from '../adapters/metrics/cloudwatch-alarm-source';
import { CloudWatchMetricProvider } from '../adapters/metrics/cloudwatch-metric-provider';
import { AppConfigFlagRouter, type AppConfigFlagRouterProps } from '../adapters/traffic/appconfig-flag-router';
import { LambdaAliasRouter } from '../adapters/traffic/lambda-alias-router';
import type { ControllerDeps } from '../controller/dependencies';
import { systemClock } from '../domain/clock';
import { ENV, optionalNumberEnv, requiredEnv } from './env';

/** The AWS SDK clients the controller uses. Tests pass mocked ones; Lambda builds real ones. */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly appConfig: AppConfigClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
}

export function newAwsClients(tracer?: Tracer): AwsClients {
  // X-Ray subsegments for every AWS call, when tracing is on.
  const traced = <C>(client: C): C => (tracer ? tracer.captureAWSv3Client(client) : client);
  return {
    lambda: traced(new LambdaClient({})),
    appConfig: traced(new AppConfigClient({})),
    cloudWatch: traced(new CloudWatchClient({})),
    dynamoDb: traced(new DynamoDBClient({})),
  };
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
