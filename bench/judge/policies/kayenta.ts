import type { MinuteAggregate } from '../../../lib/domain/aggregates';
import { MINUTE_MS } from '../../../lib/domain/clock';
import { normalQuantile } from '../../../lib/domain/normal';
import { rolloutFigures, type BenchWorld, type RolloutFigures } from '../world';
import { METRIC_DELAY_MS, setWeight, visibleMinutes } from './metric-reads';

/**
 * Spinnaker Kayenta's canary judge (spinnaker/kayenta, kayenta-judge: NetflixACAJudge and its
 * Mann-Whitney classifier; Spinnaker docs "Canary analysis"): one judgement of a 30-minute canary,
 * on one point a minute per metric for the canary and the baseline.
 *
 * Per metric: the Hodges-Lehmann shift of canary minus baseline and its 98% confidence interval
 * (normal approximation); High when the interval's lower end lies above 0.25 × |shift| (the
 * tolerance is relative to the shift itself), Low when its upper end lies below −0.25 × |shift|,
 * otherwise Pass. NaN points are removed; a metric with no points is Nodata. The score is the
 * share of metrics that pass (Nodata left out, and 0 if half or more are Nodata); at most 75
 * (marginal) fails, at least 95 passes. Metrics here: error rate and p99 latency, direction
 * "increase". The canary carries 10% while it runs; the judgement reads the window once it is
 * whole in CloudWatch, then the release goes to 100% or back.
 */
const LIFETIME_MINUTES = 30;
const WEIGHT = 10;
const CONFIDENCE = 0.98;
const TOLERANCE = 0.25;
const MARGINAL = 75;
const PASS = 95;

export type Classification = 'High' | 'Low' | 'Pass' | 'Nodata';

export async function runKayenta(world: BenchWorld): Promise<RolloutFigures> {
  const captured = await world.router.capture(world.target);
  await setWeight(world, captured, WEIGHT);
  const from = new Date(Math.ceil(world.clock.now().getTime() / MINUTE_MS) * MINUTE_MS);
  const to = new Date(from.getTime() + LIFETIME_MINUTES * MINUTE_MS);
  world.advanceSeconds((to.getTime() + METRIC_DELAY_MS - world.clock.now().getTime()) / 1000);
  const canary = visibleMinutes(world, 'canary', from, to);
  const baseline = visibleMinutes(world, 'baseline', from, to);
  const metrics = [
    classify(points(canary, errorRate), points(baseline, errorRate)),
    classify(points(canary, (m) => m.p99Ms), points(baseline, (m) => m.p99Ms)),
  ];
  if (score(metrics) >= PASS) {
    await setWeight(world, captured, 100);
    return rolloutFigures(world, 'promoted');
  }
  await world.router.restore(world.target, captured);
  return rolloutFigures(world, score(metrics) <= MARGINAL ? 'failed' : 'inconclusive');
}

const errorRate = (m: MinuteAggregate) => (m.requests > 0 ? m.errors / m.requests : undefined);

function points(series: readonly MinuteAggregate[], value: (m: MinuteAggregate) => number | undefined): number[] {
  return series.map(value).filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** Mann-Whitney with a Hodges-Lehmann interval, direction "increase". */
export function classify(canary: readonly number[], baseline: readonly number[]): Classification {
  if (canary.length === 0 || baseline.length === 0) return 'Nodata';
  const diffs: number[] = [];
  for (const x of canary) for (const y of baseline) diffs.push(x - y);
  diffs.sort((a, b) => a - b);
  if (diffs[0] === diffs[diffs.length - 1]) return 'Pass';
  const n1 = canary.length;
  const n2 = baseline.length;
  const mid = diffs.length / 2;
  const shift = diffs.length % 2 ? diffs[Math.floor(mid)] : (diffs[mid - 1] + diffs[mid]) / 2;
  const z = normalQuantile(1 - (1 - CONFIDENCE) / 2);
  const k = Math.max(0, Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12)));
  const lower = diffs[Math.min(k, diffs.length - 1)];
  const upper = diffs[Math.max(0, diffs.length - 1 - k)];
  const margin = TOLERANCE * Math.abs(shift);
  if (lower > margin) return 'High';
  if (upper < -margin) return 'Low';
  return 'Pass';
}

/** Increases are what fails; a metric that got lower passes. */
export function score(metrics: readonly Classification[]): number {
  const judged = metrics.filter((m) => m !== 'Nodata');
  if (metrics.length === 0 || metrics.length - judged.length >= metrics.length / 2) return 0;
  return (100 * judged.filter((m) => m !== 'High').length) / judged.length;
}
