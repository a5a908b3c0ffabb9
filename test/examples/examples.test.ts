import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { readRequestFile } from '../../lib/cli/request-file';
import { parseLocalSection } from '../../lib/local/hooks/local-hooks';
import { runCliProcess, runProcess } from '../helpers/cli';
import { tempDir } from '../helpers/local-endpoint-process';

/** The examples users copy must keep working: requests that parse, a workflow GitHub accepts. */
const EXAMPLES = join(__dirname, '../../examples');
const WORKFLOW = join(EXAMPLES, 'github-actions/release.yml');
const VALIDATOR = join(__dirname, '../../node_modules/.bin/action-validator');

test.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')))('examples/%s is a valid rollout request', async (file) => {
  const { request, local } = await readRequestFile(join(EXAMPLES, file));
  expect(() => parseRolloutRequest(request)).not.toThrow();
  expect(() => parseLocalSection(local, file)).not.toThrow();
});

describe('the lifecycle hook examples', () => {
  const HOOKED = join(EXAMPLES, 'hooked-rollout.json');

  test('hooked-rollout.json runs locally with its change-freeze hook, an ES module, in-process: a freeze rolls it back before any traffic', async () => {
    // The promoted path of hooks is covered in-process (test/local/lifecycle-hooks.test.ts); this is the real binary loading the module.
    const frozen = await runCliProcess(['demo', '--request', HOOKED, '--json'], { CHANGE_FREEZE: '2020-01-01T00:00:00Z/2099-01-01T00:00:00Z year-end freeze' });
    expect(frozen.stderr).toBe('');
    expect(frozen.status).toBe(1);
    const summary = JSON.parse(frozen.stdout) as { endState: string; reason: string; evaluations: number; targets: { now: unknown }[] };
    expect(summary).toMatchObject({ endState: 'RolledBackOnPreTrafficHook', evaluations: 0 });
    expect(summary.reason).toBe('pre-traffic-hook: pre-traffic hook orders-change-freeze failed: change freeze until 2099-01-01T00:00:00.000Z (year-end freeze): lambda:orders-api:live 41 → 42 must wait');
    expect(summary.targets[0].now).toMatchObject({ functionVersion: '41', additionalVersion: null });
  }, 120_000);

  test('the README shows the journey-check hook as the file has it, comments aside', () => {
    const code = (text: string) =>
      text
        .replace(/\/\*\*[\s\S]*?\*\//g, '')
        .split('\n')
        .filter((line) => !/^\s*\/\//.test(line))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const shown = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('A hook function, in full')))?.[1] ?? '';
    expect(code(shown)).toBe(code(readFileSync(join(EXAMPLES, 'hooks/journey-check.mjs'), 'utf8')));
  });

  test("the README's journey-check hook places a test order through each alias and answers as documented", async () => {
    // Run as Node runs it in Lambda (an ES module), with a stand-in for the SDK's Invoke.
    const script = `
      import { makeHandler } from ${JSON.stringify(join(EXAMPLES, 'hooks/journey-check.mjs'))};
      const calls = [];
      const invoke = async (fn, qualifier, payload) => { calls.push([fn, qualifier, payload.path]); return { statusCode: fn === 'payments-api' ? 500 : 200 }; };
      const target = (fn) => ({ kind: 'lambda-alias', targetKey: 'lambda:' + fn + ':live', functionName: fn, alias: 'live', stableVersion: '41', newVersion: '42' });
      const flag = { kind: 'appconfig-flag', targetKey: 'appconfig:shop/prod/features#x', stableVersion: 'off', newVersion: 'on' };
      const base = { rolloutId: 'r-1', mode: 'enforce', timeoutSeconds: 300 };
      const passed = await makeHandler(invoke)({ ...base, lifecycleEvent: 'postTraffic', weight: 100, targets: [target('orders-api'), flag] });
      const before = await makeHandler(invoke)({ ...base, lifecycleEvent: 'preTraffic', weight: 0, targets: [target('orders-api')] });
      const failed = await makeHandler(invoke)({ ...base, lifecycleEvent: 'postTraffic', weight: 100, targets: [target('payments-api')] });
      console.log(JSON.stringify({ passed, before, failed, calls }));`;
    const result = await runProcess(process.execPath, ['--input-type=module', '-e', script], { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      passed: { status: 'Succeeded', reason: 'test order accepted by orders-api:live' },
      before: { status: 'Succeeded', reason: 'test order accepted by orders-api:42' },
      failed: { status: 'Failed', reason: 'lambda:payments-api:live: test order answered 500' },
      calls: [
        ['orders-api', 'live', '/orders'],
        ['orders-api', '42', '/orders'],
        ['payments-api', 'live', '/orders'],
      ],
    });
  });
});

describe('the GitHub Actions workflow', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    permissions: Record<string, string>;
    jobs: Record<string, { steps: { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

  test('passes a GitHub workflow schema validator, which does reject a broken one', async () => {
    const env = { PATH: process.env.PATH };
    expect(await runProcess(VALIDATOR, [WORKFLOW], env)).toMatchObject({ status: 0 });
    const broken = join(tempDir(), 'broken.yml');
    writeFileSync(broken, readFileSync(WORKFLOW, 'utf8').replace('runs-on:', 'runs-onn:'));
    expect((await runProcess(VALIDATOR, [broken], env)).status).toBe(1);
  });

  test('gets AWS credentials through OIDC, rolls out with --wait, and keeps the report', () => {
    expect(workflow.permissions['id-token']).toBe('write');
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with).toHaveProperty('role-to-assume');
    const publish = steps.findIndex((s) => s.run?.includes('aws lambda publish-version'));
    const rollout = steps.findIndex((s) => /npx fledge start \S+ --wait/.test(s.run ?? ''));
    expect(publish).toBeGreaterThanOrEqual(0);
    expect(rollout).toBeGreaterThan(publish);
    const report = steps.findIndex((s) => s.run?.includes('fledge report'));
    expect(steps[report].if).toBe('always()');
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({ if: 'always()', with: { path: 'fledge-report.html' } });
  });

  test('its request template, filled in as the workflow does, is a valid request', () => {
    const template = JSON.parse(readFileSync(join(EXAMPLES, 'github-actions/rollout-request.template.json'), 'utf8')) as { rolloutId: string; targets: { newVersion: string }[] };
    template.rolloutId = 'orders-api-123456-1';
    template.targets[0].newVersion = '57';
    expect(parseRolloutRequest(template).targets[0]).toMatchObject({ functionName: 'orders-api', newVersion: '57' });
  });
});
