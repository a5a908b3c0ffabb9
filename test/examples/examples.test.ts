import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { runProcess } from '../helpers/cli';
import { tempDir } from '../helpers/local-endpoint-process';

/** The examples users copy must keep working: requests that parse, a workflow GitHub accepts. */
const EXAMPLES = join(__dirname, '../../examples');
const WORKFLOW = join(EXAMPLES, 'github-actions/release.yml');
const VALIDATOR = join(__dirname, '../../node_modules/.bin/action-validator');

test.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')))('examples/%s is a valid rollout request', (file) => {
  expect(() => parseRolloutRequest(JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')))).not.toThrow();
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
