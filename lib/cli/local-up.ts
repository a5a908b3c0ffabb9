import { FledgeError, ValidationError } from '../domain/errors';
import { resolveScenario } from '../local/fleet';
import { DEFAULT_LOCAL_PORT } from '../local/endpoint/endpoint-defaults';
import { startLocalEndpoint } from '../local/endpoint/local-endpoint';
import { UsageError } from './errors';
import { EXIT, type CliIo } from './io';

export interface LocalUpOptions {
  readonly port?: number;
  readonly speed?: number;
  /** A built-in scenario name or a traffic model JSON file. @default 'healthy' */
  readonly scenario?: string;
  readonly seed?: number;
  /** Resolves when the endpoint should stop. @default - SIGINT or SIGTERM */
  readonly until?: Promise<unknown>;
}

/**
 * Serves a local controller on loopback until interrupted: the CLI, or the AWS CLI, reaches it with
 * `--endpoint-url`, exactly as it would reach a deployed controller, and watches rollouts live.
 */
export async function localUp(opts: LocalUpOptions, io: CliIo): Promise<number> {
  let model;
  try {
    model = resolveScenario(opts.scenario ?? 'healthy');
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message);
    throw error;
  }
  const speed = opts.speed ?? 60;
  let endpoint;
  try {
    endpoint = await startLocalEndpoint({ port: opts.port ?? DEFAULT_LOCAL_PORT, speed, model, seed: opts.seed, log: (line) => io.out(`[local] ${line}`) });
  } catch (error) {
    if (error instanceof FledgeError || (error instanceof Error && /in use/.test(error.message))) throw new UsageError(error.message);
    throw error;
  }
  const { url, account } = endpoint;
  io.out(`fledge local endpoint listening on ${url}`);
  io.out(`  speed:         ${speed}× (a virtual minute passes in ${formatSeconds(60 / speed)} of wall time)`);
  io.out(`  traffic:       ${model.name}${model.description ? `: ${model.description}` : ''}`);
  io.out(`  stack:         ${account.stackName} (state machine ${account.stateMachineArn}, ledger table ${account.tableName})`);
  io.out('');
  io.out('In another terminal:');
  io.out(`  export FLEDGE_ENDPOINT_URL=${url}`);
  io.out('  npx fledge start examples/rollout-request.json --wait');
  io.out('');
  io.out('Ctrl+C stops it; everything it holds lives in memory only.');
  await (opts.until ?? interrupted());
  io.out('[local] stopping');
  await endpoint.close();
  return EXIT.ok;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function formatSeconds(seconds: number): string {
  return seconds >= 1 ? `${Number(seconds.toFixed(1))} s` : `${Math.round(seconds * 1000)} ms`;
}
