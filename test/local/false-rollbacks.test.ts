import type { LocalRunResult } from '../../lib/local/local-runner';
import { useLocalRollouts } from '../helpers/local-rollout';
import { newTestRequest } from '../helpers/requests';

const rollouts = useLocalRollouts();

/** Runs one rollout per seed on the real state machine, a few at a time (DynamoDB Local serves them all). */
async function runSeeds(scenario: string, seeds: number[], concurrency = 8): Promise<Map<number, LocalRunResult>> {
  const results = new Map<number, LocalRunResult>();
  const queue = [...seeds];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        const run = await rollouts.run(await rollouts.world({ scenario, seed }), newTestRequest({ strategy: 'progressive' }));
        results.set(seed, run.result);
      }
    }),
  );
  return results;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('the judge over many seeds, on the real state machine', () => {
  it('rolls back at most 1% of healthy progressive rollouts (200 fixed seeds)', async () => {
    const results = await runSeeds('healthy', range(1, 200));

    const rolledBack = [...results].filter(([, r]) => r.outcome !== 'promoted');
    const rate = rolledBack.length / results.size;
    console.log(
      `false-rollback rate: ${(rate * 100).toFixed(1)}% (${rolledBack.length} of ${results.size} healthy rollouts)` +
        (rolledBack.length ? `; seeds ${rolledBack.map(([seed, r]) => `${seed} (${r.endState})`).join(', ')}` : ''),
    );
    expect(results.size).toBe(200);
    expect(rate).toBeLessThanOrEqual(0.01);
  }, 600_000);

  it('rolls back at least 95% of error regressions on a failed verdict (50 fixed seeds)', async () => {
    const results = await runSeeds('error-regression', range(1001, 50));

    const caught = [...results.values()].filter((r) => r.endState === 'RolledBackOnFailedVerdict').length;
    console.log(`error regressions caught: ${caught} of ${results.size}`);
    expect(caught / results.size).toBeGreaterThanOrEqual(0.95);
  }, 600_000);
});
