import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { HOOK_LABEL } from '../lib/controller/hook-call';
import { plainJson } from '../lib/controller/json';
import { cursorFor, ledgerNote, loadRollout } from '../lib/controller/rollout-context';
import type { HookCursor, RolloutCursor } from '../lib/domain/cursor';
import { judgeHookResult } from '../lib/domain/lifecycle-hooks';
import { abortDecision } from '../lib/domain/decide';

/**
 * Judges what a lifecycle hook answered, or how its invocation failed, and records it with the
 * evidence. Success goes on (to the first shift, or to Finalize); anything else rolls back, from
 * wherever the traffic is. In observe mode a failure is recorded and the rollout goes on. An abort
 * requested while the hook ran rolls back whatever the hook said.
 */
export function makeCheckHookHandler(deps: Pick<ControllerDeps, 'ledger' | 'clock'>) {
  return async (cursor: HookCursor): Promise<RolloutCursor> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const { lifecycleEvent, timeoutSeconds } = cursor.Payload;
    // The hook's task always sets a result, its answer or its Catch's error; this guards a hand-made input.
    const outcome = judgeHookResult(cursor.hookResult ?? { Error: 'States.Runtime', Cause: 'the hook task left no result' }, timeoutSeconds);
    const seconds = Math.max(0, (deps.clock.now().getTime() - Date.parse(cursor.hookStartedAt)) / 1000);
    await deps.ledger.appendEvent(cursor.rolloutId, 'hook-finished', {
      lifecycleEvent,
      functionName: cursor.FunctionName,
      outcome: outcome.passed ? 'passed' : 'failed',
      ...plainJson(outcome),
      durationSeconds: Math.round(seconds * 10) / 10,
    });

    const phase = { stepIndex: cursor.stepIndex, phase: cursor.phase, phaseStartedAt: cursor.phaseStartedAt };
    // An abort asked for while the hook ran is acted on now: before traffic, no evaluation would see it
    // until the first weight had moved. Cleared once acted on and recorded, as Evaluate does.
    const control = ctx.record.control;
    if (control?.action === 'abort') {
      const abort = abortDecision(control);
      const next = cursorFor(ctx, { ...phase, decision: abort.decision, rollbackReason: abort.rollbackReason, note: ledgerNote(abort.reason) });
      await deps.ledger.clearControl(cursor.rolloutId, control);
      return next;
    }
    const said = `${HOOK_LABEL[lifecycleEvent]} ${cursor.FunctionName} ${outcome.reason}`;
    if (outcome.passed || ctx.request.mode === 'observe') {
      if (lifecycleEvent === 'preTraffic') return cursorFor(ctx, { ...phase, decision: 'advance', note: cursor.note });
      // The note becomes the promotion's recorded reason: the hook's word joins the judge's.
      return cursorFor(ctx, { ...phase, decision: 'finalize', note: ledgerNote(`${cursor.note ?? 'all steps passed'}; ${said}`) });
    }
    return cursorFor(ctx, {
      ...phase,
      decision: 'rollback',
      rollbackReason: lifecycleEvent === 'preTraffic' ? 'pre-traffic-hook' : 'post-traffic-hook',
      note: ledgerNote(said),
    });
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('check-hook', makeCheckHookHandler);
