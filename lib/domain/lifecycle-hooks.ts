import { z } from 'zod';
import type { CapturedState } from './captured-state';
import { EXCERPT_CHARS, excerpt, oneLine, printable } from './text';
import type { Target } from './targets';

/**
 * Lifecycle hooks: a Lambda function of the user's, run by the state machine itself (Step Functions'
 * lambda:invoke integration) before the first weight moves (`preTraffic`) and after the release
 * took all the traffic and passed its judgment, before Finalize (`postTraffic`). The hook answers
 * `{ "status": "Succeeded" | "Failed", "reason"?: string }`; anything else rolls the release back.
 */

export const LIFECYCLE_EVENTS = ['preTraffic', 'postTraffic'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** Lambda runs one invocation for 15 minutes at most; a hook cannot take longer. */
export const MAX_HOOK_TIMEOUT_SECONDS = 900;

/** A function name or ARN, optionally qualified by a version or an alias. */
export const HOOK_FUNCTION = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?([a-zA-Z0-9-_]{1,64})(:(?:\$LATEST|[a-zA-Z0-9-_]{1,128}))?$/;

export const hookSchema = z.strictObject({
  functionName: z.string().regex(HOOK_FUNCTION, 'must be a Lambda function name or ARN, optionally with a :version or :alias qualifier'),
  /** How long the hook may run before it counts as failed. */
  timeoutSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(1)
    .max(MAX_HOOK_TIMEOUT_SECONDS, `must be at most ${MAX_HOOK_TIMEOUT_SECONDS} seconds (15 minutes: Lambda runs no invocation longer)`)
    .default(300),
});

export const hooksSchema = z.strictObject({
  preTraffic: hookSchema.optional(),
  postTraffic: hookSchema.optional(),
});

export type Hook = z.output<typeof hookSchema>;
export type Hooks = z.output<typeof hooksSchema>;

/** The unqualified function name of a hook (what IAM and the stack's configuration name). */
export function hookFunctionName(functionName: string): string {
  const match = HOOK_FUNCTION.exec(functionName);
  return match ? match[2] : functionName;
}

/** What a hook function receives. */
export interface HookEvent {
  readonly lifecycleEvent: LifecycleEvent;
  readonly rolloutId: string;
  readonly mode: 'enforce' | 'observe';
  /** The share of traffic, in percent, the new versions carry while the hook runs: 0 before traffic, 100 after. */
  readonly weight: number;
  /** The step in effect: null before traffic; the last step (100%) after it. */
  readonly step: { readonly index: number; readonly name: string; readonly weight: number } | null;
  readonly targets: readonly HookTarget[];
  /** How long the hook has before fledge stops waiting and rolls back. */
  readonly timeoutSeconds: number;
}

/** One target of the release group, as a hook sees it: its identity, and the versions moving. */
export type HookTarget = { readonly targetKey: string; readonly stableVersion: string; readonly newVersion: string } & (
  | { readonly kind: 'lambda-alias'; readonly functionName: string; readonly alias: string }
  | { readonly kind: 'appconfig-flag'; readonly application: string; readonly environment: string; readonly profile: string; readonly flag: string }
);

export function hookTarget(target: Target, captured: CapturedState): HookTarget {
  const versions = { targetKey: captured.targetKey, stableVersion: captured.stableVersion, newVersion: captured.newVersion };
  switch (target.kind) {
    case 'lambda-alias':
      return { ...versions, kind: target.kind, functionName: target.functionName, alias: target.alias };
    case 'appconfig-flag':
      return { ...versions, kind: target.kind, application: target.application, environment: target.environment, profile: target.profile, flag: target.flag };
  }
}

/**
 * What the hook's task produced: the function's answer, or the error the Step Functions task failed
 * with (its Catch puts `{ Error, Cause }` in the same place).
 */
export type HookTaskResult = { readonly response: unknown } | { readonly Error: string; readonly Cause?: string };

export type HookResult = 'succeeded' | 'failed' | 'function-error' | 'timed-out' | 'invoke-error' | 'bad-answer';

/** A hook's outcome as the ledger keeps it: evidence cut short, since answers and errors may hold data. */
export interface HookOutcome {
  readonly passed: boolean;
  readonly result: HookResult;
  /** One line: why it passed or failed. */
  readonly reason: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
  /** The start of an answer of the wrong shape, or of Lambda's refusal, escaped; never the whole of it. */
  readonly excerpt?: string;
}

/** The most of an answer, or an error message, the ledger keeps. */
export const HOOK_EXCERPT_CHARS = EXCERPT_CHARS;

const HOOK_ANSWER = z.object({
  status: z.enum(['Succeeded', 'Failed']),
  reason: z.string().optional(),
});

/**
 * Judges what a hook's task produced. Only `{ "status": "Succeeded" }` passes; `Failed`, a function
 * error, a timeout, an invocation Lambda refused, or an answer of another shape all fail.
 */
export function judgeHookResult(result: HookTaskResult, timeoutSeconds: number): HookOutcome {
  if ('Error' in result) return judgeTaskError(result.Error, result.Cause ?? '', timeoutSeconds);
  const answer = HOOK_ANSWER.safeParse(result.response);
  if (!answer.success) {
    return {
      passed: false,
      result: 'bad-answer',
      reason: `answered ${describe(result.response)}, not { "status": "Succeeded" | "Failed" }`,
      excerpt: excerpt(JSON.stringify(result.response ?? null)),
    };
  }
  const said = answer.data.reason !== undefined ? excerpt(answer.data.reason) : undefined;
  if (answer.data.status === 'Succeeded') return { passed: true, result: 'succeeded', reason: `succeeded${said ? `: ${said}` : ''}` };
  return { passed: false, result: 'failed', reason: `failed: ${said || '(the hook gave no reason)'}` };
}

function judgeTaskError(error: string, cause: string, timeoutSeconds: number): HookOutcome {
  const name = oneLine(printable(error), 100);
  if (error === 'States.Timeout') {
    return { passed: false, result: 'timed-out', reason: `no answer within its ${timeoutSeconds} s timeout`, errorType: name };
  }
  const detail = lambdaErrorObject(cause);
  // Lambda's name for a function that crashed, ran out of memory or reached its own timeout.
  if (error === 'Lambda.Unknown') {
    return {
      passed: false,
      result: 'function-error',
      reason: `the function crashed, ran out of memory or hit its own timeout (Lambda.Unknown)${detail.errorMessage ? `: ${detail.errorMessage}` : ''}`,
      errorType: name,
      ...detail,
    };
  }
  // Lambda's own refusals (missing function, throttled through every retry, no permission) and
  // Step Functions' (States.Permissions, …): the hook never ran, or never answered.
  if (error.startsWith('Lambda.') || error.startsWith('States.')) {
    return { passed: false, result: 'invoke-error', reason: `could not be invoked: ${name}${cause ? `: ${excerpt(cause)}` : ''}`, errorType: name, excerpt: excerpt(cause) };
  }
  // Anything else is the function's own error, named by its errorType.
  return {
    passed: false,
    result: 'function-error',
    reason: `function error: ${name}${detail.errorMessage ? `: ${detail.errorMessage}` : ''}`,
    errorType: name,
    ...detail,
  };
}

/** Lambda's error object, `{ errorType, errorMessage, trace? }`, from a task's Cause; the trace is never kept. */
function lambdaErrorObject(cause: string): { errorMessage?: string } {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed?.errorMessage === 'string' ? { errorMessage: excerpt(parsed.errorMessage) } : {};
  } catch {
    return cause ? { errorMessage: excerpt(cause) } : {};
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  return oneLine(printable(JSON.stringify(value)), 80);
}
