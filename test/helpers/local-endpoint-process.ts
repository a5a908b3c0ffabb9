import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FLEDGE = join(__dirname, '../../bin/fledge.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `fledge local up`, running as its own process, as a user starts it in a terminal. */
export interface EndpointProcess {
  readonly url: string;
  /** Runs the fledge CLI against this endpoint, as a pipeline would: a subprocess, only the endpoint URL set. */
  fledge(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Everything the endpoint printed so far. */
  output(): string;
  /** Ctrl+C, then waits for it to exit. */
  stop(): Promise<number | null>;
}

/** Starts `fledge local up --port 0` and resolves once it prints the URL it listens on. */
export async function startEndpointProcess(args: readonly string[]): Promise<EndpointProcess> {
  const child = spawn(process.execPath, [FLEDGE, 'local', 'up', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fledge local up printed no URL within 30 s:\n${output}`)), 30_000);
    const look = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => reject(new Error(`fledge local up exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    fledge: (cliArgs, env = {}) => runCli(cliArgs, { FLEDGE_ENDPOINT_URL: url, ...env }),
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs the real binary with a clean AWS environment plus `env`: no profile, region or keys leak in from the machine. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('FLEDGE_')));
  return runProcess(process.execPath, [FLEDGE, ...args], { ...clean, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env });
}

export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Writes JSON files into a fresh temporary folder and returns their paths. */
export function writeJsonFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = tempDir();
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(content, null, 2));
      return [name, path];
    }),
  );
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fledge-e2e-'));
}
