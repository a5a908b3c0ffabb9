import { EXCERPT_CHARS, excerpt, oneLine, printable } from './text';

/** What one smoke event's answer must show; every part is optional, and an empty expectation asks only for no function error. */
export interface SmokeExpectation {
  /** @default true */
  readonly noFunctionError?: boolean;
  readonly maxDurationMs?: number;
  /** A JSON value the response must contain: objects by subset, arrays and scalars exactly. */
  readonly responseContains?: unknown;
}

/** The parts of an invocation the check reads. */
export interface SmokeAnswer {
  readonly functionError?: string;
  readonly response?: unknown;
  readonly responseText: string;
  readonly durationMs: number;
  readonly timedOut?: true;
}

/** Why one event failed, with evidence short enough for the ledger. */
export interface SmokeFailure {
  readonly eventIndex: number;
  readonly reason: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly durationMs: number;
  /** The start of the response, escaped: responses may hold data, so never the whole of it. */
  readonly responseExcerpt: string;
}

/** The most of a response the ledger keeps. */
export const RESPONSE_EXCERPT_CHARS = EXCERPT_CHARS;

/** Judges one event's answer against its expectation; undefined when it passes. */
export function checkSmokeAnswer(eventIndex: number, answer: SmokeAnswer, expectation: SmokeExpectation = {}): SmokeFailure | undefined {
  const failure = (reason: string): SmokeFailure => ({
    eventIndex,
    reason,
    ...errorFields(answer),
    durationMs: answer.durationMs,
    responseExcerpt: excerpt(answer.responseText),
  });
  if (answer.timedOut) return failure(`no answer within ${Math.round(answer.durationMs)} ms: the smoke test's time ran out`);
  if ((expectation.noFunctionError ?? true) && answer.functionError) {
    const { errorType, errorMessage } = errorFields(answer);
    return failure(`function error (${answer.functionError})${errorType ? `: ${errorType}` : ''}${errorMessage ? `: ${errorMessage}` : ''}`);
  }
  if (expectation.maxDurationMs !== undefined && answer.durationMs > expectation.maxDurationMs) {
    return failure(`took ${Math.round(answer.durationMs)} ms, over the ${expectation.maxDurationMs} ms allowed`);
  }
  if (expectation.responseContains !== undefined) {
    const missing = firstMismatch(expectation.responseContains, answer.response, 'response');
    if (missing) return failure(missing);
  }
  return undefined;
}

/**
 * Where `actual` stops containing `expected`, as a path and what was found, or undefined when it
 * contains it: every key of an expected object must be there with a contained value; arrays and
 * scalars must be equal.
 */
export function firstMismatch(expected: unknown, actual: unknown, path: string): string | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path}: expected an object, found ${describe(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key}: missing`;
      const deeper = firstMismatch(value, actual[key], `${path}.${key}`);
      if (deeper) return deeper;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : `${path}: expected ${describe(expected)}, found ${describe(actual)}`;
}

/** Lambda's error object is `{ errorType, errorMessage, trace? }`; the trace is never kept. */
function errorFields(answer: SmokeAnswer): { errorType?: string; errorMessage?: string } {
  if (!answer.functionError || !isObject(answer.response)) return {};
  const { errorType, errorMessage } = answer.response;
  return {
    ...(typeof errorType === 'string' ? { errorType: oneLine(printable(errorType), 100) } : {}),
    ...(typeof errorMessage === 'string' ? { errorMessage: excerpt(errorMessage) } : {}),
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return oneLine(printable(JSON.stringify(value)), 60);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
