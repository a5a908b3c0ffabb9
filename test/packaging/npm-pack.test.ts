import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localRolloutDefinition } from '../../lib/local/local-definition';
import { runProcess } from '../helpers/cli';
import { tempDir } from '../helpers/local-endpoint-process';

/**
 * What a pipeline gets: `npm pack`, installed into an empty folder with production dependencies
 * only, must run with no TypeScript tooling and no CDK, and run the same definition the construct
 * builds.
 */
const ROOT = join(__dirname, '../..');

let installed: string;

beforeAll(async () => {
  const out = tempDir();
  const pack = spawnSync('npm', ['pack', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status).toBe(0);
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball:\n${pack.stdout}\n${pack.stderr}`);
  installed = join(out, 'app');
  mkdirSync(installed);
  const install = spawnSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(out, tarball)], { cwd: installed, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
}, 240_000);

test('the package holds the built CLI and no TypeScript sources', () => {
  const pkg = join(installed, 'node_modules/fledge');
  expect(existsSync(join(pkg, 'dist/fledge.js'))).toBe(true);
  expect(existsSync(join(pkg, 'bin/fledge.ts'))).toBe(false);
  expect(existsSync(join(pkg, 'lib'))).toBe(false);
  // The example request's local section runs this hook in-process.
  expect(existsSync(join(pkg, 'examples/hooked-rollout.json')) && existsSync(join(pkg, 'examples/hooks/change-freeze.mjs'))).toBe(true);
  for (const tooling of ['tsx', 'typescript', 'aws-cdk-lib', '@swc/core']) expect(existsSync(join(installed, 'node_modules', tooling))).toBe(false);
});

test('fledge --help runs from the installed package', async () => {
  const run = await runProcess(join(installed, 'node_modules/.bin/fledge'), ['--help'], { PATH: process.env.PATH });
  expect(run.status).toBe(0);
  for (const command of ['start', 'status', 'list', 'history', 'approve', 'reject', 'abort', 'promote', 'report', 'check', 'local']) {
    expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  }
});

test('it ships the definition the construct builds, and validates requests with it', async () => {
  const shipped = JSON.parse(readFileSync(join(installed, 'node_modules/fledge/dist/rollout-definition.asl.json'), 'utf8')) as unknown;
  expect(shipped).toEqual(localRolloutDefinition());
  const run = await runProcess(join(installed, 'node_modules/.bin/fledge'), ['validate', join(installed, 'node_modules/fledge/examples/rollout-request.json')], { PATH: process.env.PATH });
  expect(run).toMatchObject({ status: 0, stderr: '' });
});

test('the demo runs from the package: the shipped definition on aws-local-stepfunctions, no CDK', async () => {
  const run = await runProcess(join(installed, 'node_modules/.bin/fledge'), ['demo', '--json'], { PATH: process.env.PATH, NO_COLOR: '1' });
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'promoted', endState: 'Promoted' });
}, 60_000);
