import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { makePreflightHandler, type PreflightEvent } from '../../functions/preflight';
import { ValidationError } from '../../lib/domain/errors';
import { awsControllerDeps } from '../../lib/runtime/aws-dependencies';
import { ENV } from '../../lib/runtime/env';
import { callsOf, recordDynamoDbCommands } from '../helpers/aws-calls';
import { newFunctionConfig, serveAlias } from '../helpers/aws-fixtures';
import { useDynamoDbLocal } from '../helpers/dynamodb';
import { hostileRequest } from '../helpers/hostile/hostile-requests';
import { isSafeMessage, namesBrokenField } from '../helpers/hostile/refusals';
import type { Hostile } from '../helpers/hostile/slot-defects';
import { FUZZ_SEED, tallyLine } from '../helpers/hostile/fuzz-report';

/**
 * The real Preflight handler, built by the AWS composition root over mocked Lambda, AppConfig and
 * CloudWatch clients and a real ledger on DynamoDB Local, meets a thousand generated hostile
 * requests. Each must be refused with a ValidationError naming the field broken, before a single
 * AWS call: a refused request captures, locks and records nothing (preflight validates first).
 */
const ddb = useDynamoDbLocal();
const aws = { lambda: mockClient(LambdaClient), appconfig: mockClient(AppConfigClient), cloudwatch: mockClient(CloudWatchClient) };
let ledgerCommands: string[];

beforeAll(() => {
  ledgerCommands = recordDynamoDbCommands(ddb.client);
});

beforeEach(() => {
  Object.values(aws).forEach((mock) => mock.reset());
  ledgerCommands.length = 0;
});

async function preflightOn(table: string) {
  const clients = { lambda: new LambdaClient({}), appConfig: new AppConfigClient({}), cloudWatch: new CloudWatchClient({}), dynamoDb: ddb.client };
  const preflight = makePreflightHandler(awsControllerDeps(clients, { env: { [ENV.tableName]: table, [ENV.deploymentStrategyId]: 'imm1234' } }));
  ledgerCommands.length = 0;
  return preflight;
}

/** What the Lambda receives from Step Functions: the execution input, through JSON. */
const delivered = (request: unknown): PreflightEvent => JSON.parse(JSON.stringify({ request, executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Rollout:fuzz' }));

async function refusalOf(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Preflight', () => {
  it('refuses 1,200 generated hostile requests with a ValidationError naming the broken field, before any AWS call or ledger write', async () => {
    const table = await ddb.newTable();
    const preflight = await preflightOn(table);
    const defects = new Map<string, number>();
    const seen = { refusedNamingField: 0, awsCalls: 0, ledgerCommands: 0 };

    await fc.assert(
      fc.asyncProperty(hostileRequest, async (hostile: Hostile) => {
        const error = await refusalOf(preflight(delivered(hostile.input)));
        expect(error).toBeInstanceOf(ValidationError);
        const { issues, message, name } = error as ValidationError;
        expect(name).toBe('ValidationError');
        expect({ defect: hostile.defect, field: hostile.field, key: hostile.key, named: namesBrokenField(issues, hostile), issues }).toMatchObject({ named: true });
        expect(namesBrokenField(issues.filter((issue) => message.includes(issue)), hostile)).toBe(true);
        expect(isSafeMessage(message)).toBe(true);
        seen.awsCalls += callsOf(aws).length;
        seen.ledgerCommands += ledgerCommands.length;
        expect(callsOf(aws)).toEqual([]);
        expect(ledgerCommands).toEqual([]);
        seen.refusedNamingField += 1;
        defects.set(hostile.defect, (defects.get(hostile.defect) ?? 0) + 1);
      }),
      { seed: FUZZ_SEED, numRuns: 1200 },
    );

    expect(seen.refusedNamingField).toBeGreaterThanOrEqual(1200);
    // Every kind of defect came up, each often enough to count.
    expect(defects.size).toBe(12);
    expect(Math.min(...defects.values())).toBeGreaterThanOrEqual(30);
    const stored = await ddb.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
    expect(stored.Count).toBe(0);
    console.log(tallyLine(`${seen.refusedNamingField.toLocaleString('en')} hostile requests`, { 'refused naming the field': seen.refusedNamingField, 'AWS calls (so no mutation)': seen.awsCalls, 'ledger reads or writes': seen.ledgerCommands }));
  });

  it('a request that passes validation reaches AWS and the ledger through the same harness (so the zeros above can fail)', async () => {
    const preflight = await preflightOn(await ddb.newTable());
    serveAlias(aws.lambda);
    aws.lambda.on(GetFunctionConfigurationCommand).callsFake((input: { Qualifier?: string }) => newFunctionConfig(input.Qualifier ?? '7'));
    aws.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    await preflight(delivered({ rolloutId: 'fuzz-control', targets: [{ kind: 'lambda-alias', functionName: 'checkout', alias: 'live', newVersion: '7' }], strategy: 'canary-10-5m' }));

    expect(callsOf(aws)).toEqual(expect.arrayContaining(['lambda:GetAliasCommand', 'cloudwatch:GetMetricDataCommand']));
    expect(ledgerCommands).toEqual(expect.arrayContaining(['TransactWriteItemsCommand', 'PutItemCommand']));
  });
});
