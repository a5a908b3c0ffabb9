import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag `AwsSolutions-IAM5` finding of every wildcard resource in `statement`
 * on `scope`, with `reason`. cdk-nag names findings by the resource as CloudFormation sees it,
 * tokens flattened to `<LogicalId.Attr>`; this computes the same names from the statement itself,
 * so an acknowledgement can never drift away from the grant it explains.
 */
export function acknowledgeWildcards(scope: IConstruct, statement: iam.PolicyStatement, reason: string, reasons = new Map<string, string[]>()): void {
  const stack = Stack.of(scope);
  const resources = statement.resources.map((r) => flatten(stack.resolve(r))).filter((r) => r.includes('*'));
  for (const resource of new Set(resources)) {
    // One acknowledgement per finding and scope: several grants sharing a wildcard share it, reasons joined.
    const id = `AwsSolutions-IAM5[Resource::${resource}]`;
    const all = [...(reasons.get(id) ?? []), reason];
    reasons.set(id, all);
    Validations.of(scope).acknowledge({ id, reason: all.join('; ') });
  }
}

/** What Lambda's active tracing adds to a function's role. */
export const XRAY_STATEMENT = new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
export const XRAY_REASON = 'X-Ray trace writes (xray:PutTraceSegments, xray:PutTelemetryRecords) have no resource-level permissions';

/** Acknowledges one finding, by its full id. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** CloudFormation intrinsics as cdk-nag prints them: `Fn::GetAtt` → `<Id.Attr>`, `Ref` → `<Id>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    return `<${id}.${attribute}>`;
  }
  if ('Ref' in node) return `<${String(node.Ref)}>`;
  return JSON.stringify(value);
}
