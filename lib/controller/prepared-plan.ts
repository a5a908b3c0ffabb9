import { planTarget, shortfallMessages, type TargetPlan } from '../domain/judge';
import { withLastStepMaxBake, type RolloutPlan } from '../domain/plan';
import type { RolloutRequest } from '../domain/rollout-request';
import { targetKey } from '../domain/targets';
import type { BaselineProfile, PreparedPlan } from './rollout-context';

/** Granularity of a stretched max bake. */
const STRETCH_STEP_SECONDS = 5 * 60;

/**
 * The plan with what preflight measured: each phase's requirements sized to each target's
 * traffic, and the signals whose critical regression that traffic cannot rule out. A preset whose
 * last step is too short for the traffic gets the max bake it needs, up to its stretch limit.
 */
export function preparePlan(request: RolloutRequest, plan: RolloutPlan, baselines: Readonly<Record<string, BaselineProfile>>): { readonly prepared: PreparedPlan; readonly shortfalls: readonly string[] } {
  const size = (p: RolloutPlan) => request.targets.map((t) => planTarget(targetKey(t), request.policy, p.judgedPhases, baselines[targetKey(t)]?.history, request.targets.length));
  let sizedPlan = plan;
  let requirements = size(plan);
  const limit = plan.stretchLastStepToSeconds;
  const lastIsStep = plan.judgedPhases.at(-1)?.phase === 'step';
  if (limit !== undefined && lastIsStep && isShort(requirements)) {
    const current = plan.steps[plan.steps.length - 1].maxBakeSeconds;
    for (let bake = Math.ceil(current / STRETCH_STEP_SECONDS) * STRETCH_STEP_SECONDS; bake <= limit; bake += STRETCH_STEP_SECONDS) {
      sizedPlan = withLastStepMaxBake(plan, bake);
      requirements = size(sizedPlan);
      if (!isShort(requirements)) break;
    }
  }
  return { prepared: { ...sizedPlan, baselines, requirements }, shortfalls: shortfallMessages(requirements, sizedPlan.judgedPhases) };
}

function isShort(requirements: readonly TargetPlan[]): boolean {
  return requirements.some((r) => Object.values(r.signals).some((s) => s.shortOfCritical));
}
