import { countTestsPerStep } from './judge';
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
  /** α of each sequential test: the false-rollback budget split over every test of every judged step. */
  readonly alphaPerTest: number;
  /** Upper bound of the rollout's duration; the target locks expire after it. */
  readonly maxDurationSeconds: number;
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

export function planRollout(request: RolloutRequest): RolloutPlan {
  const strategy = resolveStrategy(request.strategy);
  const steps = strategy.steps.map((s, index) => ({ ...s, index }));
  const judgedPhases = steps.filter((s) => s.weight > 0).length + (strategy.finalBakeSeconds > 0 ? 1 : 0);
  const totalTests = Math.max(1, judgedPhases) * countTestsPerStep(request.policy, request.targets.length);
  const totalBake = steps.reduce((t, s) => t + s.maxBakeSeconds, 0) + strategy.finalBakeSeconds;
  const approvals = steps.filter((s) => s.approval).length;
  return {
    strategyName: strategy.name,
    steps,
    finalBakeSeconds: strategy.finalBakeSeconds,
    evaluationIntervalSeconds: evaluationInterval(request.policy, totalBake),
    alphaPerTest: request.policy.falseRollbackBudget / totalTests,
    maxDurationSeconds: totalBake + approvals * APPROVAL_TIMEOUT_SECONDS + 3600,
  };
}

/** Widens the interval of very long rollouts so they stay inside the execution-history limit. */
function evaluationInterval(policy: Policy, totalBakeSeconds: number): number {
  const needed = Math.ceil(totalBakeSeconds / MAX_EVALUATION_TICKS / 60) * 60;
  return Math.max(policy.evaluationIntervalSeconds, needed);
}
