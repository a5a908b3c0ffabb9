import type { StrategyInput } from '../../../lib/domain/strategies';
import type { BenchWorld, RolloutFigures } from '../world';
import { runAnytimeValid } from './anytime-valid';
import { runArgo } from './argo';
import { runCodeDeploy, type CodeDeployOptions } from './codedeploy';
import { runFledge } from './fledge';
import { runFlagger } from './flagger';
import { runKayenta } from './kayenta';

/** One policy of the benchmark. Peers are paired with fledge run on their own schedule. */
export interface BenchPolicy {
  readonly id: string;
  readonly label: string;
  /** The fledge run on the same schedule, for a like-for-like comparison. */
  readonly pairedWith?: string;
  /** Its rules in one line, for the report. */
  readonly rules: string;
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

/** A CodeDeploy configuration with the two alarms users set up: 1 of 1 and 3 of 3 datapoints. */
function codeDeployAlarms(config: CodeDeployOptions['config'], id: string, label: string): BenchPolicy[] {
  return [1, 3].map((n) => ({
    id: `${id}-${n}of${n}`,
    label: `${label}, alarm ${n} of ${n}`,
    pairedWith: `fledge@${id}`,
    rules: `${config === 'canary-10-5m' ? '10% for 5 min, then 100%' : '+10% every minute, 100% after 9'}; rolls back while shifting when the alias error rate is above 1% in ${n} of the newest ${n} one-minute datapoints CloudWatch has; nothing watches after 100%`,
    run: (w: BenchWorld) => runCodeDeploy(w, { config, datapointsToAlarm: n, evaluationPeriods: n }),
  }));
}

export const POLICIES: readonly BenchPolicy[] = [
  { id: 'fledge', label: 'fledge (progressive)', rules: 'the default strategy and policy: 0, 1, 5, 25, 75, 100%, each step held to the plan preflight sizes to the traffic', run: (w) => runFledge(w, 'progressive') },
  { id: 'anytime-valid', label: 'anytime-valid count test', pairedWith: 'fledge', rules: 'Lindon & Malek’s Beta-mixture test of which version each error or slow request came from, one factor per step, α 1%; on the 1, 5, 25, 75% ladder, 5 min each, passing when the time is up', run: runAnytimeValid },
  { id: 'fledge@codedeploy-canary', label: 'fledge on Canary10Percent5Minutes', rules: '10% (5–20 min), then 100% judged (5–120 min)', run: (w) => runFledge(w, SCHEDULES['codedeploy-canary']) },
  ...codeDeployAlarms('canary-10-5m', 'codedeploy-canary', 'CodeDeploy canary'),
  { id: 'fledge@codedeploy-linear', label: 'fledge on Linear10PercentEvery1Minute', rules: '10, 20, … 90% (1–10 min each), then 100% judged (5–120 min)', run: (w) => runFledge(w, SCHEDULES['codedeploy-linear']) },
  ...codeDeployAlarms('linear-10-every-1m', 'codedeploy-linear', 'CodeDeploy linear'),
  { id: 'fledge@flagger', label: 'fledge on Flagger’s schedule', rules: '10, 20, 30, 40% (1–10 min), 50% (2–10 min), then 100% judged (5–120 min)', run: (w) => runFledge(w, SCHEDULES.flagger) },
  { id: 'flagger', label: 'Flagger', pairedWith: 'fledge@flagger', rules: 'every minute: success rate ≥ 99% and p99 ≤ 500 ms on the newest datapoint, else a failed check (no data fails too); +10% on a pass up to 50%, then promotion; rollback at 5 failed checks', run: runFlagger },
  { id: 'fledge@argo', label: 'fledge on Argo Rollouts’ schedule', rules: '10, 25, 50, 75% (5–20 min each), then 100% judged (5–120 min)', run: (w) => runFledge(w, SCHEDULES.argo) },
  { id: 'argo', label: 'Argo Rollouts', pairedWith: 'fledge@argo', rules: 'setWeight 10, 25, 50, 75 with 5-minute pauses; background analysis every minute after a 3-minute initial delay, error rate < 1% (no data fails), abort on the 4th failure', run: runArgo },
  { id: 'fledge@kayenta', label: 'fledge on Kayenta’s schedule', rules: '10% (30–60 min), then 100% judged (5–120 min)', run: (w) => runFledge(w, SCHEDULES.kayenta) },
  { id: 'kayenta', label: 'Kayenta', pairedWith: 'fledge@kayenta', rules: '10% for 30 min, then one Mann-Whitney judgement of per-minute error rate and p99 (98% confidence, 25% of the shift as tolerance); promotion at a score of 95', run: runKayenta },
];

export function policyById(id: string): BenchPolicy {
  const p = POLICIES.find((x) => x.id === id);
  if (!p) throw new Error(`unknown policy ${id}: use one of ${POLICIES.map((x) => x.id).join(', ')}`);
  return p;
}
