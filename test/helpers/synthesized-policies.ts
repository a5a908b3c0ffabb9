import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { resolveCfnString } from '../../lib/constructs/asl';
import type { Identity } from './iam-simulation';

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Statement[];
}

interface CfnTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties: Record<string, unknown> }>;
}

/** The values a test gives the template's references, so its policies name the ARNs the test's calls use. */
export interface DeployedValues {
  readonly region: string;
  readonly account: string;
  /** Logical id → value for `Ref`, and `<logicalId>.<attribute>` → value for `Fn::GetAtt`. */
  readonly references: Readonly<Record<string, string>>;
}

export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
}

/** Every identity policy in the template, by logical id: roles' policies and managed policies alike. */
export function policyDocuments(template: Template): Map<string, PolicyDocument> {
  return new Map(
    Object.entries((template.toJSON() as CfnTemplate).Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .map(([id, r]) => [id, r.Properties.PolicyDocument as PolicyDocument]),
  );
}

/** The policies the template attaches to a role, as written (references unresolved). */
export function policiesOfRole(template: Template, roleId: string): Map<string, PolicyDocument> {
  const resources = (template.toJSON() as CfnTemplate).Resources;
  const attached = (id: string) => ((resources[id].Properties.Roles ?? []) as { Ref?: string }[]).some((role) => role.Ref === roleId);
  return new Map([...policyDocuments(template)].filter(([id]) => attached(id)));
}

/** Each Lambda function's role, by the function's logical id. */
export function functionRoles(template: Template): Map<string, string> {
  return new Map(
    Object.entries((template.toJSON() as CfnTemplate).Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, (r.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]),
  );
}

/** A role of the template as deployed: its ARN, and its policies with references resolved. */
export function deployedRole(template: Template, roleId: string, values: DeployedValues): Identity {
  return deployed(`arn:aws:iam::${values.account}:role/${roleId}`, policiesOfRole(template, roleId), values);
}

/** A managed policy of the template, as deployed and attached to a role outside the stack (a pipeline's). */
export function deployedManagedPolicy(template: Template, policyId: string, role: string, values: DeployedValues): Identity {
  const document = policyDocuments(template).get(policyId);
  if (!document) throw new Error(`no managed policy ${policyId} in the template`);
  return deployed(`arn:aws:iam::${values.account}:role/${role}`, new Map([[policyId, document]]), values);
}

function deployed(principal: string, documents: Map<string, PolicyDocument>, values: DeployedValues): Identity {
  // A reference the test does not give (a log group's ARN) is left as a name no request uses.
  const references = new Proxy(values.references, { get: (given, key: string) => given[key] ?? `unresolved:${key}` });
  const resolve = (value: unknown) => resolveCfnString(value, { partition: 'aws', region: values.region, account: values.account, references });
  return {
    principal,
    policies: [...documents].map(([name, document]) => ({
      name,
      document: {
        ...document,
        Statement: document.Statement.map((s) => ({ ...s, Resource: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(resolve) })),
      },
    })),
  };
}
