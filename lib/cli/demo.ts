import { writeFile } from 'node:fs/promises';
import { answerApproval } from '../controller/control';
import type { CapturedState } from '../adapters/traffic/traffic-router';
import { parseRolloutRequest, type RolloutRequestInput } from '../domain/rollout-request';
import { PRESET_NAMES, type PresetName } from '../domain/strategies';
import { createLocalWorld, withDynamoDbLocal } from '../local/local-environment';
import { runLocalRollout, type LocalRunResult } from '../local/local-runner';
import { buildReportData } from '../report/build-report-data';
import { renderHtmlReport } from '../report/html-report';
import { UsageError } from './errors';
import { checkWritableFile } from './output-file';
import { scenarioOption } from './scenario-option';
import { EXIT, type CliIo } from './io';
import { TimelinePrinter } from './timeline';
import { readRequestFile } from './request-file';
import { LocalHookFunctions, parseLocalSection, type LocalSection } from '../local/hooks/local-hooks';

export interface DemoOptions {
  /** A built-in scenario name or a traffic model JSON file. @default 'healthy' */
  readonly scenario?: string;
  /** A traffic model JSON file (same as a path given to `scenario`). */
  readonly scenarioFile?: string;
  /** @default 1 */
  readonly seed?: number;
  /** A preset name. @default 'progressive' */
  readonly strategy?: string;
  /** A rollout request JSON file; replaces the demo's own request. */
  readonly request?: string;
  readonly mode?: 'enforce' | 'observe';
  /** Writes a self-contained HTML report here. */
  readonly report?: string;
  /** Prints one JSON summary on stdout instead of the timeline. */
  readonly json?: boolean;
  /** How manual approval gates are answered. @default 'approve' */
  readonly gates?: 'approve' | 'reject';
}

/** The demo's own rollout: one Lambda alias moving from version 41 to 42. */
export const DEMO_TARGET = { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' } as const;

/**
 * Runs one rollout locally, start to finish: DynamoDB Local, the simulated fleet, the real state
 * machine definition and handlers. Exit code 0 when promoted, 1 when rolled back.
 */
export async function demo(opts: DemoOptions, io: CliIo): Promise<number> {
  const scenarioName = opts.scenarioFile ?? opts.scenario ?? 'healthy';
  const model = scenarioOption(scenarioName, opts.scenarioFile !== undefined ? '--scenario-file' : '--scenario');
  const seed = opts.seed ?? 1;
  const { request, local, dir } = await demoRequest(opts);
  // Refuse a bad request or report path here, with the field named, before starting anything.
  parseRolloutRequest(request);
  const hooks = await LocalHookFunctions.load(local, dir);
  if (opts.report !== undefined) await checkWritableFile(opts.report, '--report');

  const say = opts.json ? () => undefined : io.out;
  const timeline = new TimelinePrinter(say, io.color);
  say(`fledge demo: scenario ${scenarioName}, seed ${seed}; ${model.description ?? ''}`.trimEnd());
  const wallStart = performance.now();

  return withDynamoDbLocal(async (local) => {
    say(`DynamoDB Local up on ${local.endpoint} in ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
    const world = await createLocalWorld({ client: local.client, model, seed, hooks, onLedgerEvent: (_id, event) => timeline.onEvent(event) });
    const run = await runLocalRollout({
      request,
      deps: world.deps,
      clock: world.clock,
      hookRuntime: world.hooks,
      onApprovalRequested: (rolloutId, control) => {
        const approved = (opts.gates ?? 'approve') === 'approve';
        void answerApproval(control, rolloutId, approved, { by: 'fledge demo', reason: `--gates ${approved ? 'approve' : 'reject'}` });
      },
    });
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const record = run.rolloutId ? await world.ledger.getRollout(run.rolloutId) : undefined;
    const events = run.rolloutId ? await world.ledger.listEvents(run.rolloutId) : [];
    const reason = record?.outcome?.reason ?? run.cause ?? run.endState;
    const captured = (record?.captured ?? []) as unknown as CapturedState[];
    const targetsNow = captured.map((c) => ({ targetKey: c.targetKey, captured: c, now: world.fleet.state(c.targetKey) }));

    if (opts.report && record) {
      const data = buildReportData({ record, events, title: `fledge local rollout: ${scenarioName}`, endState: run.endState, local: { scenario: scenarioName, seed, wallSeconds } });
      await writeFile(opts.report, renderHtmlReport(data), 'utf8');
    }

    const summary = {
      outcome: run.outcome,
      endState: run.endState,
      reason,
      rolloutId: run.rolloutId,
      scenario: scenarioName,
      seed,
      virtualMinutes: Math.round((run.endedAt.getTime() - run.startedAt.getTime()) / 60_000),
      wallSeconds: Number(wallSeconds.toFixed(2)),
      evaluations: events.filter((e) => e.type === 'evaluation').length,
      ledgerEvents: events.length,
      targets: targetsNow,
      report: opts.report,
    };
    if (opts.json) {
      io.out(JSON.stringify(summary, null, 2));
    } else {
      printSummary(io, run, reason, summary);
    }
    return exitCodeOf(run);
  });
}

function printSummary(
  io: CliIo,
  run: LocalRunResult,
  reason: string,
  s: { virtualMinutes: number; wallSeconds: number; evaluations: number; ledgerEvents: number; rolloutId?: string; report?: string; targets: { targetKey: string; now: unknown }[] },
): void {
  const headline = run.outcome === 'promoted' ? 'PROMOTED' : run.outcome === 'rolled-back' ? 'ROLLED BACK' : run.outcome.toUpperCase();
  io.out('');
  io.out(`${headline} (ended in state ${run.endState}, exit ${exitCodeOf(run)})`);
  io.out(`  why: ${reason}`);
  for (const t of s.targets) io.out(`  ${t.targetKey} now: ${JSON.stringify(t.now)}`);
  io.out(`  ${s.virtualMinutes} virtual minutes in ${s.wallSeconds.toFixed(1)} s of wall time; ${s.evaluations} evaluations; ${s.ledgerEvents} ledger events for rollout ${s.rolloutId ?? '-'}`);
  if (s.report) io.out(`  report: ${s.report}`);
}

export function exitCodeOf(run: LocalRunResult): number {
  switch (run.outcome) {
    case 'promoted':
      return EXIT.promoted;
    case 'rejected':
      return EXIT.usage;
    default:
      return EXIT.rolledBack;
  }
}

/** The rollout to run, and the hook functions local mode runs for it. */
async function demoRequest(opts: DemoOptions): Promise<{ request: RolloutRequestInput; local: LocalSection; dir: string }> {
  // `--request ''` is a path that cannot be read, not a missing option.
  if (opts.request !== undefined) {
    if (opts.strategy || opts.mode) throw new UsageError('--request already holds the strategy and mode; drop --strategy/--mode or edit the file');
    const file = await readRequestFile(opts.request, '--request');
    return { request: file.request as RolloutRequestInput, local: parseLocalSection(file.local, opts.request), dir: file.dir };
  }
  const strategy = opts.strategy ?? 'progressive';
  if (!(PRESET_NAMES as readonly string[]).includes(strategy)) {
    throw new UsageError(`unknown strategy "${strategy}": use one of ${PRESET_NAMES.join(', ')}, or --request with custom steps`);
  }
  const request: RolloutRequestInput = { targets: [DEMO_TARGET], strategy: strategy as PresetName, mode: opts.mode ?? 'enforce', smokeTest: DEMO_SMOKE_TEST, hooks: DEMO_HOOKS };
  return { request, local: DEMO_LOCAL_HOOKS, dir: process.cwd() };
}

/** The demo's lifecycle hooks: a check before any traffic, and one once the new version serves everything. */
const DEMO_HOOKS: NonNullable<RolloutRequestInput['hooks']> = {
  preTraffic: { functionName: 'orders-api-pre-traffic', timeoutSeconds: 120 },
  postTraffic: { functionName: 'orders-api-post-traffic', timeoutSeconds: 300 },
};

/** Local mode runs these in place of the hook functions: simulated answers, in virtual time. */
const DEMO_LOCAL_HOOKS: LocalSection = parseLocalSection(
  {
    hooks: {
      'orders-api-pre-traffic': { simulate: 'Succeeded', reason: 'orders schema migration applied; downstream payments sandbox reachable', durationSeconds: 8 },
      'orders-api-post-traffic': { simulate: 'Succeeded', reason: 'end-to-end checkout journey passed on version 42', durationSeconds: 45 },
    },
  },
  'the demo request',
);

/** Three test events the demo's new version must answer before it gets any traffic. */
const DEMO_SMOKE_TEST: NonNullable<RolloutRequestInput['smokeTest']> = {
  events: [
    { payload: { path: '/health' } },
    { payload: { path: '/orders', method: 'POST', body: { sku: 'demo-1', quantity: 1 } }, expect: { responseContains: { statusCode: 200 }, maxDurationMs: 1_000 } },
    { payload: { path: '/orders/demo-1' }, expect: { responseContains: { statusCode: 200 } } },
  ],
  concurrency: 2,
};
