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
    // The shortest stretch that is enough, to the nearest STRETCH_STEP_SECONDS: a longer bake only ever helps.
    const current = plan.steps[plan.steps.length - 1].maxBakeSeconds;
    let lo = Math.ceil(current / STRETCH_STEP_SECONDS);
    let hi = Math.floor(limit / STRETCH_STEP_SECONDS);
    const at = (units: number) => {
      const stretched = withLastStepMaxBake(plan, units * STRETCH_STEP_SECONDS);
      return { stretched, requirements: size(stretched) };
    };
    let best = at(hi);
    if (!isShort(best.requirements)) {
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const tried = at(mid);
        if (isShort(tried.requirements)) lo = mid + 1;
        else {
          hi = mid;
          best = tried;
        }
      }
    }
    sizedPlan = best.stretched;
    requirements = best.requirements;
  }
  return { prepared: { ...sizedPlan, baselines, requirements }, shortfalls: shortfallMessages(requirements, sizedPlan.judgedPhases) };
}

function isShort(requirements: readonly TargetPlan[]): boolean {
  return requirements.some((r) => Object.values(r.signals).some((s) => s.shortOfCritical));
}

/** What the plan changed or could not do, in words: `fledge plan` prints them, preflight records them. */
export function planNotes(base: Pick<RolloutPlan, 'steps'>, prepared: Pick<RolloutPlan, 'steps'>, shortfalls: readonly string[], insufficientTraffic: 'warn' | 'refuse'): string[] {
  const notes: string[] = [];
  const last = prepared.steps[prepared.steps.length - 1];
  const stretched = last.maxBakeSeconds - base.steps[base.steps.length - 1].maxBakeSeconds;
  if (stretched > 0) notes.push(`the last step may bake up to ${Math.round(last.maxBakeSeconds / 60)} min (${Math.round(stretched / 60)} min more than the preset) to rule out the critical regression at this traffic`);
  for (const s of shortfalls) notes.push(`warning: ${s}`);
  if (shortfalls.length > 0) {
    notes.push(`with policy insufficientTraffic=${insufficientTraffic}, ${insufficientTraffic === 'refuse' ? 'preflight refuses to start' : 'the rollout starts, and ends inconclusive unless the evidence comes in'}`);
  }
  return notes;
}
