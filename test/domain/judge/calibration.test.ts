import { judge, type JudgeInput, type TargetWindow } from '../../../lib/domain/judge';
import type { MinuteAggregate } from '../../../lib/domain/aggregates';
import { planTarget, type JudgedPhase, type TargetPlan } from '../../../lib/domain/judge';
import { DEFAULT_POLICY } from '../../../lib/domain/policy';
import { mulberry32, poisson } from '../../helpers/prng';
import { historyAt } from '../../helpers/traffic-history';
import { minuteAt } from './fixtures';

/**
 * Small seeded checks of the judge's promises on simulated counts, minute by minute through a
 * 1–5–25–75–100% ladder: few enough runs for the suite, enough that a broken judge fails them.
 * The full sweep (every traffic level, every peer) is `npm run bench -- judge`.
 */
const LADDER: JudgedPhase[] = [1, 5, 25, 75, 100].map((weight) => ({ name: `${weight}%`, weight, minBakeSeconds: 300, maxBakeSeconds: weight === 100 ? 3600 : 1200 }));

interface Run {
  readonly rps: number;
  /** The new version's error rate; the stable one's is 0.5%. */
  readonly canaryErrorRate: number;
}

type Ending = 'promoted' | 'fail' | 'inconclusive' | 'error';

/** One rollout: every minute, both versions' counts (Poisson), judged as the controller does. */
function rollout(rand: () => number, run: Run, plan: TargetPlan): Ending {
  const history = historyAt(run.rps);
  const canary: MinuteAggregate[] = [];
  const baseline: MinuteAggregate[] = [];
  const starts: string[] = [];
  let minute = 0;
  for (let phase = 0; phase < LADDER.length; phase++) {
    const step = LADDER[phase];
    starts.push(minuteAt(minute));
    for (let elapsed = 1; elapsed * 60 <= step.maxBakeSeconds; elapsed++, minute++) {
      const total = poisson(rand, run.rps * 60);
      const toCanary = Math.round((total * step.weight) / 100);
      const cohort = (requests: number, errorRate: number): MinuteAggregate => ({ minute: minuteAt(minute), requests, errors: poisson(rand, requests * errorRate), throttles: 0, slowRequests: 0 });
      if (toCanary > 0) canary.push(cohort(toCanary, run.canaryErrorRate));
      if (total - toCanary > 0) baseline.push(cohort(total - toCanary, 0.005));
      const window: TargetWindow = {
        targetKey: 'lambda:sim:live',
        canary,
        baseline,
        expectedCanaryShare: step.weight / 100,
        phaseStart: starts[phase],
        judgedStarts: starts,
        history,
        plan: { judgedPhases: LADDER.length, signals: { errors: { stableRate: plan.signals.errors!.stableRate, critical: plan.signals.errors!.critical, ...plan.signals.errors!.phases[phase] } } },
      };
      const input: JudgeInput = { policy: ERRORS_ONLY, step, elapsedSeconds: elapsed * 60, targets: [window] };
      const verdict = judge(input).value;
      if (verdict === 'pass') break;
      if (verdict !== 'continue') return verdict;
    }
  }
  return 'promoted';
}

const ERRORS_ONLY = { ...DEFAULT_POLICY, latency: { ...DEFAULT_POLICY.latency, enabled: false }, traffic: { ...DEFAULT_POLICY.traffic, enabled: false }, saturation: { ...DEFAULT_POLICY.saturation, enabled: false } };

function tally(runs: number, seed: number, run: Run): Record<Ending, number> {
  const rand = mulberry32(seed);
  const plan = planTarget('lambda:sim:live', DEFAULT_POLICY, LADDER, historyAt(run.rps), 1);
  const counts: Record<Ending, number> = { promoted: 0, fail: 0, inconclusive: 0, error: 0 };
  for (let i = 0; i < runs; i++) counts[rollout(rand, run, plan)] += 1;
  return counts;
}

describe('judge calibration (seeded Monte Carlo)', () => {
  it('promotes healthy releases at 50 rps, rolling back at most 1% of them', () => {
    const counts = tally(300, 1, { rps: 50, canaryErrorRate: 0.005 });
    expect(counts.error).toBe(0);
    expect((counts.fail + counts.inconclusive) / 300).toBeLessThanOrEqual(0.01);
  });

  it('promotes healthy releases at 10 rps too, where the old judge rolled every one back', () => {
    const counts = tally(150, 2, { rps: 10, canaryErrorRate: 0.005 });
    expect((counts.fail + counts.inconclusive) / 150).toBeLessThanOrEqual(0.02);
  });

  it('catches at least 95% of releases at the critical regression (twice the errors)', () => {
    const counts = tally(150, 3, { rps: 50, canaryErrorRate: 0.01 });
    expect(counts.promoted / 150).toBeLessThanOrEqual(0.05);
  });

  it('fails (not merely times out) every release with five times the errors', () => {
    const counts = tally(100, 4, { rps: 10, canaryErrorRate: 0.025 });
    expect(counts.fail).toBe(100);
  });
});
