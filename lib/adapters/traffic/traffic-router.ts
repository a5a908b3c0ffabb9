import { ValidationError } from '../../domain/errors';
import type { CapturedState, RestoreResult } from '../../domain/captured-state';
import { targetKey, type Target, type TargetKind } from '../../domain/targets';

export type { CapturedState, RestoreResult } from '../../domain/captured-state';

/**
 * One small interface per concern. Each target kind has one implementation for AWS and one
 * for the simulated fleet.
 */
export interface TrafficRouter<T extends Target = Target> {
  /** Reads and validates the target's current state; refuses targets that cannot be rolled out. */
  capture(target: T): Promise<CapturedState>;
  /**
   * Sends `weightPercent` (0–100) of traffic to the new version. `previousWeightPercent` is what
   * fledge set last (0 before the first shift): a target showing anything else was changed by
   * someone else, and the router raises DriftError. A target already at `weightPercent` is left
   * as it is, so a retried shift is harmless.
   */
  setWeight(target: T, captured: CapturedState, weightPercent: number, previousWeightPercent: number): Promise<void>;
  /** Makes the new version the only one serving, checking for drift like setWeight. */
  promote(target: T, captured: CapturedState, previousWeightPercent: number): Promise<void>;
  /** Puts the target back exactly as captured. Must be safe to call more than once. */
  restore(target: T, captured: CapturedState): Promise<RestoreResult>;
}

/** Picks the router for a target's kind. Throws on a kind with no router: never a silent fallback. */
export type TrafficRouters = { readonly [K in TargetKind]: TrafficRouter<Extract<Target, { kind: K }>> };

export function routerFor<T extends Target>(routers: TrafficRouters, target: T): TrafficRouter<T> {
  const router = (routers as Record<string, TrafficRouter<Target> | undefined>)[target.kind];
  if (!router) throw new Error(`no traffic router for target kind "${target.kind}"`);
  return router as TrafficRouter<T>;
}

/** Every router refuses a weight outside 0–100 before it touches anything. */
export function checkWeight(weightPercent: number): void {
  if (!(Number.isFinite(weightPercent) && weightPercent >= 0 && weightPercent <= 100)) {
    throw new ValidationError(`weight must be between 0 and 100 percent, got ${weightPercent}`);
  }
}

/** The captured state must belong to this target: a mix-up would move the wrong one. Returns its key. */
export function capturedKey(target: Target, captured: CapturedState): string {
  const key = targetKey(target);
  if (captured.targetKey !== key || captured.kind !== target.kind) {
    throw new ValidationError(`captured state is for ${captured.kind} ${captured.targetKey}, not for ${target.kind} ${key}`);
  }
  return key;
}
