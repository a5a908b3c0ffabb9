import type { StrategyInput } from '../../../lib/domain/strategies';
import type { BenchWorld, RolloutFigures } from '../world';
import { runAnytimeValid } from './anytime-valid';
import { runArgo } from './argo';
import { runCodeDeploy } from './codedeploy';
import { runFledge } from './fledge';
import { runFlagger } from './flagger';
import { runKayenta } from './kayenta';

/** One policy of the benchmark. Peers are paired with fledge run on their own schedule. */
export interface BenchPolicy {
  readonly id: string;
  readonly label: string;
  /** The fledge run on the same schedule, for a like-for-like comparison. */
  readonly pairedWith?: string;
  run(world: BenchWorld): Promise<RolloutFigures>;
}

const M = 60;

/** fledge on a peer's schedule: its weights and minimum durations, then a judged 100% step (5 minutes to 2 hours, as fledge's presets may stretch to). */
function onSchedule(weights: readonly number[], minMinutes: readonly number[], maxMinutes: number): StrategyInput {
  return {
    steps: [
      ...weights.map((weight, i) => ({ name: `Step ${weight}%`, weight, minBakeSeconds: minMinutes[i] * M, maxBakeSeconds: Math.max(minMinutes[i], maxMinutes) * M })),
      // The peers stop watching at 100%; fledge keeps judging there, as its own presets do.
      { name: 'Complete', weight: 100, minBakeSeconds: 5 * M, maxBakeSeconds: 120 * M },
    ],
  };
}

const SCHEDULES = {
  'codedeploy-canary': onSchedule([10], [5], 20),
  'codedeploy-linear': onSchedule([10, 20, 30, 40, 50, 60, 70, 80, 90], [1, 1, 1, 1, 1, 1, 1, 1, 1], 10),
  flagger: onSchedule([10, 20, 30, 40, 50], [1, 1, 1, 1, 2], 10),
  argo: onSchedule([10, 25, 50, 75], [5, 5, 5, 5], 20),
  kayenta: onSchedule([10], [30], 60),
} satisfies Record<string, StrategyInput>;

export const POLICIES: readonly BenchPolicy[] = [
  { id: 'fledge', label: 'fledge (progressive)', run: (w) => runFledge(w, 'progressive') },
  { id: 'anytime-valid', label: 'anytime-valid count test', pairedWith: 'fledge', run: runAnytimeValid },
  { id: 'fledge@codedeploy-canary', label: 'fledge on Canary10Percent5Minutes', run: (w) => runFledge(w, SCHEDULES['codedeploy-canary']) },
  {
    id: 'codedeploy-canary-1of1',
    label: 'CodeDeploy canary, alarm 1 of 1',
    pairedWith: 'fledge@codedeploy-canary',
    run: (w) => runCodeDeploy(w, { config: 'canary-10-5m', datapointsToAlarm: 1, evaluationPeriods: 1 }),
  },
  {
    id: 'codedeploy-canary-3of3',
    label: 'CodeDeploy canary, alarm 3 of 3',
    pairedWith: 'fledge@codedeploy-canary',
    run: (w) => runCodeDeploy(w, { config: 'canary-10-5m', datapointsToAlarm: 3, evaluationPeriods: 3 }),
  },
  { id: 'fledge@codedeploy-linear', label: 'fledge on Linear10PercentEvery1Minute', run: (w) => runFledge(w, SCHEDULES['codedeploy-linear']) },
  {
    id: 'codedeploy-linear-1of1',
    label: 'CodeDeploy linear, alarm 1 of 1',
    pairedWith: 'fledge@codedeploy-linear',
    run: (w) => runCodeDeploy(w, { config: 'linear-10-every-1m', datapointsToAlarm: 1, evaluationPeriods: 1 }),
  },
  {
    id: 'codedeploy-linear-3of3',
    label: 'CodeDeploy linear, alarm 3 of 3',
    pairedWith: 'fledge@codedeploy-linear',
    run: (w) => runCodeDeploy(w, { config: 'linear-10-every-1m', datapointsToAlarm: 3, evaluationPeriods: 3 }),
  },
  { id: 'fledge@flagger', label: 'fledge on Flagger’s schedule', run: (w) => runFledge(w, SCHEDULES.flagger) },
  { id: 'flagger', label: 'Flagger', pairedWith: 'fledge@flagger', run: runFlagger },
  { id: 'fledge@argo', label: 'fledge on Argo Rollouts’ schedule', run: (w) => runFledge(w, SCHEDULES.argo) },
  { id: 'argo', label: 'Argo Rollouts', pairedWith: 'fledge@argo', run: runArgo },
  { id: 'fledge@kayenta', label: 'fledge on Kayenta’s schedule', run: (w) => runFledge(w, SCHEDULES.kayenta) },
  { id: 'kayenta', label: 'Kayenta', pairedWith: 'fledge@kayenta', run: runKayenta },
];

export function policyById(id: string): BenchPolicy {
  const p = POLICIES.find((x) => x.id === id);
  if (!p) throw new Error(`unknown policy ${id}: use one of ${POLICIES.map((x) => x.id).join(', ')}`);
  return p;
}
