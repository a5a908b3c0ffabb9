import type { RollbackReason } from '../domain/cursor';
import type { LifecycleEvent } from '../domain/lifecycle-hooks';

/**
 * The names in the rollout state machine that other code depends on, with no CDK import: the CLI,
 * local mode and the report read them without loading aws-cdk-lib. The graph itself is built in
 * rollout-definition.ts, from these.
 */

/** One Lambda function per task state. */
export const HANDLER_NAMES = [
  'preflight',
  'smokeTest',
  'prepareHook',
  'checkHook',
  'shift',
  'evaluate',
  'requestApproval',
  'promote',
  'finalize',
  'rollback',
  'recordRollback',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** State names are an API: local mode overrides tasks by name, and Fail names tell users why. */
export const STATE = {
  preflight: 'Preflight',
  smokeTest: 'SmokeTest',
  hasPreTrafficHook: 'HasPreTrafficHook',
  preparePreTrafficHook: 'PreparePreTrafficHook',
  /** Step Functions itself invokes the user's function here (lambda:invoke), for up to 15 minutes. */
  preTrafficHook: 'PreTrafficHook',
  checkPreTrafficHook: 'CheckPreTrafficHook',
  shift: 'ShiftTraffic',
  wait: 'WaitForMetrics',
  evaluate: 'Evaluate',
  decide: 'Decide',
  awaitApproval: 'AwaitApproval',
  afterApproval: 'AfterApproval',
  promote: 'Promote',
  hasPostTrafficHook: 'HasPostTrafficHook',
  preparePostTrafficHook: 'PreparePostTrafficHook',
  postTrafficHook: 'PostTrafficHook',
  checkPostTrafficHook: 'CheckPostTrafficHook',
  afterPostTrafficHook: 'AfterPostTrafficHook',
  finalize: 'Finalize',
  promoted: 'Promoted',
  unknownDecision: 'UnknownDecision',
  rollback: 'Rollback',
  recordRollback: 'RecordRollback',
  /** Traffic was restored, but the ledger stayed unreachable through every retry of RecordRollback. */
  rolledBackUnrecorded: 'RolledBackUnrecorded',
  /** Promoted and judged, but the ledger stayed unreachable through every retry of Finalize. */
  promotedUnrecorded: 'PromotedUnrecorded',
  rollbackOutcome: 'RollbackOutcome',
  /** Where RollbackOutcome goes for a reason it has no Fail state of its own for. */
  rolledBack: 'RolledBack',
  preflightRejected: 'PreflightRejected',
  rollbackFailed: 'RollbackFailed',
} as const;

/** Which task state runs which handler: local mode uses this to wire its in-process handlers. */
export const TASK_HANDLERS: Readonly<Record<string, HandlerName>> = {
  [STATE.preflight]: 'preflight',
  [STATE.smokeTest]: 'smokeTest',
  [STATE.preparePreTrafficHook]: 'prepareHook',
  [STATE.checkPreTrafficHook]: 'checkHook',
  [STATE.preparePostTrafficHook]: 'prepareHook',
  [STATE.checkPostTrafficHook]: 'checkHook',
  [STATE.shift]: 'shift',
  [STATE.evaluate]: 'evaluate',
  [STATE.awaitApproval]: 'requestApproval',
  [STATE.promote]: 'promote',
  [STATE.finalize]: 'finalize',
  [STATE.rollback]: 'rollback',
  [STATE.recordRollback]: 'recordRollback',
};

/**
 * The task states that run no fledge function: Step Functions invokes the user's hook function
 * itself, and local mode stands in for that integration (lib/local/hooks).
 */
export const HOOK_INVOKE_STATES: Readonly<Record<string, LifecycleEvent>> = {
  [STATE.preTrafficHook]: 'preTraffic',
  [STATE.postTrafficHook]: 'postTraffic',
};

/** The Fail state each rollback reason ends in. */
export const ROLLED_BACK_STATE: Readonly<Record<RollbackReason, string>> = {
  'verdict-failed': 'RolledBackOnFailedVerdict',
  aborted: 'RolledBackOnAbort',
  inconclusive: 'RolledBackOnInconclusive',
  'approval-rejected': 'RolledBackOnApprovalRejected',
  'smoke-test': 'RolledBackOnSmokeTest',
  'pre-traffic-hook': 'RolledBackOnPreTrafficHook',
  'post-traffic-hook': 'RolledBackOnPostTrafficHook',
  error: 'RolledBackOnError',
};

/** Errors worth retrying: throttling and conflicts that clear (see lib/adapters/aws-errors.ts). Step Functions matches exact names. */
export const TRANSIENT_ERRORS = ['TransientError', 'DeploymentInProgressError'];

/**
 * A handler that died mid-call (out of memory, timed out, its process gone) reaches Step Functions
 * as Lambda.Unknown. Every handler is written to be run again after that: its AWS writes check what
 * is already there, and its ledger writes are conditional or repeatable.
 */
export const HANDLER_DIED_ERRORS = ['Lambda.Unknown'];
