import { countTestsPerStep } from '../../../lib/domain/judge';
import { DEFAULT_POLICY } from '../../../lib/domain/policy';
import type { VerdictValue } from '../../../lib/domain/verdict';
import { mulberry32 } from '../../helpers/prng';
import { HEALTHY, simulateStep, type StepSimulation } from './fixtures';

/**
 * Calibration by Monte Carlo: the judge's promises (DESIGN §2) measured on simulated traffic.
 * Budget: 1% false rollbacks per healthy rollout, split over 4 signals × 6 steps.
 */
const STEPS = 6;
const ALPHA = DEFAULT_POLICY.falseRollbackBudget / (countTestsPerStep(DEFAULT_POLICY, 1) * STEPS);

const TEN_PERCENT_STEP: StepSimulation = {
  totalRps: 200,
  canaryShare: 0.1,
  baseline: HEALTHY,
  canary: HEALTHY,
  alphaPerTest: ALPHA,
  minBakeMinutes: 5,
  maxBakeMinutes: 30,
};

function tally(runs: number, seed: number, simulate: (rand: () => number) => VerdictValue): Record<VerdictValue, number> {
  const rand = mulberry32(seed);
  const counts: Record<VerdictValue, number> = { pass: 0, continue: 0, fail: 0, inconclusive: 0, error: 0 };
  for (let i = 0; i < runs; i++) counts[simulate(rand)] += 1;
  return counts;
}

function report(label: string, runs: number, counts: Record<VerdictValue, number>): void {
  const rate = (n: number) => `${((100 * n) / runs).toFixed(2)}%`;
  console.log(`${label} (${runs} runs): fail ${rate(counts.fail)}, pass ${rate(counts.pass)}, inconclusive ${rate(counts.inconclusive)}, error ${rate(counts.error)}`);
}

describe('judge calibration (Monte Carlo)', () => {
  it('splits the 1% budget over 4 sequential tests per target and step', () => {
    expect(ALPHA).toBeCloseTo(0.01 / 24, 12);
  });

  it('rolls back well under 1% of healthy 10% steps, even when it keeps looking for 30 minutes after a pass', () => {
    const runs = 1000;
    const counts = tally(runs, 1, (rand) => simulateStep(rand, { ...TEN_PERCENT_STEP, lookPastPass: true }).value);
    report('healthy 10% step, 200 rps, 30 looks', runs, counts);
    expect(counts.error).toBe(0);
    expect(counts.fail / runs).toBeLessThanOrEqual(0.01);
    expect(counts.pass / runs).toBeGreaterThan(0.95);
  });

  it('rolls back well under 1% of healthy rollouts over the whole 1–5–25–75–100% ladder', () => {
    const runs = 1000;
    const ladder = [0.01, 0.05, 0.25, 0.75, 1];
    const counts = tally(runs, 2, (rand) => {
      for (const canaryShare of ladder) {
        const value = simulateStep(rand, { ...TEN_PERCENT_STEP, canaryShare }).value;
        if (value !== 'pass') return value;
      }
      return 'pass';
    });
    report('healthy rollout, 200 rps, 5 judged steps', runs, counts);
    expect(counts.error).toBe(0);
    expect(counts.fail / runs).toBeLessThanOrEqual(0.01);
  });

  it('rolls back well under 1% of healthy 10% steps at low traffic (10 rps, 1% errors)', () => {
    const runs = 1000;
    const quiet = { ...HEALTHY, errorRate: 0.01 };
    const counts = tally(runs, 3, (rand) => simulateStep(rand, { ...TEN_PERCENT_STEP, totalRps: 10, baseline: quiet, canary: quiet, lookPastPass: true }).value);
    report('healthy 10% step, 10 rps, 1% errors, 30 looks', runs, counts);
    expect(counts.error).toBe(0);
    expect(counts.fail / runs).toBeLessThanOrEqual(0.01);
  });

  it('fails at least 95% of 10% steps whose canary has 3× the errors, within 30 minutes', () => {
    const runs = 1000;
    const counts = tally(runs, 4, (rand) => simulateStep(rand, { ...TEN_PERCENT_STEP, canary: { ...HEALTHY, errorRate: 0.015 } }).value);
    report('3× error regression, 10% step, 200 rps', runs, counts);
    expect(counts.fail / runs).toBeGreaterThanOrEqual(0.95);
  });

  it('fails at least 95% of 10% steps whose canary is slow (3% of requests above the threshold)', () => {
    const runs = 500;
    const counts = tally(runs, 5, (rand) => simulateStep(rand, { ...TEN_PERCENT_STEP, canary: { ...HEALTHY, slowRate: 0.03, p99Ms: 330 } }).value);
    report('latency regression, 10% step, 200 rps', runs, counts);
    expect(counts.fail / runs).toBeGreaterThanOrEqual(0.95);
  });

  it('fails at least 95% of 75% steps whose canary has 3× the errors, where the baseline is the smaller cohort', () => {
    const runs = 500;
    const counts = tally(runs, 6, (rand) => simulateStep(rand, { ...TEN_PERCENT_STEP, canaryShare: 0.75, canary: { ...HEALTHY, errorRate: 0.015 } }).value);
    report('3× error regression, 75% step, 200 rps', runs, counts);
    expect(counts.fail / runs).toBeGreaterThanOrEqual(0.95);
  });
});
