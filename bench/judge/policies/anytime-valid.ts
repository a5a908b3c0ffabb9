import { rolloutFigures, type BenchWorld, type RolloutFigures } from '../world';
import { SLOW_THRESHOLD_MS } from '../scenarios';
import { setWeight, visibleMinutes } from './metric-reads';

/**
 * The anytime-valid test for count data of Lindon & Malek ("Anytime-valid inference for multinomial
 * count data", NeurIPS 2022) as Netflix applies it to deployments (Lindon, Sanden & Shirikian,
 * "Rapid regression detection in software deployments through sequential testing", KDD 2022).
 *
 * Given that an event (an error, a slow request) happened, it came from the new version with
 * probability ρ when the versions are alike, ρ being the new version's share of traffic. The test
 * puts a Beta(κρ, κ(1 − ρ)) mixture on that probability (κ = 100, the authors' ports' default),
 * whose Bayes factor against ρ is an e-process; it rejects "no regression" when the Bayes factor
 * reaches 1/α and the new version has more than its share of events. The share changes from step
 * to step, so each step's Bayes factor starts at 1 and the steps' factors multiply, which stays an
 * e-process. The test detects; it does not accept, so a step passes when its time is up.
 *
 * Schedule: fledge's `progressive` ladder at its minimum bakes (1, 5, 25, 75% for 5 minutes each,
 * then 100%); α = 1% shared by errors and slow requests, as fledge's budget is; data as CloudWatch
 * has it each minute, partial minutes included.
 */
const STEPS = [1, 5, 25, 75];
const STEP_MINUTES = 5;
const KAPPA = 100;
const ALPHA_PER_METRIC = 0.005;

interface SegmentCounts {
  readonly share: number;
  readonly from: Date;
}

export async function runAnytimeValid(world: BenchWorld): Promise<RolloutFigures> {
  const captured = await world.router.capture(world.target);
  const segments: SegmentCounts[] = [];
  for (const share of STEPS) {
    await setWeight(world, captured, share);
    segments.push({ share: share / 100, from: world.clock.now() });
    for (let minute = 0; minute < STEP_MINUTES; minute++) {
      world.advanceSeconds(60);
      if (rejects(world, segments)) {
        await world.router.restore(world.target, captured);
        return rolloutFigures(world, 'failed');
      }
    }
  }
  await setWeight(world, captured, 100);
  return rolloutFigures(world, 'promoted');
}

function rejects(world: BenchWorld, segments: readonly SegmentCounts[]): boolean {
  const now = world.clock.now();
  const series = { canary: visibleMinutes(world, 'canary', segments[0].from, now, SLOW_THRESHOLD_MS), baseline: visibleMinutes(world, 'baseline', segments[0].from, now, SLOW_THRESHOLD_MS) };
  // A minute belongs to the last step that began at or before its start (or in it).
  const starts = segments.map((s) => Math.floor(s.from.getTime() / 60_000) * 60_000);
  const segmentOf = (minute: string) => {
    const t = Date.parse(minute);
    let j = 0;
    while (j + 1 < starts.length && starts[j + 1] <= t) j++;
    return j;
  };
  for (const metric of ['errors', 'slowRequests'] as const) {
    const counts = segments.map(() => ({ c: 0, b: 0 }));
    for (const m of series.canary) counts[segmentOf(m.minute)].c += m[metric];
    for (const m of series.baseline) counts[segmentOf(m.minute)].b += m[metric];
    const logBf = counts.reduce((t, { c, b }, i) => t + logBetaBinomialBf(c, b, segments[i].share), 0);
    const current = counts[counts.length - 1];
    const share = segments[segments.length - 1].share;
    const overShare = current.c + current.b > 0 && current.c / (current.c + current.b) > share;
    if (logBf >= Math.log(1 / ALPHA_PER_METRIC) && overShare) return true;
  }
  return false;
}

/** ln of B(κρ + c, κ(1−ρ) + b) / (B(κρ, κ(1−ρ)) ρ^c (1−ρ)^b). */
export function logBetaBinomialBf(c: number, b: number, share: number): number {
  const a0 = KAPPA * share;
  const b0 = KAPPA * (1 - share);
  return logBeta(a0 + c, b0 + b) - logBeta(a0, b0) - c * Math.log(share) - b * Math.log1p(-share);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Lanczos approximation (g = 7, n = 9): ample precision for Bayes factors. */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < g + 2; i++) sum += c[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
