import type { RestoreResult } from './captured-state';

/**
 * The message of a RollbackFailedError, written by Rollback and read back by whoever reports on it.
 * It is the only channel: Step Functions passes a failed task on as an error name and a message, so
 * which target is in which state travels as text, in the one format both sides share here.
 */

/** A target Rollback could not put back, and the error that stopped it. */
export interface TargetNotRestored {
  readonly targetKey: string;
  readonly why: string;
}

/** What a failed rollback left a target in: what it did, or why it could not. */
export type TargetAfterFailedRollback = { readonly action: RestoreResult['action'] } | { readonly action: 'not-restored'; readonly why: string };

const LIST_START = ' target(s): ';
const SEPARATOR = '; ';
const NOT_RESTORED = 'not restored (';
const ACTIONS: readonly RestoreResult['action'][] = ['restored', 'already-stable', 'skipped-drifted'];

/** `could not restore 1 of 2 target(s): lambda:a:live: not restored (DriftError: …); lambda:b:live: restored` */
export function rollbackFailureMessage(total: number, failed: readonly TargetNotRestored[], done: readonly Pick<RestoreResult, 'targetKey' | 'action'>[]): string {
  const parts = [...failed.map((f) => `${f.targetKey}: ${NOT_RESTORED}${f.why})`), ...done.map((d) => `${d.targetKey}: ${d.action}`)];
  return `could not restore ${failed.length} of ${total}${LIST_START}${parts.join(SEPARATOR)}`;
}

/**
 * Reads a rollback failure message back, for the targets given (their keys are what anchors each
 * part, so an error text containing "; " cannot split a part). A target the message does not name,
 * because the message was cut short, is absent from the result.
 */
export function targetsAfterFailedRollback(message: string, targetKeys: readonly string[]): Map<string, TargetAfterFailedRollback> {
  const listAt = message.indexOf(LIST_START);
  if (listAt < 0) return new Map();
  const list = message.slice(listAt + LIST_START.length);
  const starts = targetKeys
    .map((key) => ({ key, at: partStart(list, key) }))
    .filter((p): p is { key: string; at: number } => p.at >= 0)
    .sort((a, b) => a.at - b.at);
  const found = new Map<string, TargetAfterFailedRollback>();
  starts.forEach(({ key, at }, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].at - SEPARATOR.length : list.length;
    const text = list.slice(at + key.length + 2, end);
    if (text.startsWith(NOT_RESTORED)) {
      found.set(key, { action: 'not-restored', why: text.slice(NOT_RESTORED.length).replace(/\)$/, '') });
    } else {
      const action = ACTIONS.find((a) => text === a);
      if (action) found.set(key, { action });
    }
  });
  return found;
}

/** Where `key: ` begins a part: at the start of the list or right after a separator. */
function partStart(list: string, key: string): number {
  const label = `${key}: `;
  if (list.startsWith(label)) return 0;
  const at = list.indexOf(`${SEPARATOR}${label}`);
  return at < 0 ? -1 : at + SEPARATOR.length;
}
