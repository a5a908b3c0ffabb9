import { executionArnOf } from '../domain/execution-arn';
import type { LedgerEvent, RolloutRecord } from '../adapters/ledger';
import type { Verdict } from '../domain/verdict';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { awsCliCall, explainAwsError } from './aws-cli-errors';
import { connectController, consoleUrl, type Controller, type ControllerOptions } from './controller-access';
import { UsageError } from './errors';
import { describe, followRollout, printEnding } from './follow';
import { EXIT, type CliIo } from './io';
import { checksOf } from '../report/build-report-data';
import { HOOK_LABEL } from '../controller/hook-call';
import type { LifecycleEvent } from '../domain/lifecycle-hooks';

export interface StatusOptions extends ControllerOptions {
  readonly rolloutId: string;
  /** Follow it to the end, as `start --wait` does, and exit with its outcome. */
  readonly follow?: boolean;
  readonly timeoutMs?: number;
  readonly json?: boolean;
  readonly pollMs?: number;
}

/** Where a rollout stands, from its ledger record and events. */
export interface RolloutStatus {
  readonly rolloutId: string;
  readonly status: RolloutRecord['status'];
  readonly targets: readonly string[];
  readonly step?: { readonly index: number; readonly name: string; readonly weight: number; readonly since: string };
  readonly lastVerdict?: { readonly at: string; readonly value: Verdict['value']; readonly reason: string; readonly signals: readonly { readonly signal: string; readonly targetKey: string; readonly status: string; readonly reason: string }[] };
  readonly pendingGate?: { readonly stepIndex: number; readonly since: string };
  /** The smoke test and the lifecycle hooks that have run, and a hook still running. */
  readonly checks?: readonly { readonly name: string; readonly passed: boolean; readonly summary: string; readonly at: string }[];
  readonly runningHook?: { readonly lifecycleEvent: string; readonly functionName: string; readonly since: string; readonly timeoutSeconds: number };
  readonly outcome?: RolloutRecord['outcome'];
  readonly executionArn?: string;
}

export async function status(opts: StatusOptions, io: CliIo): Promise<number> {
  const controller = await connectController(opts);
  const record = await awsCliCall(`read rollout ${opts.rolloutId}`, 'dynamodb:GetItem', () => controller.ledger.getRollout(opts.rolloutId));
  // Just started: preflight has not written the record yet, but the execution (named after the rollout) exists.
  const executionArn = record?.executionId ?? (await executionNamed(controller, opts.rolloutId))?.executionArn;
  if (!executionArn && !record) throw unknownRollout(opts.rolloutId, controller.tableName);
  if (opts.follow && executionArn) {
    const result = await followRollout(controller, io, { rolloutId: opts.rolloutId, executionArn, timeoutMs: opts.timeoutMs, timeline: !opts.json, pollMs: opts.pollMs });
    const last = result.record ?? record;
    if (opts.json) io.out(JSON.stringify({ ...(last ? summarize(last, []) : { rolloutId: opts.rolloutId }), ending: result.ending, exitCode: result.exitCode }, null, 2));
    else printEnding(io, result);
    return result.exitCode;
  }
  if (!record) {
    const execution = await describe(controller, executionArn as string);
    const summary = { rolloutId: opts.rolloutId, status: 'PREFLIGHT', executionArn, executionStatus: execution.status };
    if (opts.json) io.out(JSON.stringify(summary, null, 2));
    else io.out(`rollout ${opts.rolloutId}: not recorded yet (its execution is ${execution.status}; preflight writes the record once it has checked the request)\n  execution: ${executionArn}`);
    return EXIT.ok;
  }
  const events = await awsCliCall(`read rollout ${opts.rolloutId}`, 'dynamodb:Query', () => controller.ledger.listEvents(opts.rolloutId));
  const summary = summarize(record, events);
  if (opts.json) {
    io.out(JSON.stringify(summary, null, 2));
    return EXIT.ok;
  }
  for (const line of describeStatus(summary, summary.executionArn ? consoleUrl(controller, summary.executionArn) : undefined)) io.out(line);
  return EXIT.ok;
}

export function summarize(record: RolloutRecord, events: readonly LedgerEvent[]): RolloutStatus {
  const steps = ((record.plan as { steps?: { name: string; weight: number }[] }).steps ?? []);
  const current = record.phaseStarts?.at(-1);
  const evaluation = [...events].reverse().find((e) => e.type === 'evaluation');
  const verdict = (evaluation?.data as { verdict?: Verdict } | undefined)?.verdict;
  const checks = checksOf(events).map((c) => ({ name: c.name, passed: c.passed, summary: c.summary, at: c.at }));
  const lastHook = [...events].reverse().find((e) => e.type === 'hook-started' || e.type === 'hook-finished');
  const running = lastHook?.type === 'hook-started' && !record.outcome ? (lastHook.data as { lifecycleEvent: string; functionName: string; timeoutSeconds: number }) : undefined;
  return {
    rolloutId: record.rolloutId,
    status: record.status,
    targets: record.targetKeys,
    ...(current
      ? { step: { index: current.stepIndex, name: current.phase === 'final-bake' ? 'Final bake' : (steps[current.stepIndex]?.name ?? `step ${current.stepIndex + 1}`), weight: current.weight, since: current.at } }
      : {}),
    ...(evaluation && verdict
      ? { lastVerdict: { at: evaluation.at, value: verdict.value, reason: verdict.reason, signals: verdict.signals.map((s) => ({ signal: s.signal, targetKey: s.targetKey, status: s.status, reason: s.reason })) } }
      : {}),
    ...(record.pendingApproval ? { pendingGate: { stepIndex: record.pendingApproval.stepIndex, since: record.pendingApproval.requestedAt } } : {}),
    ...(checks.length > 0 ? { checks } : {}),
    ...(running && lastHook ? { runningHook: { lifecycleEvent: running.lifecycleEvent, functionName: running.functionName, since: lastHook.at, timeoutSeconds: running.timeoutSeconds } } : {}),
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ...(record.executionId ? { executionArn: record.executionId } : {}),
  };
}

export function describeStatus(s: RolloutStatus, console: string | undefined): string[] {
  const lines = [`rollout ${s.rolloutId}: ${s.status}`, `  targets: ${s.targets.join(', ')}`];
  if (s.step) lines.push(`  step ${s.step.index + 1}: ${s.step.name} at ${s.step.weight}% since ${s.step.since}`);
  if (s.lastVerdict) {
    lines.push(`  last evaluation (${s.lastVerdict.at}): ${s.lastVerdict.value}: ${s.lastVerdict.reason}`);
    for (const signal of s.lastVerdict.signals) if (signal.status !== 'skipped') lines.push(`    ${signal.signal} on ${signal.targetKey}: ${signal.status}: ${signal.reason}`);
  }
  for (const check of s.checks ?? []) lines.push(`  ${check.name}: ${check.passed ? 'passed' : 'FAILED'}: ${check.summary}`);
  if (s.runningHook) lines.push(`  running the ${HOOK_LABEL[s.runningHook.lifecycleEvent as LifecycleEvent] ?? 'hook'} ${s.runningHook.functionName} since ${s.runningHook.since} (timeout ${s.runningHook.timeoutSeconds} s)`);
  if (s.pendingGate) lines.push(`  waiting for approval after step ${s.pendingGate.stepIndex + 1} since ${s.pendingGate.since}: fledge approve ${s.rolloutId}, or fledge reject ${s.rolloutId} --reason …`);
  if (s.outcome) lines.push(`  outcome: ${s.outcome.decision} at ${s.outcome.at}: ${s.outcome.reason}`);
  if (s.executionArn) lines.push(`  execution: ${s.executionArn}`);
  if (console) lines.push(`  console:   ${console}`);
  return lines;
}

/** The execution `fledge start` named after the rollout, if there is one. */
async function executionNamed(controller: Controller, rolloutId: string): Promise<{ executionArn: string } | undefined> {
  const executionArn = executionArnOf(controller.stateMachineArn, rolloutId);
  try {
    await controller.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return { executionArn };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist' || (error as Error).name === 'InvalidArn') return undefined;
    throw explainAwsError(error, 'read the execution', 'states:DescribeExecution');
  }
}

/** The one message for a rollout id the ledger does not know. */
export function unknownRollout(rolloutId: string, tableName: string): UsageError {
  return new UsageError(`no rollout ${rolloutId} in table ${tableName}: check the id (fledge list shows recent ones) and the region`);
}
