import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { plainJson } from '../lib/controller/json';
import { ledgerNote, loadRollout } from '../lib/controller/rollout-context';
import { runSmokeTest } from '../lib/controller/smoke-test-run';
import type { RolloutCursor } from '../lib/domain/cursor';

/**
 * The pre-traffic smoke test: sends the request's test events to each new version directly, before
 * any alias weight moves, and records every result. A failing event rolls the rollout back (in
 * observe mode it is recorded and the rollout goes on). A request without a smoke test passes through.
 */
export function makeSmokeTestHandler(deps: Pick<ControllerDeps, 'ledger' | 'invoker' | 'clock'>) {
  return async (cursor: RolloutCursor): Promise<RolloutCursor> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const smoke = ctx.request.smokeTest;
    if (!smoke) return cursor;
    const report = await runSmokeTest(smoke, ctx.targets, deps.invoker, deps.clock);
    const failed = report.failures.length > 0;
    await deps.ledger.appendEvent(cursor.rolloutId, 'smoke-test', { ...plainJson(report), passed: report.passed, outcome: failed ? 'failed' : 'passed' });
    if (!failed || ctx.request.mode === 'observe') return cursor;
    const first = report.failures[0];
    return {
      ...cursor,
      decision: 'rollback',
      rollbackReason: 'smoke-test',
      note: ledgerNote(`smoke test failed: ${report.failures.length} of ${report.events} event(s); event ${first.eventIndex}: ${first.reason}`),
    };
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('smoke-test', makeSmokeTestHandler);
