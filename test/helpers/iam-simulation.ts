import { runSimulation, runUnsafeSimulation, type EvaluationResult, type Simulation } from '@cloud-copilot/iam-simulate';
import { actionsOf } from './controller-stack';
import type { IamRequest } from './iam-requests';
import type { PolicyDocument } from './synthesized-policies';

/** A principal and the identity policies attached to it, as deployed. */
export interface Identity {
  /** Its ARN: the account the requests are made from is read from it. */
  readonly principal: string;
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
}

/**
 * What IAM decides for the request, according to an independent policy evaluator
 * (`@cloud-copilot/iam-simulate`) given the identity's policies and nothing else: no SCPs,
 * permission boundaries or resource policies, none of which fledge's stack creates.
 */
export async function decide(identity: Identity, request: IamRequest): Promise<EvaluationResult> {
  const simulation: Simulation = {
    request: {
      principal: identity.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: identity.principal.split(':')[4] },
      contextVariables: {},
    },
    identityPolicies: identity.policies.map(({ name, document }) => ({ name, policy: document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  // The simulator refuses an ARN that fits two of the action's resource types. The catalogue gives
  // two types one format only where they are the same ARN (AppConfig's configuration profile and
  // hosted configuration version), so the type cannot change the decision: evaluate it unvalidated.
  if (request.resourceTypes.length > 1) return runUnsafeSimulation(simulation, {});
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`the simulator cannot evaluate ${request.action} on ${request.resource} (from ${request.from}): ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}

/** The requests the identity's policies do not allow, as `action on resource (from call)`. */
export async function deniedRequests(identity: Identity, requests: readonly IamRequest[]): Promise<string[]> {
  const denied: string[] = [];
  for (const request of requests) {
    if ((await decide(identity, request)) !== 'Allowed') denied.push(`${request.action} on ${request.resource} (from ${request.from})`);
  }
  return denied;
}

/**
 * The requests still allowed once the action each needs is taken out of the identity's policies:
 * none, unless another grant (a wildcard action, a duplicate statement) allows the same thing.
 */
export async function allowedWithoutTheirAction(identity: Identity, requests: readonly IamRequest[]): Promise<string[]> {
  const allowed: string[] = [];
  for (const action of new Set(requests.map((r) => r.action))) {
    const without = withoutAction(identity, action);
    for (const request of requests.filter((r) => r.action === action)) {
      if ((await decide(without, request)) === 'Allowed') allowed.push(`${action} on ${request.resource}`);
    }
  }
  return allowed;
}

/** The identity with `action` taken out of every statement, and statements left without actions dropped. */
function withoutAction(identity: Identity, action: string): Identity {
  return {
    ...identity,
    policies: identity.policies.map(({ name, document }) => ({
      name,
      document: {
        ...document,
        Statement: document.Statement.map((s) => ({ ...s, Action: actionsOf([s]).filter((a) => a !== action) })).filter((s) => s.Action.length > 0),
      },
    })),
  };
}
