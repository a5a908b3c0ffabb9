import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../lib/cli/io';

/** Captures what a command writes. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: false };
}

export const FLEDGE_BIN = join(__dirname, '../../bin/fledge.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment the real binary runs with in tests: no profile, region, keys or fledge settings leak in from the machine. */
function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('FLEDGE_')));
  return { ...clean, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
}

/** Runs the real `fledge` binary, as a pipeline would, and waits for it. */
export function runFledge(args: string[]): CliRun {
  const result = spawnSync(process.execPath, [FLEDGE_BIN, ...args], { encoding: 'utf8', env: cliEnv({}), timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking the test process: for CLIs that talk to a server the test also runs. */
export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runProcess(process.execPath, [FLEDGE_BIN, ...args], cliEnv(env));
}

export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
