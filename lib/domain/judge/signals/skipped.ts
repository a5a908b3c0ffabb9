import type { SignalName, SignalResult } from '../../verdict';

/** A signal the policy or the step leaves out: recorded with why, so the ledger shows it was not forgotten. */
export function skipped(signal: SignalName, targetKey: string, reason: string): SignalResult {
  return { signal, targetKey, status: 'skipped', statistics: {}, thresholds: {}, reason };
}
