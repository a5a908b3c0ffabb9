import { rolloutFigures, type BenchWorld, type RolloutFigures } from '../world';
import { newestDatapoint, setWeight } from './metric-reads';

/**
 * Flagger's canary analysis (fluxcd/flagger, pkg/controller/scheduler.go and the metric checks of
 * pkg/controller/scheduler_metrics.go; docs "Canary analysis"), with the settings its guides use:
 * interval 1m, stepWeight 10, maxWeight 50, threshold 5; `request-success-rate` ≥ 99 and
 * `request-duration` (p99) ≤ 500 ms, each read from the newest datapoint of the new version.
 *
 * One tick a minute: the first notices the new revision, the next routes 10% without checking.
 * After that each tick first rolls back if failed checks have reached the threshold, then runs the
 * checks: a failing (or empty) check counts one and holds the weight; a passing one raises it, and
 * at maxWeight promotes. Failed checks are never reset. Promotion puts the new code on the primary
 * (100%) one tick later.
 */
const STEP = 10;
const MAX_WEIGHT = 50;
const THRESHOLD = 5;
const MIN_SUCCESS_RATE = 0.99;
const MAX_P99_MS = 500;

export async function runFlagger(world: BenchWorld): Promise<RolloutFigures> {
  const captured = await world.router.capture(world.target);
  let weight = 0;
  let failed = 0;
  let promoting = false;
  for (let tick = 0; ; tick++) {
    if (tick > 0) world.advanceSeconds(60);
    if (tick === 0) continue; // the change is noticed; the canary is scaled up
    if (promoting) {
      await setWeight(world, captured, 100);
      return rolloutFigures(world, 'promoted');
    }
    if (failed >= THRESHOLD) {
      await world.router.restore(world.target, captured);
      return rolloutFigures(world, 'failed');
    }
    if (weight === 0) {
      weight = STEP;
      await setWeight(world, captured, weight);
      continue;
    }
    if (!checksPass(world)) {
      failed++;
      continue;
    }
    if (weight < MAX_WEIGHT) {
      weight = Math.min(weight + STEP, 100);
      await setWeight(world, captured, weight);
    } else {
      promoting = true;
    }
  }
}

function checksPass(world: BenchWorld): boolean {
  const m = newestDatapoint(world, 'canary');
  // No requests gives NaN: Flagger counts it as a failed check.
  if (!m || m.requests === 0) return false;
  const success = 1 - m.errors / m.requests;
  return success >= MIN_SUCCESS_RATE && (m.p99Ms ?? Infinity) <= MAX_P99_MS;
}
