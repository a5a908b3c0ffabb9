import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { TERMINAL_STATUSES } from '../adapters/ledger';
import { RolloutStateError } from '../domain/errors';
import { answerApproval, requestControl, type ControlDeps, type TaskTokenSink } from '../controller/control';
import { systemClock } from '../domain/clock';
import { awsCliCall } from './aws-cli-errors';
import { callerIdentity, connectController, type Controller, type ControllerOptions } from './controller-access';
import { UsageError } from './errors';
import { EXIT, type CliIo } from './io';
import { unknownRollout } from './status';

export interface ApproveOptions extends ControllerOptions {
  readonly rolloutId: string;
  /** Who approves. @default - the caller's IAM identity */
  readonly by?: string;
  readonly comment?: string;
  readonly json?: boolean;
}

export interface RejectOptions extends ControllerOptions {
  readonly rolloutId: string;
  readonly reason: string;
  readonly by?: string;
  readonly json?: boolean;
}

export interface ControlOptions extends ControllerOptions {
  readonly rolloutId: string;
  readonly reason: string;
  readonly by?: string;
  readonly json?: boolean;
}

/** Passes the manual gate a rollout waits at, recording who and why. */
export async function approve(opts: ApproveOptions, io: CliIo): Promise<number> {
  return answer(opts, io, true, opts.comment ?? 'approved with fledge approve');
}

/** Rejects the gate: the rollout rolls back, and the ledger says who rejected it and why. */
export async function reject(opts: RejectOptions, io: CliIo): Promise<number> {
  return answer(opts, io, false, opts.reason);
}

async function answer(opts: ControllerOptions & { rolloutId: string; by?: string; json?: boolean }, io: CliIo, approved: boolean, reason: string): Promise<number> {
  const { controller, deps, by } = await controlDeps(opts);
  await explained(opts.rolloutId, () => answerApproval(deps, opts.rolloutId, approved, { by, reason }), (record) => `rollout ${opts.rolloutId} has no pending approval gate (it is ${record}): nothing to ${approved ? 'approve' : 'reject'}`, controller);
  printAction(io, opts.json, { rolloutId: opts.rolloutId, action: approved ? 'approved' : 'rejected', by, reason });
  return EXIT.ok;
}

/** Rolls the rollout back: at its next evaluation during a bake, at once at a gate. */
export async function abort(opts: ControlOptions, io: CliIo): Promise<number> {
  return control(opts, io, 'abort');
}

/** The audited emergency path: fast-forwards the rollout to 100%. */
export async function promote(opts: ControlOptions, io: CliIo): Promise<number> {
  return control(opts, io, 'promote');
}

async function control(opts: ControlOptions, io: CliIo, action: 'abort' | 'promote'): Promise<number> {
  const { controller, deps, by } = await controlDeps(opts);
  await explained(opts.rolloutId, () => requestControl(deps, opts.rolloutId, action, { by, reason: opts.reason }), (record) => `rollout ${opts.rolloutId} has already ended (${record}): nothing to ${action}`, controller);
  printAction(io, opts.json, { rolloutId: opts.rolloutId, action: action === 'abort' ? 'abort requested' : 'promotion requested', by, reason: opts.reason, note: 'the rollout acts on it at its next evaluation, or at once at a gate' });
  return EXIT.ok;
}

/** What the shared control code needs, with Step Functions answering task tokens. */
async function controlDeps(opts: ControllerOptions & { by?: string }): Promise<{ controller: Controller; deps: ControlDeps; by: string }> {
  const controller = await connectController(opts);
  const tokens: TaskTokenSink = {
    succeed: async (taskToken, output) => {
      await awsCliCall('answer the approval gate', 'states:SendTaskSuccess', () => controller.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
    },
    fail: async (taskToken, error, cause) => {
      await awsCliCall('answer the approval gate', 'states:SendTaskFailure', () => controller.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
    },
  };
  const by = opts.by ?? (await callerIdentity(controller.settings));
  return { controller, deps: { ledger: controller.ledger, clock: systemClock, tokens }, by };
}

/** Turns the ledger's refusals into what the user asked about: an unknown id, a rollout in the wrong state. */
async function explained(rolloutId: string, work: () => Promise<void>, wrongState: (status: string) => string, controller: Controller): Promise<void> {
  try {
    await awsCliCall(`act on rollout ${rolloutId}`, 'dynamodb:UpdateItem', work);
  } catch (error) {
    if (!(error instanceof RolloutStateError)) throw error;
    const record = await controller.ledger.getRollout(rolloutId);
    if (!record) throw unknownRollout(rolloutId, controller.tableName);
    throw new UsageError(TERMINAL_STATUSES.includes(record.status) ? wrongState(record.status) : error.message);
  }
}

function printAction(io: CliIo, json: boolean | undefined, what: Record<string, string>): void {
  if (json) io.out(JSON.stringify(what, null, 2));
  else io.out(`${what.action} rollout ${what.rolloutId} (by ${what.by}): ${what.reason}${what.note ? `; ${what.note}` : ''}`);
}
