import { AwsApiError, epochSeconds, optionalString, requiredString } from './aws-wire';
import type { ExecutionView, LocalExecutions } from './local-executions';

/** The Step Functions operations the CLI uses, and the standard AWS CLI can call. */
export const STEP_FUNCTIONS_OPERATIONS = [
  'StartExecution',
  'DescribeExecution',
  'ListExecutions',
  'StopExecution',
  'SendTaskSuccess',
  'SendTaskFailure',
  'GetExecutionHistory',
] as const;

const PAGE_LIMIT = 1000;

/**
 * Step Functions' JSON API (`X-Amz-Target: AWSStepFunctions.<Operation>`) over the local
 * executions: the request and answer fields AWS documents, with AWS's error codes.
 */
export async function stepFunctionsApi(executions: LocalExecutions, operation: string, body: Record<string, unknown>): Promise<unknown> {
  switch (operation) {
    case 'StartExecution': {
      const stateMachineArn = requiredString(body, 'stateMachineArn');
      const name = optionalString(body, 'name') ?? crypto.randomUUID();
      const view = executions.start(stateMachineArn, name, optionalString(body, 'input') ?? '{}');
      return { executionArn: view.executionArn, startDate: epochSeconds(view.startDate) };
    }
    case 'DescribeExecution':
      return describeShape(executions.describe(requiredString(body, 'executionArn')));
    case 'ListExecutions': {
      const views = executions.list(requiredString(body, 'stateMachineArn'), optionalString(body, 'statusFilter'));
      const page = paginate(views, body);
      return {
        executions: page.items.map((v) => ({ executionArn: v.executionArn, stateMachineArn: v.stateMachineArn, name: v.name, status: v.status, startDate: epochSeconds(v.startDate), ...(v.stopDate ? { stopDate: epochSeconds(v.stopDate) } : {}) })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    }
    case 'StopExecution': {
      const stopDate = await executions.stop(requiredString(body, 'executionArn'), optionalString(body, 'error'), optionalString(body, 'cause'));
      return { stopDate: epochSeconds(stopDate) };
    }
    case 'SendTaskSuccess':
      await executions.sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
      return {};
    case 'SendTaskFailure':
      await executions.sendTaskFailure(requiredString(body, 'taskToken'), optionalString(body, 'error'), optionalString(body, 'cause'));
      return {};
    case 'GetExecutionHistory': {
      const events = [...executions.history(requiredString(body, 'executionArn'))];
      if (body.reverseOrder === true) events.reverse();
      const withData = body.includeExecutionData !== false;
      const page = paginate(events, body);
      return {
        events: page.items.map((e) => ({
          id: e.id,
          previousEventId: e.previousEventId,
          timestamp: epochSeconds(e.timestamp),
          type: e.type,
          ...(e.details ? { [e.details.key]: withData ? e.details.value : withoutData(e.details.value) } : {}),
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    }
    default:
      throw new AwsApiError('UnknownOperationException', `the local endpoint does not serve Step Functions ${operation}; it serves ${STEP_FUNCTIONS_OPERATIONS.join(', ')}`);
  }
}

function describeShape(v: ExecutionView): Record<string, unknown> {
  return {
    executionArn: v.executionArn,
    stateMachineArn: v.stateMachineArn,
    name: v.name,
    status: v.status,
    startDate: epochSeconds(v.startDate),
    ...(v.stopDate ? { stopDate: epochSeconds(v.stopDate) } : {}),
    input: v.input,
    inputDetails: { included: true },
    ...(v.output !== undefined ? { output: v.output, outputDetails: { included: true } } : {}),
    ...(v.error !== undefined ? { error: v.error } : {}),
    ...(v.cause !== undefined ? { cause: v.cause } : {}),
  };
}

/** `maxResults` and an opaque `nextToken`: here the offset, encoded. */
function paginate<T>(items: readonly T[], body: Record<string, unknown>): { items: readonly T[]; nextToken?: string } {
  const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, PAGE_LIMIT) : PAGE_LIMIT;
  let offset = 0;
  if (typeof body.nextToken === 'string') {
    offset = Number(Buffer.from(body.nextToken, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(offset) || offset < 0) throw new AwsApiError('InvalidToken', 'Invalid Token: the nextToken was not issued by this endpoint');
  }
  const page = items.slice(offset, offset + max);
  const next = offset + page.length;
  return { items: page, ...(next < items.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}) };
}

function withoutData(details: Record<string, unknown>): Record<string, unknown> {
  const { input: _input, output: _output, ...rest } = details;
  return rest;
}
