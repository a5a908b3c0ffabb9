import { INVALID_REQUESTS } from '../helpers/invalid-requests';
import { useLocalRollouts } from '../helpers/local-rollout';

const rollouts = useLocalRollouts();

describe('preflight, run on the real state machine definition', () => {
  it(`refuses each of ${INVALID_REQUESTS.length} malformed requests, naming the field, before any traffic moves`, async () => {
    expect(INVALID_REQUESTS.length).toBeGreaterThanOrEqual(15);
    const w = await rollouts.world();
    const alias = w.fleet.register({ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' });

    for (const [what, request, field] of INVALID_REQUESTS) {
      const run = await rollouts.run(w, request);
      expect({ what, ...run.result }).toMatchObject({ what, outcome: 'rejected', endState: 'PreflightRejected', error: 'ValidationError' });
      expect({ what, cause: run.result.cause }).toEqual({ what, cause: expect.stringContaining(`${field}: `) });
      expect(run.result.statesEntered).toEqual(['Preflight', 'PreflightRejected']);
    }
    // Nothing moved: the alias only ever had its initial state, and no lock was taken.
    expect(w.fleet.history(alias).map((h) => h.cause)).toEqual(['initial']);
    expect(await w.ledger.getLock(alias)).toBeUndefined();
  });
});
