import { MINUTE_MS } from '../../../lib/domain/clock';
import { rolloutFigures, type BenchWorld, type RolloutFigures } from '../world';
import { aliasMinutes, setWeight } from './metric-reads';

/**
 * AWS CodeDeploy for Lambda, rolled back by a CloudWatch alarm on the alias's error rate.
 *
 * Rules (CodeDeploy and CloudWatch user guides; SAM's "Gradual deployments"):
 * - `LambdaCanary10Percent5Minutes`: 10% at once, 100% five minutes later.
 *   `LambdaLinear10PercentEvery1Minute`: +10% every minute, 100% after nine (AWS's prose says "about ten").
 * - The alarm is metric math Errors / Invocations on `Resource=function:alias` (both versions), period 60 s,
 *   threshold 1%, `DatapointsToAlarm` M of `EvaluationPeriods` N, missing data treated as missing.
 * - CloudWatch evaluates it every minute on the data it has at that moment: the newest minutes are still
 *   filling, so a datapoint is partial until the metrics have arrived (their delay is the alarm's).
 * - While the deployment runs, CodeDeploy rolls the alias back at once when the alarm is in ALARM; an alarm
 *   already in ALARM at the start stops it. Once the last shift is done the deployment has succeeded and
 *   nothing watches it any more. How often CodeDeploy polls is not documented: it is taken as every
 *   alarm evaluation, which favours it.
 */
export interface CodeDeployOptions {
  readonly config: 'canary-10-5m' | 'linear-10-every-1m';
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
}

const THRESHOLD = 0.01;

export async function runCodeDeploy(world: BenchWorld, options: CodeDeployOptions): Promise<RolloutFigures> {
  const captured = await world.router.capture(world.target);
  const schedule = options.config === 'canary-10-5m' ? [10, 10, 10, 10, 10] : [10, 20, 30, 40, 50, 60, 70, 80, 90];
  for (let minute = 0; ; minute++) {
    if (alarmFires(world, options)) return stop(world, captured, minute === 0 ? 'refused' : 'failed');
    if (minute >= schedule.length) {
      await setWeight(world, captured, 100);
      return rolloutFigures(world, 'promoted');
    }
    await setWeight(world, captured, schedule[minute]);
    world.advanceSeconds(60);
  }
}

async function stop(world: BenchWorld, captured: Awaited<ReturnType<BenchWorld['router']['capture']>>, ending: 'refused' | 'failed'): Promise<RolloutFigures> {
  if (ending === 'failed') await world.router.restore(world.target, captured);
  return rolloutFigures(world, ending);
}

/** ALARM when at least M of the newest N minutes with data (ended, as far as they have arrived) breach the threshold. */
export function alarmFires(world: BenchWorld, options: Pick<CodeDeployOptions, 'datapointsToAlarm' | 'evaluationPeriods'>): boolean {
  const now = world.clock.now().getTime();
  const lastEnded = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  // CloudWatch reaches further back than N periods when recent ones have no data (its evaluation range).
  const points = aliasMinutes(world, new Date(lastEnded - (options.evaluationPeriods + 5) * MINUTE_MS), new Date(lastEnded))
    .filter((m) => m.requests > 0)
    .slice(-options.evaluationPeriods);
  const breaching = points.filter((m) => m.errors / m.requests > THRESHOLD).length;
  return breaching >= options.datapointsToAlarm;
}
