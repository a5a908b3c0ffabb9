import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbLocalStartError,
  localClient,
  spawnDynamoDbLocalJar,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../lib/local/dynamodb-local';

/** A stand-in server process: a Node one-liner, so failure paths are tested without a broken Java. */
function fakeServer(script: string): { spawnServer: () => ChildProcess; spawned: ChildProcess[] } {
  const spawned: ChildProcess[] = [];
  return {
    spawned,
    spawnServer: () => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      spawned.push(child);
      return child;
    },
  };
}

async function answers(endpoint: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

describe('startDynamoDbLocal', () => {
  const running: DynamoDbLocal[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
  });

  describe('once started', () => {
    let ddb: DynamoDbLocal;
    beforeAll(async () => {
      ddb = await startDynamoDbLocal();
    });
    afterAll(async () => {
      await ddb.stop();
    });

    it('answers on a free loopback port, empty, through the client it returns', async () => {
      expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
      const tables = await ddb.client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
    });

    it('uses fixed local credentials and region, so no AWS configuration is looked up', async () => {
      await expect(ddb.client.config.region()).resolves.toBe('local');
      const credentials = await ddb.client.config.credentials();
      expect(credentials).toMatchObject({ accessKeyId: 'local', secretAccessKey: 'local' });
    });
  });

  it('stops: the port no longer answers, and stopping again is harmless', async () => {
    const ddb = await startDynamoDbLocal();
    expect(await answers(ddb.endpoint)).toBe(true);

    await ddb.stop();
    expect(await answers(ddb.endpoint)).toBe(false);
    await expect(ddb.stop()).resolves.toBeUndefined();
  });

  it('listens on the port it is given', async () => {
    const port = await freePort();
    const ddb = await startDynamoDbLocal({ port });
    running.push(ddb);

    expect(ddb.port).toBe(port);
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(true);
  });

  it('picks another port when the one it picked is taken before the server binds it', async () => {
    const bindFailure = fakeServer(`console.error('java.net.BindException: Address already in use'); process.exit(1)`);
    let calls = 0;
    const ddb = await startDynamoDbLocal({
      spawnServer: (port) => (++calls === 1 ? bindFailure.spawnServer() : spawnDynamoDbLocalJar(port)),
    });
    running.push(ddb);

    expect(calls).toBe(2);
    expect(await answers(ddb.endpoint)).toBe(true);
  });

  it('says Java is needed when `java` cannot be found', async () => {
    const start = startDynamoDbLocal({ spawnServer: () => spawn('fledge-test-no-such-java', [], { stdio: ['ignore', 'pipe', 'pipe'] }) });

    await expect(start).rejects.toThrow(DynamoDbLocalStartError);
    await expect(start).rejects.toThrow(/`java` was not found.*install a Java 17\+ runtime/);
  });

  it('says Java is needed, with the process output, when the server exits before answering', async () => {
    const { spawnServer } = fakeServer(`console.error('Error: Could not find or load main class'); process.exit(3)`);

    await expect(startDynamoDbLocal({ spawnServer })).rejects.toThrow(
      /exited with code 3 before answering \(DynamoDB Local runs on Java.*Could not find or load main class/,
    );
  });

  it('gives up after the start timeout and kills the process that never answered', async () => {
    const silent = fakeServer('setTimeout(() => {}, 60_000)');

    await expect(startDynamoDbLocal({ spawnServer: silent.spawnServer, startTimeoutMs: 300 })).rejects.toThrow(
      /did not answer on http:\/\/127\.0\.0\.1:\d+ within 300 ms/,
    );
    const [child] = silent.spawned;
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
