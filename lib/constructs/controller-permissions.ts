import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { HandlerName } from './rollout-definition';

/** What a controller function may do, beyond writing its logs and traces. */
export type Capability = 'ledger' | 'readTargets' | 'writeTargets' | 'invokeVersions' | 'readHooks' | 'metrics' | 'alarms';

/**
 * Least privilege per function: each gets only what its handler's code calls. The IAM cross-check
 * test (test/constructs/iam-cross-check.test.ts) runs every handler against mocked AWS APIs and
 * fails if a call it makes is not allowed here.
 */
export const HANDLER_CAPABILITIES: Readonly<Record<HandlerName, readonly Capability[]>> = {
  preflight: ['ledger', 'readTargets', 'readHooks', 'metrics', 'alarms'],
  smokeTest: ['ledger', 'invokeVersions'],
  // The hook itself is invoked by the state machine (its role holds that grant); these only read and record.
  prepareHook: ['ledger'],
  checkHook: ['ledger'],
  shift: ['ledger', 'writeTargets'],
  evaluate: ['ledger', 'metrics', 'alarms'],
  requestApproval: ['ledger'],
  promote: ['ledger', 'writeTargets'],
  finalize: ['ledger'],
  // Rollback cannot touch the ledger: restoring traffic must never wait on it.
  rollback: ['writeTargets'],
  recordRollback: ['ledger'],
};

/** An AppConfig application fledge may roll flags out in, optionally narrowed to one environment. */
export interface AppConfigScope {
  /** Application id (IAM ARNs use ids, not names). */
  readonly application: string;
  /**
   * Environment id.
   * @default - every environment of the application
   */
  readonly environment?: string;
}

export interface TargetScope {
  /** Function names or unqualified function ARNs. */
  readonly functions: readonly string[];
  readonly appConfig: readonly AppConfigScope[];
  /** Id of the immediate deployment strategy the stack creates. */
  readonly deploymentStrategyId: string;
  /** Functions rollouts may run as lifecycle hooks: names or unqualified function ARNs. */
  readonly hookFunctions: readonly string[];
}

const LAMBDA_READ = ['lambda:GetAlias', 'lambda:GetFunctionConfiguration'];
const LAMBDA_WRITE = ['lambda:UpdateAlias'];
const APPCONFIG_READ = ['appconfig:ListDeployments', 'appconfig:GetDeployment', 'appconfig:GetHostedConfigurationVersion', 'appconfig:ListHostedConfigurationVersions'];
const APPCONFIG_WRITE = ['appconfig:CreateHostedConfigurationVersion', 'appconfig:StartDeployment', 'appconfig:StopDeployment'];

/**
 * A statement and, when its resources contain a wildcard, why: the construct acknowledges the
 * cdk-nag finding with exactly this reason, so the reason lives beside the grant.
 */
export interface Grant {
  readonly statement: iam.PolicyStatement;
  readonly wildcardReason?: string;
}

/** IAM statements for a capability, scoped to the configured targets. The ledger is granted by the table. */
export function grantsFor(scope: Construct, capability: Exclude<Capability, 'ledger'>, targets: TargetScope): Grant[] {
  switch (capability) {
    case 'readTargets':
      return targetGrants(scope, targets, LAMBDA_READ, APPCONFIG_READ);
    case 'writeTargets':
      return targetGrants(scope, targets, [...LAMBDA_READ, ...LAMBDA_WRITE], [...APPCONFIG_READ, ...APPCONFIG_WRITE]);
    case 'invokeVersions':
      return invokeGrants(scope, targets);
    case 'readHooks':
      return hookGrants(scope, targets.hookFunctions, ['lambda:GetFunctionConfiguration'], 'preflight reads only the configured hook functions');
    case 'metrics':
      return [
        {
          statement: new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
          wildcardReason: 'cloudwatch:GetMetricData has no resource-level permissions in IAM; "*" is the only resource it accepts',
        },
      ];
    case 'alarms':
      return [
        {
          statement: new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }),
          wildcardReason:
            "DescribeAlarms returns composite alarms only when granted on '*', and alarm names come with each request's policy (read-only)",
        },
      ];
  }
}

function targetGrants(scope: Construct, targets: TargetScope, lambdaActions: string[], appConfigActions: string[]): Grant[] {
  const grants: Grant[] = [];
  if (targets.functions.length > 0) {
    const resources = targets.functions.flatMap((fn) => {
      const arn = functionArn(scope, fn);
      return [arn, `${arn}:*`];
    });
    grants.push({
      statement: new iam.PolicyStatement({ actions: lambdaActions, resources }),
      wildcardReason: 'only the configured functions; ":*" covers their alias and version qualifiers, which each rollout request names',
    });
  }
  if (targets.appConfig.length > 0) {
    const resources = targets.appConfig.flatMap((t) => appConfigResources(scope, t));
    resources.push(appConfigArn(scope, `deploymentstrategy/${targets.deploymentStrategyId}`));
    grants.push({
      statement: new iam.PolicyStatement({ actions: appConfigActions, resources }),
      wildcardReason:
        "only the configured applications (and environments); the wildcards cover the configuration profiles each request names and the deployments AppConfig numbers",
    });
  }
  return grants;
}

/** The smoke test invokes the configured functions' versions, by qualifier; never the unqualified function or an alias's traffic. */
function invokeGrants(scope: Construct, targets: TargetScope): Grant[] {
  if (targets.functions.length === 0) return [];
  return [
    {
      statement: new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.functions.map((fn) => `${functionArn(scope, fn)}:*`) }),
      wildcardReason: "only the configured functions; ':*' covers the version each rollout request names as its new version",
    },
  ];
}

/**
 * A grant on the configured hook functions: preflight reads their configuration, the state machine
 * invokes them. Both the function and ':*' (the version or alias a request may name).
 */
export function hookGrants(scope: Construct, hookFunctions: readonly string[], actions: string[], why: string): Grant[] {
  if (hookFunctions.length === 0) return [];
  const resources = hookFunctions.flatMap((fn) => {
    const arn = functionArn(scope, fn);
    return [arn, `${arn}:*`];
  });
  return [{ statement: new iam.PolicyStatement({ actions, resources }), wildcardReason: `${why}; ':*' covers the version or alias a request may name` }];
}

/**
 * An application's configuration profiles and hosted versions (any profile: flags are chosen per
 * request), and its environments' deployments: every environment, or only the one configured.
 */
function appConfigResources(scope: Construct, target: AppConfigScope): string[] {
  const app = `application/${target.application}`;
  const environment = `${app}/environment/${target.environment ?? '*'}`;
  return [
    appConfigArn(scope, app),
    appConfigArn(scope, `${app}/configurationprofile/*`),
    appConfigArn(scope, environment),
    appConfigArn(scope, `${environment}/*`),
  ];
}

export function functionArn(scope: Construct, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return Stack.of(scope).formatArn({ service: 'lambda', resource: 'function', resourceName: nameOrArn, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

function appConfigArn(scope: Construct, resource: string): string {
  return Arn.format({ service: 'appconfig', resource }, Stack.of(scope));
}
