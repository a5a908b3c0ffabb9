import { Stack } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

export type AslDefinition = { StartAt: string; States: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** Values substituted for CloudFormation references when turning a template's definition into plain ASL. */
export interface AslTokenValues {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** Logical id → value for `Ref` and `Fn::GetAtt` (by `<logicalId>.<attribute>`). */
  readonly references?: Readonly<Record<string, string>>;
}

/**
 * Resolves a state machine's definition (a string, or the `Fn::Join` CloudFormation makes of it)
 * to concrete ASL. Used for local mode and to compare the synthesized template with what local mode runs.
 */
export function resolveDefinitionString(definition: unknown, values: AslTokenValues = {}): AslDefinition {
  return JSON.parse(resolveCfnString(definition, values)) as AslDefinition;
}

export function definitionOf(stateMachine: sfn.StateMachine, values: AslTokenValues = {}): AslDefinition {
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  return resolveDefinitionString(Stack.of(stateMachine).resolve(cfn.definitionString), values);
}

/** A CloudFormation string value (`Fn::Join` of strings, `Ref` and `Fn::GetAtt`) as the concrete string it deploys to. */
export function resolveCfnString(value: unknown, values: AslTokenValues = {}): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => resolveCfnString(p, values)).join(separator);
    }
    if ('Ref' in obj) return refValue(String(obj.Ref), values);
    if ('Fn::GetAtt' in obj) {
      const [logicalId, attribute] = obj['Fn::GetAtt'] as [string, string];
      return lookup(`${logicalId}.${attribute}`, values);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in a state machine definition`);
}

function refValue(ref: string, values: AslTokenValues): string {
  switch (ref) {
    case 'AWS::Partition':
      return values.partition ?? 'aws';
    case 'AWS::Region':
      return values.region ?? 'local';
    case 'AWS::AccountId':
      return values.account ?? '000000000000';
    default:
      return lookup(ref, values);
  }
}

function lookup(key: string, values: AslTokenValues): string {
  const found = values.references?.[key];
  if (found === undefined) throw new Error(`no value given for ${key} while resolving a state machine definition`);
  return found;
}
