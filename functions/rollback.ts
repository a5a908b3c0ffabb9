import { lambdaEntry } from '../lib/runtime/lambda-entry';
import { routerFor, type RestoreResult } from '../lib/adapters/traffic/traffic-router';
import type { ControllerDeps } from '../lib/controller/dependencies';
import { ledgerNote } from '../lib/controller/rollout-context';
import type { RestoredCursor, RolloutCursor } from '../lib/domain/cursor';
import { RollbackFailedError } from '../lib/domain/errors';
import { rollbackFailureMessage, type TargetNotRestored } from '../lib/domain/rollback-failure';

/**
 * Traffic first: restores every target to exactly what preflight captured, from the cursor alone.
 * It never touches the ledger (its role cannot), so a throttled or unreachable table cannot keep
 * the new version serving; RecordRollback writes the story afterwards. It tries every target even
 * when one fails, then fails naming each target's state, so the state machine retries it (restores
 * are idempotent) and, in the end, records a RollbackFailed for a human.
 */
export function makeRollbackHandler(deps: Pick<ControllerDeps, 'routers'>) {
  return async (cursor: RolloutCursor): Promise<RestoredCursor> => {
    const restored: RestoreResult[] = [];
    const failures: TargetNotRestored[] = [];
    for (const { target, captured } of cursor.targets) {
      try {
        restored.push(await routerFor(deps.routers, target).restore(target, captured));
      } catch (error) {
        failures.push({ targetKey: captured.targetKey, why: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
    }
    if (failures.length > 0) {
      throw new RollbackFailedError(ledgerNote(rollbackFailureMessage(cursor.targets.length, failures, restored)));
    }
    return { ...cursor, restored };
  };
}

/** The Lambda entry point in AWS. */
export const handler = lambdaEntry('rollback', makeRollbackHandler);
