import { rolloutFigures, type BenchWorld, type RolloutFigures } from '../world';
import { METRIC_DELAY_MS, newestDatapoint, setWeight } from './metric-reads';

/**
 * Argo Rollouts' canary with a background analysis (argoproj/argo-rollouts, rollout/canary.go and
 * analysis/analysis.go; docs "Canary" and "Analysis"), as its examples set it up: setWeight 10, 25,
 * 50 and 75 with a 5-minute pause after each, then full promotion; an AnalysisRun from the first
 * step measures the new version's error rate every minute, `successCondition: result[0] < 0.01`,
 * `failureLimit: 3`, with `initialDelay` set to CloudWatch's delay (3m), as users do so that the
 * first measurement has data.
 *
 * A measurement with no datapoint compares NaN and fails (a success condition alone turns NaN
 * into Failed). The run fails when failed measurements exceed
 * the limit (the 4th), and the rollout aborts at once: all traffic back on the stable version.
 */
const STEPS = [10, 25, 50, 75];
const PAUSE_MINUTES = 5;
const FAILURE_LIMIT = 3;
const MAX_ERROR_RATE = 0.01;
const INITIAL_DELAY_MINUTES = METRIC_DELAY_MS / 60_000;

export async function runArgo(world: BenchWorld): Promise<RolloutFigures> {
  const captured = await world.router.capture(world.target);
  let failed = 0;
  for (let minute = 0; ; minute++) {
    if (minute > 0) world.advanceSeconds(60);
    const step = Math.floor(minute / PAUSE_MINUTES);
    if (step >= STEPS.length) {
      await setWeight(world, captured, 100);
      return rolloutFigures(world, 'promoted');
    }
    if (minute % PAUSE_MINUTES === 0) await setWeight(world, captured, STEPS[step]);
    if (minute >= INITIAL_DELAY_MINUTES && !measurementSucceeds(world) && ++failed > FAILURE_LIMIT) {
      await world.router.restore(world.target, captured);
      return rolloutFigures(world, 'failed');
    }
  }
}

function measurementSucceeds(world: BenchWorld): boolean {
  const m = newestDatapoint(world, 'canary');
  if (!m || m.requests === 0) return false;
  return m.errors / m.requests < MAX_ERROR_RATE;
}
