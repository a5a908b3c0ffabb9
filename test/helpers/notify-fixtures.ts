import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { makeNotifyHandler } from '../../functions/notify';
import type { LedgerEvent, RolloutRecord } from '../../lib/adapters/ledger';
import type { NotifyDeps } from '../../lib/controller/dependencies';
import { plainJson } from '../../lib/controller/json';
import type { CapturedState } from '../../lib/domain/captured-state';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { awsNotifyDeps } from '../../lib/runtime/aws-dependencies';
import { ENV } from '../../lib/runtime/env';
import { FLAG_TARGET, newTestRequest } from './requests';

export const NOTIFY_REGION = 'eu-west-1';
export const NOTIFY_ACCOUNT = '123456789012';
export const STATE_MACHINE_ARN = `arn:aws:states:${NOTIFY_REGION}:${NOTIFY_ACCOUNT}:stateMachine:fledge-rollout`;
export const TOPIC_ARN = `arn:aws:sns:${NOTIFY_REGION}:${NOTIFY_ACCOUNT}:fledge-outcomes`;
export const ALIAS_KEY = 'lambda:orders-api:live';
export const FLAG_KEY = 'appconfig:shop/prod/features#new_checkout';

export function executionArn(name: string): string {
  return `arn:aws:states:${NOTIFY_REGION}:${NOTIFY_ACCOUNT}:execution:fledge-rollout:${name}`;
}

export interface ExecutionEndedFields {
  readonly name?: string;
  readonly status?: string;
  readonly executionArn?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string | null;
  readonly cause?: string | null;
  readonly startDate?: number;
  readonly stopDate?: number;
  readonly region?: string;
}

/** The event Step Functions sends to EventBridge when an execution ends, as the outcome rule forwards it. */
export function newExecutionEndedEvent(fields: ExecutionEndedFields = {}) {
  const name = fields.name ?? 'orders-2025-03-01';
  const region = fields.region ?? NOTIFY_REGION;
  const arn = fields.executionArn ?? executionArn(name);
  const input = 'input' in fields ? fields.input : { ...twoTargetRequest(), rolloutId: name };
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: NOTIFY_ACCOUNT,
    time: '2025-03-01T12:30:00Z',
    region,
    resources: [arn],
    detail: {
      executionArn: arn,
      stateMachineArn: STATE_MACHINE_ARN,
      name,
      status: fields.status ?? 'SUCCEEDED',
      startDate: fields.startDate ?? Date.parse('2025-03-01T12:00:00Z'),
      stopDate: fields.stopDate ?? Date.parse('2025-03-01T12:30:00Z'),
      input: input === undefined ? null : JSON.stringify(input),
      inputDetails: { included: input !== undefined },
      output: fields.output === undefined ? null : JSON.stringify(fields.output),
      outputDetails: fields.output === undefined ? null : { included: true },
      error: fields.error ?? null,
      cause: fields.cause ?? null,
    },
  };
}

/** orders-api:live from 41 to 42, and the new_checkout flag, in one release group. */
export function twoTargetRequest() {
  return newTestRequest({ targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }, FLAG_TARGET] });
}

export const CAPTURED: readonly CapturedState[] = [
  { targetKey: ALIAS_KEY, kind: 'lambda-alias', stableVersion: '41', newVersion: '42', attributes: { functionVersion: '41', revisionId: 'rev-1' } },
  { targetKey: FLAG_KEY, kind: 'appconfig-flag', stableVersion: 'off', newVersion: 'on', attributes: { configurationVersion: 3, enabledPercentage: 0 } },
];

/** The record preflight writes for twoTargetRequest(), as the ledger reads it back. */
export function newRolloutRecord(overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  const rolloutId = overrides.rolloutId ?? 'orders-2025-03-01';
  return {
    rolloutId,
    status: 'IN_PROGRESS',
    request: plainJson(parseRolloutRequest({ ...twoTargetRequest(), rolloutId })) as unknown as Record<string, unknown>,
    plan: {},
    captured: CAPTURED.map((c) => plainJson(c) as unknown as Record<string, unknown>),
    targetKeys: [ALIAS_KEY, FLAG_KEY],
    mode: 'enforce',
    createdAt: '2025-03-01T12:00:01.000Z',
    updatedAt: '2025-03-01T12:30:00.000Z',
    executionId: executionArn(rolloutId),
    eventCount: 0,
    ...overrides,
  };
}

export function newLedgerEvent(seq: number, type: LedgerEvent['type'], data: Record<string, unknown>): LedgerEvent {
  return { rolloutId: 'orders-2025-03-01', seq, type, at: '2025-03-01T12:29:00.000Z', data };
}

/** A ledger that answers with this record and these events, or fails every read with `error`. */
export function fakeLedger(answer: { record?: RolloutRecord; events?: LedgerEvent[] } | { error: Error }): NotifyDeps['ledger'] {
  if ('error' in answer) {
    const fail = async (): Promise<never> => {
      throw answer.error;
    };
    return { getRollout: fail, listEvents: fail };
  }
  return { getRollout: async () => answer.record, listEvents: async () => answer.events ?? [] };
}

/** One SDK call the notify function made, in the shape the IAM cross-check records calls in. */
export interface NotifyCall {
  readonly service: 'dynamodb' | 'sns';
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/**
 * Runs the notify function with its real AWS adapters on `event`: the ledger on `dynamoDb`
 * (DynamoDB Local, table `tableName`), SNS mocked. Returns every call it made, in order, for
 * tests that check them against the role (see test/constructs/iam-cross-check.test.ts).
 */
export async function recordNotifyCalls(opts: { readonly dynamoDb: DynamoDBClient; readonly tableName: string; readonly event: unknown; readonly topicArn?: string }): Promise<NotifyCall[]> {
  const calls: NotifyCall[] = [];
  const sns = new SNSClient({ region: NOTIFY_REGION });
  const snsMock = mockClient(sns);
  snsMock.on(PublishCommand).resolves({ MessageId: 'recorded' });
  const name = 'recordNotifyCalls';
  opts.dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ service: 'dynamodb', command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    const deps = awsNotifyDeps({ dynamoDb: opts.dynamoDb, sns }, { env: { [ENV.tableName]: opts.tableName, [ENV.topicArn]: opts.topicArn ?? TOPIC_ARN } });
    await makeNotifyHandler(deps)(opts.event);
  } finally {
    opts.dynamoDb.middlewareStack.remove(name);
  }
  // Publishing is the handler's last call, so these come after every ledger read.
  for (const call of snsMock.calls()) {
    const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
    calls.push({ service: 'sns', command: command.constructor.name, input: command.input });
  }
  return calls;
}
