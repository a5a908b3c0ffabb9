import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { newRolloutId } from '../domain/rollout-id';
import { parseRolloutRequest } from '../domain/rollout-request';
import { awsCliCall } from './aws-cli-errors';
import { connectController, consoleUrl, type ControllerOptions } from './controller-access';
import { followRollout, printEnding } from './follow';
import { EXIT, type CliIo } from './io';
import { readRequestFile } from './request-file';

export interface StartOptions extends ControllerOptions {
  readonly file: string;
  /** Follow the rollout to its end and exit with its outcome. */
  readonly wait?: boolean;
  /** With `wait`: give up waiting after this long (exit 4; the rollout goes on). */
  readonly timeoutMs?: number;
  /** The execution's name. @default - the rollout id */
  readonly name?: string;
  readonly json?: boolean;
  /** How often `wait` reads the ledger. @default 2000 */
  readonly pollMs?: number;
}

/**
 * Starts a rollout: checks the request offline (the same errors as `validate`, before anything is
 * called), gives it an id if it has none, and starts the controller's state machine with it.
 */
export async function start(opts: StartOptions, io: CliIo): Promise<number> {
  const input = (await readRequestFile(opts.file)).request as Record<string, unknown>;
  const request = parseRolloutRequest(input);
  const controller = await connectController(opts);
  const rolloutId = request.rolloutId ?? newRolloutId(new Date());
  const name = opts.name ?? rolloutId;
  const started = await awsCliCall('start the rollout', 'states:StartExecution', () =>
    controller.sfn.send(new StartExecutionCommand({ stateMachineArn: controller.stateMachineArn, name, input: JSON.stringify({ ...input, rolloutId }) })),
  );
  const executionArn = started.executionArn ?? '';
  const console = consoleUrl(controller, executionArn);
  const consoleLine = console ? `\n  console:   ${console}` : '';
  if (!opts.wait) {
    if (opts.json) io.out(JSON.stringify({ rolloutId, executionArn, consoleUrl: console }, null, 2));
    else io.out(`started rollout ${rolloutId}\n  execution: ${executionArn}${consoleLine}\n  follow it: fledge status ${rolloutId} --follow`);
    return EXIT.ok;
  }
  if (!opts.json) io.out(`started rollout ${rolloutId}\n  execution: ${executionArn}${consoleLine}`);
  const result = await followRollout(controller, io, { rolloutId, executionArn, timeoutMs: opts.timeoutMs, timeline: !opts.json, pollMs: opts.pollMs });
  if (opts.json) io.out(JSON.stringify({ rolloutId, executionArn, consoleUrl: console, ending: result.ending, exitCode: result.exitCode, executionStatus: result.executionStatus, reason: result.reason }, null, 2));
  else printEnding(io, result);
  return result.exitCode;
}
