import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../lib/cli/io';

/** Captures what a command writes. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: false };
}

/** Runs the real `fledge` binary, as a pipeline would. */
export function runFledge(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(__dirname, '../../bin/fledge.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
