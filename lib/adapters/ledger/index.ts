export { Ledger, type LedgerOptions } from './ledger';
export { CorruptRecordError, RolloutExistsError } from './errors';
export { createLedgerTable } from './create-table';
export { BY_TARGET_INDEX, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, createTableInput, timeToLiveInput } from './table-schema';
export {
  CONTROLLABLE_STATUSES,
  EVENT_TYPES,
  ROLLOUT_MODES,
  ROLLOUT_STATUSES,
  TERMINAL_STATUSES,
  controlRequestSchema,
  ledgerEventSchema,
  lockRecordSchema,
  pendingApprovalSchema,
  rolloutOutcomeSchema,
  rolloutRecordSchema,
  rolloutSummarySchema,
  type ControlAction,
  type ControlRequest,
  type EventType,
  type JsonObject,
  type JsonObjectInput,
  type LedgerEvent,
  type LockRecord,
  type NewRollout,
  type PendingApproval,
  type RolloutMode,
  type RolloutOutcome,
  type RolloutPatch,
  type RolloutRecord,
  type RolloutStatus,
  type RolloutSummary,
} from './records';
