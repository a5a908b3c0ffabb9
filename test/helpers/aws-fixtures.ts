import {
  GetAliasCommand,
  PreconditionFailedException,
  UpdateAliasCommand,
  type AliasConfiguration,
  type FunctionConfiguration,
  type LambdaClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type UpdateAliasCommandInput,
} from '@aws-sdk/client-lambda';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { CapturedState } from '../../lib/adapters/traffic/traffic-router';
import type { LambdaAliasTarget } from '../../lib/domain/targets';

/** What `mockClient(LambdaClient)` returns. */
export type LambdaMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, LambdaClientResolvedConfig>;

export const LAMBDA_ACCOUNT = '123456789012';
export const LAMBDA_ROLE = `arn:aws:iam::${LAMBDA_ACCOUNT}:role/checkout-runtime`;
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:${LAMBDA_ACCOUNT}:function:checkout`;

/** checkout:live, rolling from version 6 (the alias's) to version 7. */
export function newAliasTarget(overrides: Partial<LambdaAliasTarget> = {}): LambdaAliasTarget {
  return { kind: 'lambda-alias', functionName: 'checkout', alias: 'live', newVersion: '7', ...overrides };
}

/** GetAlias's answer for checkout:live on version 6 with no routing weights. */
export function newAliasConfig(overrides: Partial<AliasConfiguration> = {}): AliasConfiguration {
  return { AliasArn: `${FUNCTION_ARN}:live`, Name: 'live', FunctionVersion: '6', RevisionId: 'rev-1', ...overrides };
}

/** GetFunctionConfiguration's answer for a ready, published version of checkout. */
export function newFunctionConfig(version: string, overrides: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    FunctionName: 'checkout',
    FunctionArn: `${FUNCTION_ARN}:${version}`,
    Version: version,
    Role: LAMBDA_ROLE,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    CodeSha256: `sha-${version}`,
    ...overrides,
  };
}

/** What LambdaAliasRouter.capture returns for newAliasTarget() on newAliasConfig(). */
export function newCapturedAlias(overrides: Partial<CapturedState> = {}): CapturedState {
  return {
    targetKey: 'lambda:checkout:live',
    kind: 'lambda-alias',
    stableVersion: '6',
    newVersion: '7',
    attributes: { functionVersion: '6', revisionId: 'rev-1' },
    ...overrides,
  };
}

/** An AWS error the SDK has no class for (e.g. ThrottlingException, AccessDeniedException): only `name` matters. */
export function awsError(name: string, message = `simulated ${name}`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A Lambda alias that behaves like the real one: GetAlias returns the current configuration,
 * UpdateAlias applies the request only if its RevisionId matches, then issues rev-2, rev-3, …
 */
export function serveAlias(lambda: LambdaMock, initial: AliasConfiguration = newAliasConfig()): { current(): AliasConfiguration } {
  let current = initial;
  let revision = 1;
  lambda.on(GetAliasCommand).callsFake(() => current);
  lambda.on(UpdateAliasCommand).callsFake((input: UpdateAliasCommandInput) => {
    if (input.RevisionId !== undefined && input.RevisionId !== current.RevisionId) {
      throw new PreconditionFailedException({ message: 'The Revision Id provided does not match the latest Revision Id.', $metadata: {} });
    }
    revision += 1;
    current = { ...current, FunctionVersion: input.FunctionVersion ?? current.FunctionVersion, RoutingConfig: input.RoutingConfig, RevisionId: `rev-${revision}` };
    return current;
  });
  return { current: () => current };
}
