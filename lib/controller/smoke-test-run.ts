import type { Invocation } from '../adapters/invoke/lambda-invoker';
import type { Clock } from '../domain/clock';
import { checkSmokeAnswer, type SmokeFailure } from '../domain/smoke-check';
import { smokeTargetOf, type SmokeTest } from '../domain/smoke-test';
import type { TargetContext } from './rollout-context';

/** What runs one event: the AWS invoker, or the simulated fleet in local mode. */
export interface SmokeInvoker {
  invoke(functionName: string, qualifier: string, payload: unknown, options?: { readonly timeoutMs?: number }): Promise<Invocation>;
}

/** The smoke test's outcome, as the ledger keeps it: counts, and the evidence of every failure. */
export interface SmokeReport {
  readonly events: number;
  readonly passed: number;
  readonly failures: readonly SmokeFailure[];
  /** Each event's duration in ms, in event order; absent for an event that did not run. */
  readonly durationsMs: readonly (number | null)[];
}

/**
 * Sends every event to the new version of its alias target, at most `concurrency` at once, and
 * judges each answer. Events not started when `timeoutSeconds` has passed fail as not run, and an
 * answer still missing then fails as timed out. The
 * invoker's TransientError (throttling) is not caught: the state machine retries the whole test,
 * so smoke events must be safe to send twice, as a test event should be.
 */
export async function runSmokeTest(smoke: SmokeTest, targets: readonly TargetContext[], invoker: SmokeInvoker, clock: Clock): Promise<SmokeReport> {
  const deadline = clock.now().getTime() + smoke.timeoutSeconds * 1000;
  const failures: (SmokeFailure | undefined)[] = new Array(smoke.events.length);
  const durations: (number | null)[] = new Array(smoke.events.length).fill(null);
  let next = 0;

  const runOne = async (index: number): Promise<void> => {
    const event = smoke.events[index];
    if (clock.now().getTime() >= deadline) {
      failures[index] = { eventIndex: index, reason: `not run: the smoke test's ${smoke.timeoutSeconds} s ran out first`, durationMs: 0, responseExcerpt: '' };
      return;
    }
    const context = contextOf(event, targets);
    const answer = await invoker.invoke(context.target.functionName, context.captured.newVersion, event.payload, { timeoutMs: deadline - clock.now().getTime() });
    durations[index] = answer.durationMs;
    failures[index] = checkSmokeAnswer(index, answer, event.expect);
  };
  const worker = async () => {
    while (next < smoke.events.length) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(smoke.concurrency, smoke.events.length) }, worker));

  const failed = failures.filter((f): f is SmokeFailure => f !== undefined);
  return { events: smoke.events.length, passed: smoke.events.length - failed.length, failures: failed, durationsMs: durations };
}

function contextOf(event: SmokeTest['events'][number], targets: readonly TargetContext[]): TargetContext & { target: { functionName: string } } {
  const target = smokeTargetOf(event, targets.map((t) => t.target));
  // The request was validated: every event has its target.
  if (typeof target === 'string') throw new Error(`smoke event without a target: ${target}`);
  const context = targets.find((t) => t.target === target);
  if (!context || context.target.kind !== 'lambda-alias') throw new Error(`smoke event for ${target.functionName}, which has no captured state`);
  return context as TargetContext & { target: { functionName: string } };
}
