import type { RolloutRecord } from '../../../lib/adapters/ledger';
import { measureBaselines } from '../../../lib/controller/baseline-profile';
import { lookAtRollout } from '../../../lib/controller/look';
import { preparePlan } from '../../../lib/controller/prepared-plan';
import type { RolloutContext } from '../../../lib/controller/rollout-context';
import type { Phase } from '../../../lib/domain/cursor';
import { planRollout } from '../../../lib/domain/plan';
import type { PolicyInput } from '../../../lib/domain/policy';
import { parseRolloutRequest } from '../../../lib/domain/rollout-request';
import type { StrategyInput } from '../../../lib/domain/strategies';
import { rolloutFigures, type BenchWorld, type Ending, type RolloutFigures } from '../world';

/** A stop for rollouts that would otherwise run on (a plan with days of bake): far past any preset's longest. */
const MAX_LOOKS = 2000;

/**
 * fledge itself: the real preflight measurement and plan, then the real look (window, one metric
 * batch, judge, decision) every evaluation interval, exactly as the Evaluate handler runs it. What
 * the state machine and the other handlers do between looks (shift, promote, restore through the
 * traffic router) is a few calls, made here in the same order; only the ledger is left out.
 */
export async function runFledge(world: BenchWorld, strategy: StrategyInput, policy: PolicyInput = {}): Promise<RolloutFigures> {
  const request = parseRolloutRequest({ targets: [world.target], strategy, policy });
  const plan = planRollout(request);
  const router = world.router;
  const captured = await router.capture(world.target);
  const targets = [{ target: world.target, captured }];
  const { prepared, shortfalls } = preparePlan(request, plan, await measureBaselines(world.metrics, request.policy, targets, world.clock.now()));
  if (shortfalls.length > 0 && request.policy.insufficientTraffic === 'refuse') return rolloutFigures(world, 'refused');

  const record = { rolloutId: `bench-${world.seed}`, createdAt: world.clock.now().toISOString(), phaseStarts: [] } as unknown as RolloutRecord & { phaseStarts: NonNullable<RolloutRecord['phaseStarts']> };
  const ctx: RolloutContext = { record, request, plan: prepared, targets };
  let stepIndex = -1;
  let phase: Phase = 'step';
  let phaseStartedAt = world.clock.now();

  const startPhase = (next: Phase, index: number, weight: number) => {
    phase = next;
    stepIndex = index;
    phaseStartedAt = world.clock.now();
    record.phaseStarts.push({ phase: next, stepIndex: index, weight, at: phaseStartedAt.toISOString() });
  };
  const shift = async () => {
    const step = plan.steps[stepIndex + 1];
    await router.setWeight(world.target, captured, step.weight, world.fleet.weightAt(world.key, world.clock.now()));
    startPhase('step', stepIndex + 1, step.weight);
  };
  const finish = async (ending: Ending) => {
    if (ending !== 'promoted') await router.restore(world.target, captured);
    return rolloutFigures(world, ending);
  };

  await shift();
  for (let look = 0; look < MAX_LOOKS; look++) {
    world.advanceSeconds(plan.evaluationIntervalSeconds);
    const { next } = await lookAtRollout({ ctx, phase, stepIndex, phaseStartedAt, now: world.clock.now(), metrics: world.metrics, alarms: world.alarms });
    const decision = next.decision === 'await-approval' ? (next.afterApproval ?? 'advance') : next.decision;
    switch (decision) {
      case 'wait':
        continue;
      case 'advance':
        await shift();
        continue;
      case 'promote':
        await router.promote(world.target, captured, world.fleet.weightAt(world.key, world.clock.now()));
        if (plan.finalBakeSeconds <= 0) return finish('promoted');
        startPhase('final-bake', stepIndex, 100);
        continue;
      case 'finalize':
        return finish('promoted');
      case 'rollback':
        return finish(next.rollbackReason === 'inconclusive' ? 'inconclusive' : 'failed');
    }
  }
  return finish('stopped');
}
