import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Clock } from '../../domain/clock';
import { systemClock } from '../../domain/clock';
import { awsCall } from '../aws-errors';

/** Only `send` is used, so tests can inject `mockClient(LambdaClient)`; IAM needs lambda:InvokeFunction alone. */
export type LambdaInvokeClient = Pick<LambdaClient, 'send'>;

/** What one synchronous invocation returned. */
export interface Invocation {
  /** Set when the function failed: `Unhandled` (a crash, out of memory, a timeout) or `Handled`. */
  readonly functionError?: string;
  /** The function's answer (or its error object), parsed when it is JSON; absent when it sent nothing. */
  readonly response?: unknown;
  /** The answer's raw text, for excerpts when it is not JSON. */
  readonly responseText: string;
  /** The version Lambda ran: the qualifier asked for, as Lambda confirms it. */
  readonly executedVersion?: string;
  /** Wall time of the call as the controller saw it, network included. */
  readonly durationMs: number;
  /** No answer came within the time the caller allowed; the request was cancelled. */
  readonly timedOut?: true;
}

export interface LambdaInvokerProps {
  readonly client: LambdaInvokeClient;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Invokes one published version of a function directly, synchronously: what the pre-traffic smoke
 * test and the lifecycle hooks do before, or without, any alias weight. The qualifier is always
 * explicit, so the stable version behind the alias never receives a test event. Logs are not
 * requested: their tail may hold the payload's data, and the answer says what failed.
 *
 * A function error is an answer, not an exception: the caller judges it. Throttling becomes
 * TransientError (retried by the state machine); a missing function or version becomes
 * PreconditionError, which refuses the rollout at preflight.
 */
export class LambdaInvoker {
  private readonly client: LambdaInvokeClient;
  private readonly clock: Clock;

  constructor(props: LambdaInvokerProps) {
    this.client = props.client;
    this.clock = props.clock ?? systemClock;
  }

  /**
   * `timeoutMs` bounds the wait: a version that hangs answers nothing, and the request is
   * cancelled (Lambda may still run it to its own timeout).
   */
  async invoke(functionName: string, qualifier: string, payload: unknown, options: { readonly timeoutMs?: number } = {}): Promise<Invocation> {
    const started = this.clock.now().getTime();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const noAnswer = new Promise<'no-answer'>((resolve) => {
      if (options.timeoutMs !== undefined) timer = setTimeout(() => resolve('no-answer'), options.timeoutMs);
    });
    const call = awsCall(`Invoke ${functionName}:${qualifier}`, () =>
      this.client.send(
        new InvokeCommand({
          FunctionName: functionName,
          Qualifier: qualifier,
          InvocationType: 'RequestResponse',
          LogType: 'None',
          Payload: new TextEncoder().encode(JSON.stringify(payload ?? null)),
        }),
        { abortSignal: abort.signal },
      ),
    );
    try {
      const output = await Promise.race([call, noAnswer]);
      const durationMs = this.clock.now().getTime() - started;
      if (output === 'no-answer') {
        abort.abort();
        call.catch(() => undefined);
        return { responseText: '', durationMs, timedOut: true };
      }
      const responseText = output.Payload ? new TextDecoder().decode(output.Payload) : '';
      return {
        ...(output.FunctionError ? { functionError: output.FunctionError } : {}),
        ...(responseText ? { response: parseJson(responseText) } : {}),
        responseText,
        ...(output.ExecutedVersion ? { executedVersion: output.ExecutedVersion } : {}),
        durationMs,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
