import { FledgeError } from '../../domain/errors';

/** A rollout with this id was already written. Ids are never reused: the ledger is an audit trail. */
export class RolloutExistsError extends FledgeError {
  constructor(readonly rolloutId: string) {
    super(`rollout ${rolloutId} already exists; pick another rollout id (ids are never reused)`);
  }
}

/** An item read back from the table does not have the shape this code writes. */
export class CorruptRecordError extends FledgeError {
  constructor(
    readonly key: string,
    readonly issues: readonly string[],
  ) {
    super(`ledger item ${key} is malformed: ${issues.join('; ')}`);
  }
}
