import type { HookCall } from '../domain/cursor';
import { hookTarget, type HookEvent, type LifecycleEvent } from '../domain/lifecycle-hooks';
import { RolloutStateError } from '../domain/errors';
import type { RolloutContext } from './rollout-context';

/** How the timeline, the report and the notes name each hook. */
export const HOOK_LABEL: Readonly<Record<LifecycleEvent, string>> = { preTraffic: 'pre-traffic hook', postTraffic: 'post-traffic hook' };

/**
 * The call the state machine makes for one of the request's hooks: which function, for how long,
 * and the event it receives. `stepIndex` is the step in effect (-1 before the first shift).
 */
export function hookCallFor(ctx: RolloutContext, lifecycleEvent: LifecycleEvent, stepIndex: number, startedAt: Date): HookCall {
  const hook = ctx.request.hooks?.[lifecycleEvent];
  if (!hook) throw new RolloutStateError(`rollout ${ctx.record.rolloutId} names no ${lifecycleEvent} hook`);
  const step = ctx.plan.steps[stepIndex];
  const event: HookEvent = {
    lifecycleEvent,
    rolloutId: ctx.record.rolloutId,
    mode: ctx.request.mode,
    // Before traffic nothing has moved; after it, Promote has put every target on the new version.
    weight: lifecycleEvent === 'preTraffic' ? 0 : 100,
    step: lifecycleEvent === 'preTraffic' || !step ? null : { index: stepIndex, name: step.name, weight: step.weight },
    targets: ctx.targets.map((t) => hookTarget(t.target, t.captured)),
    timeoutSeconds: hook.timeoutSeconds,
  };
  return { FunctionName: hook.functionName, Payload: event, hookStartedAt: startedAt.toISOString() };
}
