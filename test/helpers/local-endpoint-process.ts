import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEDGE_BIN, runCliProcess, type CliRun } from './cli';

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
  const child = spawn(process.execPath, [FLEDGE_BIN, 'local', 'up', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    fledge: (cliArgs, env = {}) => runCliProcess(cliArgs, { FLEDGE_ENDPOINT_URL: url, ...env }),
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
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
