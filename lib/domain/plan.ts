import type { JudgedPhase } from './judge/requirements';
import type { Policy } from './policy';
import type { RolloutRequest } from './rollout-request';
import { resolveStrategy, type Step } from './strategies';

export interface PlannedStep extends Step {
  readonly name: string;
  readonly index: number;
}

/** Everything the state machine loop needs, fixed at preflight and stored in the ledger. */
export interface RolloutPlan {
  readonly strategyName: string;
  readonly steps: readonly PlannedStep[];
  readonly finalBakeSeconds: number;
  readonly evaluationIntervalSeconds: number;
  /** The phases the judge holds to a requirement: steps with weight above 0, then the final bake. */
  readonly judgedPhases: readonly PlannedPhase[];
  /** Upper bound of the rollout's duration; the target locks expire after it. */
  readonly maxDurationSeconds: number;
  /** How long preflight may stretch the last step's max bake for traffic that needs it (presets only). */
  readonly stretchLastStepToSeconds?: number;
}

/**
 * Step Functions Standard caps history at 25,000 events, and every Wait → Evaluate → Choice
 * tick costs about ten. Keeping the number of ticks under this leaves room for shifts and retries.
 */
export const MAX_EVALUATION_TICKS = 2000;

/**
 * How long a manual approval gate waits before it fails as a timeout (and the rollout rolls back).
 * Fixed in the definition: Step Functions resolves a dynamic timeout path against different inputs
 * than the local interpreter does, and the two must behave the same.
 */
export const APPROVAL_TIMEOUT_SECONDS = 24 * 3600;

/** A judged phase and where it sits in the plan. */
export interface PlannedPhase extends JudgedPhase {
  readonly phase: 'step' | 'final-bake';
  /** The step's index; for the final bake, the last step's. */
  readonly stepIndex: number;
}

export function planRollout(request: RolloutRequest): RolloutPlan {
  const strategy = resolveStrategy(request.strategy);
  const steps = strategy.steps.map((s, index) => ({ ...s, index }));
  const totalBake = steps.reduce((t, s) => t + s.maxBakeSeconds, 0) + strategy.finalBakeSeconds;
  const approvals = steps.filter((s) => s.approval).length;
  return {
    strategyName: strategy.name,
    steps,
    finalBakeSeconds: strategy.finalBakeSeconds,
    evaluationIntervalSeconds: evaluationInterval(request.policy, totalBake),
    judgedPhases: judgedPhasesOf(steps, strategy.finalBakeSeconds),
    stretchLastStepToSeconds: strategy.stretchLastStepToSeconds,
    maxDurationSeconds: totalBake + approvals * APPROVAL_TIMEOUT_SECONDS + 3600,
  };
}

/** Widens the interval of very long rollouts so they stay inside the execution-history limit. */
function evaluationInterval(policy: Policy, totalBakeSeconds: number): number {
  const needed = Math.ceil(totalBakeSeconds / MAX_EVALUATION_TICKS / 60) * 60;
  return Math.max(policy.evaluationIntervalSeconds, needed);
}

/**
 * The final bake runs at 100% after promotion, and may run on to twice its length while the
 * evidence the plan asks of it is still coming in.
 */
export function finalBakePhase(finalBakeSeconds: number): JudgedPhase {
  return { name: 'Final bake', weight: 100, minBakeSeconds: finalBakeSeconds, maxBakeSeconds: finalBakeSeconds * 2 };
}

function judgedPhasesOf(steps: readonly PlannedStep[], finalBakeSeconds: number): PlannedPhase[] {
  const phases: PlannedPhase[] = steps
    .filter((s) => s.weight > 0)
    .map((s) => ({ phase: 'step', stepIndex: s.index, name: s.name, weight: s.weight, minBakeSeconds: s.minBakeSeconds, maxBakeSeconds: s.maxBakeSeconds }));
  if (finalBakeSeconds > 0) phases.push({ phase: 'final-bake', stepIndex: steps.length - 1, ...finalBakePhase(finalBakeSeconds) });
  return phases;
}

/** The judged phase a cursor is in, or -1 for a step the judge does not hold to a plan (weight 0). */
export function judgedPhaseIndex(plan: Pick<RolloutPlan, 'judgedPhases'>, phase: 'step' | 'final-bake', stepIndex: number): number {
  return plan.judgedPhases.findIndex((p) => p.phase === phase && (phase === 'final-bake' || p.stepIndex === stepIndex));
}

/**
 * The plan with its last step's max bake raised to `maxBakeSeconds` (never lowered), and the
 * duration bound that follows.
 */
export function withLastStepMaxBake(plan: RolloutPlan, maxBakeSeconds: number): RolloutPlan {
  const last = plan.steps.length - 1;
  const extra = Math.max(0, maxBakeSeconds - plan.steps[last].maxBakeSeconds);
  if (extra === 0) return plan;
  const steps = plan.steps.map((s, i) => (i === last ? { ...s, maxBakeSeconds: s.maxBakeSeconds + extra } : s));
  return { ...plan, steps, judgedPhases: judgedPhasesOf(steps, plan.finalBakeSeconds), maxDurationSeconds: plan.maxDurationSeconds + extra };
}
