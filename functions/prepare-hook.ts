import { lambdaEntry } from '../lib/runtime/lambda-entry';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { hookCallFor } from '../lib/controller/hook-call';
import { loadRollout } from '../lib/controller/rollout-context';
import type { HookCursor, RolloutCursor } from '../lib/domain/cursor';
import type { LifecycleEvent } from '../lib/domain/lifecycle-hooks';

export interface PrepareHookEvent {
  readonly lifecycleEvent: LifecycleEvent;
  readonly cursor: RolloutCursor;
}

/**
 * Readies one lifecycle hook: the function, its timeout and the event it receives go into the
 * cursor, where the next state (Step Functions' own lambda:invoke) reads them. Records that it runs.
 */
export function makePrepareHookHandler(deps: Pick<ControllerDeps, 'ledger' | 'clock'>) {
  return async ({ lifecycleEvent, cursor }: PrepareHookEvent): Promise<HookCursor> => {
    const ctx = await loadRollout(deps.ledger, cursor.rolloutId);
    const hook = hookCallFor(ctx, lifecycleEvent, cursor.stepIndex, deps.clock.now());
    await deps.ledger.appendEvent(cursor.rolloutId, 'hook-started', {
      lifecycleEvent,
      functionName: hook.FunctionName,
      timeoutSeconds: hook.Payload.timeoutSeconds,
      weight: hook.Payload.weight,
    });
    return { ...cursor, ...hook };
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('prepare-hook', makePrepareHookHandler);
