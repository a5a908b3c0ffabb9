import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { RolloutRecord } from '../adapters/ledger';
import { STATE } from '../constructs/state-names';
import { awsCliCall } from './aws-cli-errors';
import type { Controller } from './controller-access';
import { EXIT, type CliIo } from './io';
import { TimelinePrinter } from './timeline';

export interface FollowOptions {
  readonly rolloutId: string;
  readonly executionArn: string;
  /** Give up waiting after this long (the rollout goes on). @default - wait for the end */
  readonly timeoutMs?: number;
  /** Print the timeline as the ledger records it. @default true */
  readonly timeline?: boolean;
  /** How often the ledger and the execution are read. @default 2000 */
  readonly pollMs?: number;
}

export type Ending = 'promoted' | 'rolled-back' | 'refused' | 'controller-failure' | 'still-running';

export interface FollowResult {
  readonly ending: Ending;
  readonly exitCode: number;
  /** The execution's status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  readonly executionStatus: string;
  readonly record?: RolloutRecord;
  /** One line: why it ended this way. */
  readonly reason: string;
}

/** The exit code of each ending: the pipeline's API (see the README). */
const EXIT_CODES: Readonly<Record<Ending, number>> = {
  promoted: EXIT.promoted,
  'rolled-back': EXIT.rolledBack,
  refused: EXIT.usage,
  'controller-failure': EXIT.internal,
  'still-running': EXIT.timeout,
};

/**
 * Follows a rollout to its end: the ledger's events as a live timeline, the execution's status to
 * know when it is over. The ledger says why; Step Functions says whether the controller itself
 * finished (an execution stopped or timed out leaves the rollout's record mid-way).
 */
export async function followRollout(controller: Controller, io: CliIo, opts: FollowOptions): Promise<FollowResult> {
  const printer = new TimelinePrinter(io.out, io.color, true);
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 2000;
  let afterSeq = 0;
  const drain = async () => {
    const events = await awsCliCall('read the ledger', 'dynamodb:Query', () => controller.ledger.listEvents(opts.rolloutId, { afterSeq }));
    for (const event of events) {
      if (opts.timeline !== false) printer.onEvent(event);
      afterSeq = event.seq;
    }
  };
  for (;;) {
    await drain();
    const execution = await describe(controller, opts.executionArn);
    if (execution.status !== 'RUNNING') {
      await drain();
      const record = await controller.ledger.getRollout(opts.rolloutId);
      return classify(opts.rolloutId, execution, record);
    }
    if (Date.now() >= deadline) {
      return { ending: 'still-running', exitCode: EXIT_CODES['still-running'], executionStatus: 'RUNNING', reason: `still running when the wait timed out; follow it with: fledge status ${opts.rolloutId} --follow` };
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
  }
}

export async function describe(controller: Controller, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return awsCliCall('read the execution', 'states:DescribeExecution', () => controller.sfn.send(new DescribeExecutionCommand({ executionArn })));
}

/** The ledger's record decides, where there is one; the execution tells a controller failure apart. */
export function classify(rolloutId: string, execution: Pick<DescribeExecutionCommandOutput, 'status' | 'error' | 'cause'>, record: RolloutRecord | undefined): FollowResult {
  const status = execution.status ?? 'UNKNOWN';
  const base = { executionStatus: status, record };
  const reason = record?.outcome?.reason ?? [execution.error, execution.cause].filter(Boolean).join(': ');
  const result = (ending: Ending, why: string) => ({ ...base, ending, exitCode: EXIT_CODES[ending], reason: why });
  if (status === 'SUCCEEDED') return result('promoted', reason || 'promoted');
  // The release was judged and serves everything; only the ledger's record of it may be missing.
  if (execution.error === STATE.promotedUnrecorded) return result('promoted', `promoted, but the ledger could not record it: ${execution.cause ?? ''}`);
  if (record?.status === 'ROLLED_BACK') return result('rolled-back', reason);
  // Traffic is back on the stable version, but the ledger stayed unreachable: still a rollback, with the record missing.
  if (execution.error === STATE.rolledBackUnrecorded) return result('rolled-back', `traffic restored, but the ledger could not record the rollback: ${execution.cause ?? ''}`);
  if (record?.status === 'REJECTED' || (!record && status === 'FAILED')) return result('refused', reason || 'refused at preflight');
  if (record?.status === 'ROLLBACK_FAILED') return result('controller-failure', `rollback failed: ${reason}`);
  const stopped = status === 'ABORTED' ? 'the execution was stopped' : status === 'TIMED_OUT' ? 'the execution timed out' : `the execution ended ${status}`;
  return result('controller-failure', `${stopped} with the rollout ${record?.status ?? 'unrecorded'}${reason ? `: ${reason}` : ''}; check the targets (fledge status ${rolloutId})`);
}

/** The closing lines of a followed rollout. */
export function printEnding(io: CliIo, result: FollowResult): void {
  const headline: Readonly<Record<Ending, string>> = {
    promoted: 'PROMOTED',
    'rolled-back': 'ROLLED BACK',
    refused: 'REFUSED',
    'controller-failure': 'CONTROLLER FAILURE',
    'still-running': 'STILL RUNNING',
  };
  io.out('');
  io.out(`${headline[result.ending]} (execution ${result.executionStatus}, exit ${result.exitCode})`);
  if (result.reason) io.out(`  why: ${result.reason}`);
}
