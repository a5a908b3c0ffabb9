import { z } from 'zod';
import { parseOrThrow } from '../domain/validation';

/** The statuses an execution ends in: what the outcome rule forwards. */
export const ENDED_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/**
 * The EventBridge event Step Functions sends when an execution's status changes. Dates are epoch
 * milliseconds; `input` and `output` are JSON strings, null when absent (a failed execution has no
 * output) or left out when input and output together exceed EventBridge's event size.
 */
const executionStatusChangeSchema = z.object({
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  source: z.literal('aws.states'),
  region: z.string().min(1),
  detail: z.object({
    executionArn: z.string().startsWith('arn:'),
    stateMachineArn: z.string().startsWith('arn:'),
    name: z.string().min(1),
    status: z.enum(ENDED_STATUSES, { error: `must be one of ${ENDED_STATUSES.join(', ')}: only an execution that ended has an outcome` }),
    startDate: z.number().nullish(),
    stopDate: z.number().nullish(),
    input: z.string().nullish(),
    output: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

/** An execution that ended, as the notification needs it. */
export interface EndedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: EndedStatus;
  readonly region: string;
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  /** The execution input (the rollout request), parsed; undefined when absent or not JSON. */
  readonly input?: unknown;
  /** The execution output, parsed; only a succeeded execution has one. */
  readonly output?: unknown;
  /** A failed execution's error name: the Fail state's error, or the error a task failed with. */
  readonly error?: string;
  readonly cause?: string;
}

/** Reads the event the outcome rule delivers; anything else is refused with what was wrong. */
export function parseExecutionEnded(event: unknown): EndedExecution {
  const { region, detail } = parseOrThrow(executionStatusChangeSchema, event, `"${EXECUTION_STATUS_CHANGE}" event`);
  return {
    executionArn: detail.executionArn,
    stateMachineArn: detail.stateMachineArn,
    name: detail.name,
    status: detail.status,
    region,
    ...(typeof detail.startDate === 'number' ? { startedAt: new Date(detail.startDate) } : {}),
    ...(typeof detail.stopDate === 'number' ? { stoppedAt: new Date(detail.stopDate) } : {}),
    ...optional('input', parseJson(detail.input)),
    ...optional('output', parseJson(detail.output)),
    ...optional('error', detail.error ?? undefined),
    ...optional('cause', detail.cause ?? undefined),
  };
}

/** Input and output are whatever the execution was given or produced: not JSON is not an error here. */
function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
