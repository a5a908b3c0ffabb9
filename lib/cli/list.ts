import type { RolloutSummary } from '../adapters/ledger';
import { oneLine } from '../domain/text';
import { awsCliCall } from './aws-cli-errors';
import { connectController, type ControllerOptions } from './controller-access';
import { EXIT, type CliIo } from './io';

export interface ListOptions extends ControllerOptions {
  /** Only rollouts still running (in progress or waiting at a gate). */
  readonly active?: boolean;
  /** Only the rollouts of this target key (`lambda:<function>:<alias>`). */
  readonly target?: string;
  /** @default 20 */
  readonly limit?: number;
  readonly json?: boolean;
}

type Listed = RolloutSummary & { readonly targetKeys?: readonly string[] };

/** Recent rollouts, newest first: all of them, the running ones, or one target's. */
export async function list(opts: ListOptions, io: CliIo): Promise<number> {
  const controller = await connectController(opts);
  const limit = opts.limit ?? 20;
  let rollouts: Listed[];
  if (opts.target) {
    const target = opts.target;
    const history = await awsCliCall(`read the history of ${target}`, 'dynamodb:Query', () => controller.ledger.listRolloutsByTarget(target, { limit: opts.active ? Math.max(limit, 100) : limit }));
    rollouts = (opts.active ? history.filter((r) => ['PREFLIGHT', 'IN_PROGRESS', 'AWAITING_APPROVAL'].includes(r.status)) : history).slice(0, limit);
  } else {
    rollouts = await awsCliCall('list rollouts', 'dynamodb:Scan', () => controller.ledger.listRollouts({ activeOnly: opts.active, limit }));
  }
  printRollouts(io, rollouts, opts.json === true, opts.active ? 'no rollout is running' : 'no rollouts yet');
  return EXIT.ok;
}

export interface HistoryOptions extends ControllerOptions {
  readonly targetKey: string;
  readonly limit?: number;
  readonly json?: boolean;
}

/** Every rollout that touched one target, newest first: what moved it, and how each ended. */
export async function history(opts: HistoryOptions, io: CliIo): Promise<number> {
  const controller = await connectController(opts);
  const rollouts = await awsCliCall(`read the history of ${opts.targetKey}`, 'dynamodb:Query', () => controller.ledger.listRolloutsByTarget(opts.targetKey, { limit: opts.limit ?? 20 }));
  printRollouts(io, rollouts, opts.json === true, `no rollout has touched ${opts.targetKey}: target keys look like lambda:<function>:<alias> or appconfig:<app>/<env>/<profile>#<flag>`);
  return EXIT.ok;
}

function printRollouts(io: CliIo, rollouts: readonly Listed[], json: boolean, none: string): void {
  if (json) {
    io.out(JSON.stringify(rollouts, null, 2));
    return;
  }
  if (rollouts.length === 0) {
    io.out(none);
    return;
  }
  const rows = rollouts.map((r) => [r.rolloutId, r.status, r.createdAt.replace(/\.\d+Z$/, 'Z'), (r.targetKeys ?? [r.targetKey]).join(', '), r.outcome ? oneLine(r.outcome.reason, 100) : '']);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length), ['ROLLOUT', 'STATUS', 'CREATED', 'TARGETS'][c].length));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell)).join('  ').trimEnd();
  io.out(line(['ROLLOUT', 'STATUS', 'CREATED', 'TARGETS', 'OUTCOME']));
  for (const row of rows) io.out(line(row));
}
