/**
 * The service authorization catalogue writes each resource type's ARN as a template, such as
 * `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`.
 */
const VARIABLE = /\$\{(\w+)\}/g;

/** Each variable's possible values; a variable with several values names several resources. */
export type ArnVariables = Readonly<Record<string, readonly string[]>>;

/** Every ARN the template names with these values; none when a variable has no value. */
export function fillArnTemplate(template: string, variables: ArnVariables): string[] {
  let arns = [''];
  let rest = 0;
  for (const match of template.matchAll(VARIABLE)) {
    const literal = template.slice(rest, match.index);
    arns = arns.flatMap((prefix) => (variables[match[1]] ?? []).map((value) => `${prefix}${literal}${value}`));
    rest = match.index + match[0].length;
  }
  return arns.map((prefix) => prefix + template.slice(rest));
}

/** Whether the ARN is of the kind the template describes. */
export function fitsArnTemplate(template: string, arn: string): boolean {
  const literals = template.split(VARIABLE).filter((_, i) => i % 2 === 0);
  // A variable's value never spans the ':' and '/' that separate an ARN's parts.
  return new RegExp(`^${literals.map(escapeRegExp).join('[^:/]+')}$`).test(arn);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
