import { installPolyfills, silenceSdkNodeWarning } from './lib/local/polyfills';
installPolyfills(); silenceSdkNodeWarning();
import { scenarioByName } from './lib/local/fleet';
import { createLocalWorld, withDynamoDbLocal } from './lib/local/local-environment';
import { runLocalRollout } from './lib/local/local-runner';
async function main() {
  await withDynamoDbLocal(async (local) => {
    const model = scenarioByName('healthy');
    let next = 1; const N = 60;
    await Promise.all(Array.from({ length: 8 }, async () => { while (next <= N) { const seed = next++;
      const w = await createLocalWorld({ client: local.client, model, seed });
      const r = await runLocalRollout({ request: { targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }], strategy: 'progressive' }, deps: w.deps, clock: w.clock });
      if (r.outcome !== 'promoted') { const rec = await w.ledger.getRollout(r.rolloutId!); console.log(seed, r.endState, rec?.outcome?.reason); }
    } }));
  });
}
void main();
