import { createHash } from 'node:crypto';
import { functionNameOf } from '../../domain/targets';
import type { AliasState, SimulatedFleet } from '../fleet';
import type { LocalAccount } from './account-apis';
import { AwsApiError } from './aws-wire';
import { aliasTarget } from './cloudwatch-api';

const API = '/2015-03-31/functions/';

/**
 * Lambda's REST API, read-only, over the simulated fleet: GetAlias and GetFunctionConfiguration,
 * the two reads preflight's capture makes (and `aws lambda get-alias` can make). Every function
 * exists, each version published, Active and run by the same role, so what the endpoint refuses
 * is what fledge itself refuses: an alias with weights left on it, or already on the new version.
 */
export function lambdaApi(fleet: SimulatedFleet, account: LocalAccount, method: string, url: URL): unknown {
  if (method !== 'GET' || !url.pathname.startsWith(API)) throw unsupported(method, url);
  const [name, resource, aliasName, ...rest] = url.pathname.slice(API.length).split('/').map(decodeURIComponent);
  const functionName = functionNameOf(name ?? '');
  if (!functionName) throw unsupported(method, url);
  const functionArn = `arn:aws:lambda:${account.region}:${account.accountId}:function:${functionName}`;
  if (resource === 'aliases' && aliasName && rest.length === 0) {
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
  if (resource === 'configuration' && aliasName === undefined) {
    const qualifier = url.searchParams.get('Qualifier') ?? '$LATEST';
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
  throw unsupported(method, url);
}

function aliasState(fleet: SimulatedFleet, functionName: string, alias: string): AliasState {
  const state = fleet.state(fleet.register(aliasTarget(functionName, alias)));
  if (state.kind !== 'lambda-alias') throw new AwsApiError('ResourceNotFoundException', `Alias not found: ${functionName}:${alias}`, 404);
  return state;
}

function unsupported(method: string, url: URL): AwsApiError {
  return new AwsApiError('UnknownOperationException', `the local endpoint serves Lambda GetAlias and GetFunctionConfiguration only, not ${method} ${url.pathname}`, 400);
}
