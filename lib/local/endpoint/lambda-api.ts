import { createHash } from 'node:crypto';
import { functionNameOf, type LambdaAliasTarget } from '../../domain/targets';
import type { AliasState, SimulatedFleet } from '../fleet';
import type { LocalAccount } from './account-apis';
import { AwsApiError } from './aws-wire';

const API = '/2015-03-31/functions/';

/**
 * Lambda's REST API, read-only, over the simulated fleet: GetAlias and GetFunctionConfiguration,
 * the two reads preflight's capture makes (and `aws lambda get-alias` can make). Every function
 * exists, each version published, Active and run by the same role, so what the endpoint refuses
 * is what fledge itself refuses: an alias with weights left on it, or already on the new version.
 */
export type LambdaRequest =
  | { readonly operation: 'GetAlias'; readonly input: { readonly FunctionName: string; readonly Name: string } }
  | { readonly operation: 'GetFunctionConfiguration'; readonly input: { readonly FunctionName: string; readonly Qualifier?: string } };

/** Which Lambda operation a REST request is, and its parameters. */
export function lambdaRequest(method: string, url: URL): LambdaRequest {
  if (method !== 'GET' || !url.pathname.startsWith(API)) throw unsupported(method, url);
  const [name, resource, aliasName, ...rest] = url.pathname.slice(API.length).split('/').map(decodeURIComponent);
  if (!name) throw unsupported(method, url);
  if (resource === 'aliases' && aliasName && rest.length === 0) return { operation: 'GetAlias', input: { FunctionName: name, Name: aliasName } };
  if (resource === 'configuration' && aliasName === undefined) {
    const qualifier = url.searchParams.get('Qualifier');
    return { operation: 'GetFunctionConfiguration', input: { FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) } };
  }
  throw unsupported(method, url);
}

export function lambdaApi(fleet: SimulatedFleet, account: LocalAccount, request: LambdaRequest): unknown {
  const functionName = functionNameOf(request.input.FunctionName);
  const functionArn = `arn:aws:lambda:${account.region}:${account.accountId}:function:${functionName}`;
  if (request.operation === 'GetAlias') {
    const aliasName = request.input.Name;
    const state = aliasState(fleet, functionName, aliasName);
    return {
      AliasArn: `${functionArn}:${aliasName}`,
      Name: aliasName,
      FunctionVersion: state.functionVersion,
      Description: '',
      ...(state.additionalVersion ? { RoutingConfig: { AdditionalVersionWeights: { [state.additionalVersion]: state.additionalWeight } } } : {}),
      RevisionId: state.revisionId,
    };
  }
  const qualifier = request.input.Qualifier ?? '$LATEST';
  const version = /^\d+$/.test(qualifier) || qualifier === '$LATEST' ? qualifier : aliasState(fleet, functionName, qualifier).functionVersion;
  return {
    FunctionName: functionName,
    FunctionArn: `${functionArn}:${version}`,
    Version: version,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: `arn:aws:iam::${account.accountId}:role/${functionName}-role`,
    CodeSha256: createHash('sha256').update(`${functionName}:${version}`).digest('base64'),
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}

function aliasState(fleet: SimulatedFleet, functionName: string, alias: string): AliasState {
  const state = fleet.state(fleet.register(aliasTarget(functionName, alias)));
  if (state.kind !== 'lambda-alias') throw new AwsApiError('ResourceNotFoundException', `Alias not found: ${functionName}:${alias}`, 404);
  return state;
}

function unsupported(method: string, url: URL): AwsApiError {
  return new AwsApiError('UnknownOperationException', `the local endpoint serves Lambda GetAlias and GetFunctionConfiguration only, not ${method} ${url.pathname}`, 400);
}

/** An alias first seen through CloudWatch or Lambda's API points to version 1, as if version 2 were next. */
export function aliasTarget(functionName: string, alias: string): LambdaAliasTarget {
  return { kind: 'lambda-alias', functionName, alias, newVersion: '2' } as LambdaAliasTarget;
}
