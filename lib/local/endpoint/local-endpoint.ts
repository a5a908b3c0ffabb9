import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_STACK_NAME } from '../../constructs/stack-outputs';
import { FledgeError } from '../../domain/errors';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb-local';
import type { SimulatedAlarmSource, SimulatedFleet, TrafficModel } from '../fleet';
import { createLocalWorld } from '../local-environment';
import type { LocalHookFunctions } from '../hooks/local-hooks';
import { LOCAL_ACCOUNT } from '../local-definition';
import { ScaledClock } from '../scaled-clock';
import { describeStacks, getCallerIdentity, type LocalAccount } from './account-apis';
import { AwsApiError, parseForm, parseJsonBody, readBody, sendJson, sendJsonError, sendQueryError, sendQueryResult, signingAccessKey, signingService } from './aws-wire';
import { cloudWatchApi } from './cloudwatch-api';
import { proxyToDynamoDb } from './dynamodb-proxy';
import { DEFAULT_LOCAL_PORT } from './endpoint-defaults';
import { lambdaApi, lambdaRequest } from './lambda-api';
import { LocalExecutions, type ExecutionView } from './local-executions';
import { stepFunctionsApi } from './stepfunctions-api';

export interface LocalEndpointOptions {
  /** Loopback port; 0 picks a free one. @default 8642 */
  readonly port?: number;
  /** Virtual seconds per wall second. @default 60 */
  readonly speed?: number;
  /** The simulated fleet's traffic, for every target (per-target overrides inside). */
  readonly model: TrafficModel;
  /** @default 1 */
  readonly seed?: number;
  /** The region in the ARNs it hands out; it answers requests signed for any region. @default 'us-east-1' */
  readonly region?: string;
  /** @default 'FledgeController' */
  readonly stackName?: string;
  /** One line per notable event: executions starting and ending. */
  readonly log?: (line: string) => void;
  /** Sees every API call a client makes (not the executions' own): what a pipeline's IAM role must allow. */
  readonly onCall?: (call: EndpointCall) => void;
  /** The hook functions rollouts may name. @default - none: a request naming one is refused */
  readonly hooks?: LocalHookFunctions;
}

/** One call a client made, named as IAM and the SDK name it: the service's signing name and the operation. */
export interface EndpointCall {
  readonly service: 'states' | 'dynamodb' | 'cloudwatch' | 'lambda' | 'cloudformation' | 'sts';
  readonly command: string;
  readonly input: Record<string, unknown>;
}

export interface LocalEndpoint {
  /** `http://127.0.0.1:<port>`: give it to the CLI as --endpoint-url. */
  readonly url: string;
  readonly account: LocalAccount;
  readonly fleet: SimulatedFleet;
  readonly executions: LocalExecutions;
  /** Stops the executions, the server and DynamoDB Local. */
  close(): Promise<void>;
}

/** The endpoint could not start for a reason of the machine's: the port is taken. */
export class LocalEndpointError extends FledgeError {}

const LOOPBACK = '127.0.0.1';
export const LOCAL_LEDGER_TABLE = 'fledge-local-ledger';
const STATE_MACHINE_NAME = 'fledge-rollout';

/**
 * A local controller on loopback: Step Functions (the real definition, run on aws-local-stepfunctions
 * with the real handlers over the simulated fleet), the ledger in DynamoDB Local, the CloudFormation
 * and STS calls the CLI makes to find the controller and its caller, and the Lambda and CloudWatch
 * reads of `fledge check`, answered from the same fleet the executions shift. One URL serves
 * them all; each request is routed by its `X-Amz-Target` or by the service it is signed for.
 */
export async function startLocalEndpoint(options: LocalEndpointOptions): Promise<LocalEndpoint> {
  const log = options.log ?? (() => undefined);
  const region = options.region ?? 'us-east-1';
  const clock = new ScaledClock(options.speed ?? 60);
  const dynamo = await startDynamoDbLocal();
  try {
    const world = await createLocalWorld({ client: dynamo.client, model: options.model, seed: options.seed ?? 1, tableName: LOCAL_LEDGER_TABLE, clock, hooks: options.hooks });
    const stateMachineArn = `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;
    const executions = new LocalExecutions({ deps: world.deps, clock, stateMachineArn, hookRuntime: world.hooks, onChange: (view) => log(describeChange(view)) });
    const server = createServer((req, res) => {
      void route(req, res).catch((error: unknown) => {
        log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) sendJsonError(res, new AwsApiError('InternalFailure', error instanceof Error ? error.message : String(error), 500));
        else res.destroy();
      });
    });
    const port = await listen(server, options.port ?? DEFAULT_LOCAL_PORT);
    const url = `http://${LOOPBACK}:${port}`;
    const account: LocalAccount = { accountId: LOCAL_ACCOUNT, region, stackName: options.stackName ?? DEFAULT_STACK_NAME, stackCreatedAt: clock.now(), stateMachineArn, tableName: LOCAL_LEDGER_TABLE, url };
    // Set before any request is served: request callbacks run only after this continuation.
    const route = makeRouter({ executions, dynamo, fleet: world.fleet, alarms: world.alarms, account, onCall: options.onCall ?? (() => undefined) });
    return {
      url,
      account,
      fleet: world.fleet,
      executions,
      close: async () => {
        await executions.stopAll();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}

interface RouterDeps {
  readonly executions: LocalExecutions;
  readonly dynamo: DynamoDbLocal;
  readonly fleet: SimulatedFleet;
  readonly alarms: SimulatedAlarmSource;
  readonly account: LocalAccount;
  readonly onCall: (call: EndpointCall) => void;
}

function makeRouter({ executions, dynamo, fleet, alarms, account, onCall }: RouterDeps) {
  /** An AWS JSON 1.0 operation: recorded, answered, or answered with its error. */
  const json = async (res: ServerResponse, service: EndpointCall['service'], command: string, body: Buffer, serve: (input: Record<string, unknown>) => unknown) => {
    try {
      const input = parseJsonBody(body);
      onCall({ service, command, input });
      sendJson(res, await serve(input));
    } catch (error) {
      sendJsonError(res, asApiError(error));
    }
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const service = signingService(req);
    const [prefix, operation = ''] = target.split('.');
    if (prefix === 'DynamoDB_20120810') {
      onCall({ service: 'dynamodb', command: operation, input: safeJson(body) });
      return proxyToDynamoDb(dynamo.endpoint, req, body, res);
    }
    if (prefix === 'AWSStepFunctions') return json(res, 'states', operation, body, (input) => stepFunctionsApi(executions, operation, input));
    if (prefix === 'GraniteServiceVersion20100801') return json(res, 'cloudwatch', operation, body, (input) => cloudWatchApi(fleet, alarms, account, operation, input));
    if (service === 'lambda') {
      try {
        const request = lambdaRequest(req.method ?? 'GET', new URL(req.url ?? '/', 'http://local'));
        onCall({ service: 'lambda', command: request.operation, input: request.input });
        return sendJson(res, lambdaApi(fleet, account, request), 200, 'application/json');
      } catch (error) {
        return sendJsonError(res, asApiError(error), 'application/json');
      }
    }
    if (service === 'appconfig') {
      return sendJsonError(
        res,
        new AwsApiError('UnknownOperationException', 'the local endpoint does not simulate the AppConfig API: flag rollouts run (fledge start), but fledge check reads flags in AWS only'),
        'application/json',
      );
    }
    if (service === 'cloudformation' || service === 'sts') {
      const params = parseForm(body);
      const action = params.get('Action') ?? '';
      onCall({ service, command: action, input: Object.fromEntries(params) });
      try {
        if (service === 'cloudformation' && action === 'DescribeStacks') return sendQueryResult(res, action, 'http://cloudformation.amazonaws.com/doc/2010-05-15/', describeStacks(account, params));
        if (service === 'sts' && action === 'GetCallerIdentity') return sendQueryResult(res, action, 'https://sts.amazonaws.com/doc/2011-06-15/', getCallerIdentity(account, signingAccessKey(req)));
        throw new AwsApiError('InvalidAction', `the local endpoint does not serve ${service} ${action || '(no Action)'}`);
      } catch (error) {
        return sendQueryError(res, asApiError(error));
      }
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '')) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`fledge local endpoint: point the CLI here with --endpoint-url ${account.url}\nstate machine ${account.stateMachineArn}, ledger table ${account.tableName}\n`);
      return;
    }
    sendJsonError(res, new AwsApiError('UnknownOperationException', `the local endpoint does not serve ${service ?? 'unsigned'} ${req.method} ${req.url}${target ? ` (${target})` : ''}`));
  };
}

/** The body as JSON for the call log; DynamoDB Local judges the request itself. */
function safeJson(body: Buffer): Record<string, unknown> {
  try {
    return parseJsonBody(body);
  } catch {
    return {};
  }
}

function asApiError(error: unknown): AwsApiError {
  if (error instanceof AwsApiError) return error;
  return new AwsApiError('InternalFailure', error instanceof Error ? `${error.name}: ${error.message}` : String(error), 500);
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new LocalEndpointError(`port ${port} on ${LOOPBACK} is in use: pick another with --port`) : error),
    );
    server.listen(port, LOOPBACK, () => resolve((server.address() as AddressInfo).port));
  });
}

function describeChange(view: ExecutionView): string {
  if (view.status === 'RUNNING') return `execution ${view.name} started`;
  return `execution ${view.name} ${view.status}${view.error ? `: ${view.error}` : ''}`;
}
