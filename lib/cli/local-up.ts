import { FledgeError } from '../domain/errors';
import type { TrafficModel } from '../local/fleet';
import type { LocalAccount } from '../local/endpoint/account-apis';
import { DEFAULT_LOCAL_PORT } from '../local/endpoint/endpoint-defaults';
import { startLocalEndpoint } from '../local/endpoint/local-endpoint';
import { UsageError } from './errors';
import { scenarioOption } from './scenario-option';
import { readRequestFile } from './request-file';
import { LocalHookFunctions, parseLocalSection } from '../local/hooks/local-hooks';
import { EXIT, type CliIo } from './io';

export interface LocalUpOptions {
  readonly port?: number;
  readonly speed?: number;
  /** A built-in scenario name or a traffic model JSON file. @default 'healthy' */
  readonly scenario?: string;
  readonly seed?: number;
  /** A request file whose `local.hooks` section defines the hook functions rollouts may name. */
  readonly hooks?: string;
  /** Print one JSON line saying where it listens (for scripts), instead of the greeting. */
  readonly json?: boolean;
  /** Resolves when the endpoint should stop. @default - SIGINT or SIGTERM */
  readonly until?: Promise<unknown>;
}

/**
 * Serves a local controller on loopback until interrupted: the CLI, or the AWS CLI, reaches it with
 * `--endpoint-url`, exactly as it would reach a deployed controller, and watches rollouts live.
 */
export async function localUp(opts: LocalUpOptions, io: CliIo): Promise<number> {
  const model = scenarioOption(opts.scenario ?? 'healthy', '--scenario');
  const speed = opts.speed ?? 60;
  const hooks = opts.hooks === undefined ? undefined : await hookFunctionsOf(opts.hooks);
  let endpoint;
  try {
    endpoint = await startLocalEndpoint({ port: opts.port ?? DEFAULT_LOCAL_PORT, speed, model, seed: opts.seed, hooks, log: opts.json ? undefined : (line) => io.out(`[local] ${line}`) });
  } catch (error) {
    // Java missing, the port taken: the user's setup, said in one line.
    if (error instanceof FledgeError) throw new UsageError(error.message);
    throw error;
  }
  const { url, account } = endpoint;
  if (opts.json) {
    io.out(JSON.stringify({ listening: url, stackName: account.stackName, stateMachineArn: account.stateMachineArn, tableName: account.tableName, speed, hooks: hooks?.names() ?? [] }));
  } else {
    greet(io, url, speed, model, account, hooks);
  }
  await (opts.until ?? interrupted());
  io.out(opts.json ? JSON.stringify({ stopping: url }) : '[local] stopping');
  await endpoint.close();
  return EXIT.ok;
}

function greet(io: CliIo, url: string, speed: number, model: TrafficModel, account: LocalAccount, hooks: LocalHookFunctions | undefined): void {
  io.out(`fledge local endpoint listening on ${url}`);
  io.out(`  speed:         ${speed}× (a virtual minute passes in ${formatSeconds(60 / speed)} of wall time)`);
  io.out(`  traffic:       ${model.name}${model.description ? `: ${model.description}` : ''}`);
  io.out(`  stack:         ${account.stackName} (state machine ${account.stateMachineArn}, ledger table ${account.tableName})`);
  io.out(`  hooks:         ${hooks && hooks.names().length > 0 ? hooks.names().join(', ') : 'none (--hooks names them)'}`);
  io.out('');
  io.out('In another terminal:');
  io.out(`  export FLEDGE_ENDPOINT_URL=${url}`);
  io.out('  npx fledge start examples/rollout-request.json --wait');
  io.out('');
  io.out('Ctrl+C stops it; everything it holds lives in memory only.');
}

/** The hook functions a request file's local section defines: loaded now, so a broken module stops `local up` at once. */
async function hookFunctionsOf(file: string): Promise<LocalHookFunctions> {
  const { local, dir } = await readRequestFile(file, '--hooks');
  if (local === undefined) throw new UsageError(`--hooks ${file} has no "local" section: it names the hook functions local mode runs (see the README's "Lifecycle hooks")`);
  return LocalHookFunctions.load(parseLocalSection(local, `--hooks ${file}`), dir);
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
