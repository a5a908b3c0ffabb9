import type { Target, TargetKind } from './targets';

/**
 * What preflight captured about a target before the rollout touched it. Rollback restores
 * exactly this. `attributes` are router-specific (alias RevisionId, AppConfig version numbers…)
 * and must stay JSON-serialisable: they are stored in the ledger.
 */
export interface CapturedState {
  readonly targetKey: string;
  readonly kind: TargetKind;
  /** The version serving traffic before the rollout: Lambda version, or the flag's baseline variant. */
  readonly stableVersion: string;
  /** The version being rolled out: Lambda version, or the flag's new variant. */
  readonly newVersion: string;
  readonly attributes: Readonly<Record<string, string | number | boolean | null>>;
}

/** What a restore did, recorded in the ledger so "what happened on rollback" has an answer. */
export interface RestoreResult {
  readonly targetKey: string;
  readonly action: 'restored' | 'already-stable' | 'skipped-drifted';
  readonly detail: string;
}

/** A target and what preflight captured of it: everything Rollback needs to put it back. */
export interface TargetToRestore {
  readonly target: Target;
  readonly captured: CapturedState;
}
