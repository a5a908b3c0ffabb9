import { createHash, randomUUID } from 'node:crypto';

/** `r-20260302T091500-1a2b3c4d`: sortable by time, unique by its random tail. */
export function newRolloutId(now: Date): string {
  return `r-${stamp(now)}-${randomUUID().slice(0, 8)}`;
}

/**
 * The id of a rollout started without one, the same for every attempt of its execution: a retried
 * preflight must find the locks and the record its first attempt wrote as its own.
 */
export function rolloutIdOfExecution(executionId: string, startedAt: Date): string {
  return `r-${stamp(startedAt)}-${createHash('sha256').update(executionId).digest('hex').slice(0, 8)}`;
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}
