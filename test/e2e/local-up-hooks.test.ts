import { join } from 'node:path';
import { localUp } from '../../lib/cli/local-up';
import { UsageError } from '../../lib/cli/errors';
import { runCli } from '../../lib/cli/run-cli';
import { startLocalEndpoint, type LocalEndpoint } from '../../lib/local/endpoint/local-endpoint';
import { scenarioByName } from '../../lib/local/fleet';
import { LocalHookFunctions, parseLocalSection } from '../../lib/local/hooks/local-hooks';
import { captureIo } from '../helpers/cli';
import { writeJsonFiles } from '../helpers/local-endpoint-process';

/**
 * A pipeline against a local controller whose hook functions come from a request file's local
 * section (`fledge local up --hooks`): `fledge start --wait` runs them, shows them, and exits with
 * the outcome they lead to.
 */
const QUICK = { steps: [{ weight: 50, minBakeSeconds: 120, maxBakeSeconds: 1800 }] };
const target = (functionName: string) => ({ kind: 'lambda-alias', functionName, alias: 'live', newVersion: '2' });
const files = writeJsonFiles({
  'passes.json': { targets: [target('hooked-ok')], strategy: QUICK, hooks: { preTraffic: { functionName: 'orders-check' }, postTraffic: { functionName: 'orders-journey' } } },
  'fails.json': { targets: [target('hooked-bad')], strategy: QUICK, hooks: { postTraffic: { functionName: 'orders-broken' } } },
  'unknown.json': { targets: [target('hooked-unknown')], strategy: QUICK, hooks: { preTraffic: { functionName: 'orders-nowhere' } } },
  'no-local.json': { targets: [target('x')], strategy: QUICK },
});
let endpoint: LocalEndpoint;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const local = parseLocalSection(
    {
      hooks: {
        'orders-check': { module: './recording-hook.cjs' },
        'orders-journey': { simulate: 'Succeeded', reason: 'journey passed', durationSeconds: 30 },
        'orders-broken': { simulate: 'Failed', reason: 'checkout answered 500' },
      },
    },
    'test',
  );
  const hooks = await LocalHookFunctions.load(local, join(__dirname, '../helpers/hook-functions'));
  // Not faster: a loaded machine's pauses would become virtual minutes (see pipeline-cli.test.ts).
  endpoint = await startLocalEndpoint({ port: 0, speed: 300, model: scenarioByName('healthy'), hooks });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('FLEDGE_')) delete process.env[key];
  Object.assign(process.env, { FLEDGE_ENDPOINT_URL: endpoint.url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await endpoint?.close();
});

async function fledge(...args: string[]) {
  const io = captureIo();
  const code = await runCli(['node', 'fledge', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('fledge start --wait on a local controller with hook functions', () => {
  it('runs both hooks, shows them in the timeline, and exits 0 when promoted', async () => {
    const run = await fledge('start', files['passes.json'], '--wait');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/pre-traffic hook orders-check succeeded: checked 1 target\(s\)/);
    // At 300x the overhead around the 30 simulated seconds shows as virtual time too.
    expect(run.out).toMatch(/post-traffic hook orders-journey succeeded: journey passed \(\d+(\.\d)? s\)/);
    expect(run.out.indexOf('pre-traffic hook orders-check succeeded')).toBeLessThan(run.out.indexOf('── step 1/1'));
  });

  it('exits 1 when the post-traffic hook fails, with the alias back on its stable version', async () => {
    const run = await fledge('start', files['fails.json'], '--wait');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/post-traffic hook orders-broken failed: checkout answered 500/);
    expect(endpoint.fleet.state('lambda:hooked-bad:live')).toMatchObject({ functionVersion: '1', additionalVersion: null });
  });

  it('exits 2 when a hook is not one the local controller knows: refused at preflight', async () => {
    const run = await fledge('start', files['unknown.json'], '--wait');
    expect(run.code).toBe(2);
    expect(`${run.out}\n${run.err}`).toMatch(/hooks\.preTraffic\.functionName: "orders-nowhere" not found/);
  });
});

describe('fledge local up --hooks', () => {
  it('refuses a file without a local section, before starting anything', async () => {
    await expect(localUp({ port: 0, hooks: files['no-local.json'], until: Promise.resolve() }, captureIo())).rejects.toThrow(UsageError);
    await expect(localUp({ port: 0, hooks: files['no-local.json'], until: Promise.resolve() }, captureIo())).rejects.toThrow(/has no "local" section/);
  });

});
