import type { CapturedState } from './captured-state';

/**
 * Weights travel as fractions (w / 100) and come back as doubles: 7 / 100 * 100 is 7.000000000000001.
 * A thousandth of a percentage point is far below any step a strategy can ask for.
 */
const WEIGHT_TOLERANCE_PERCENT = 1e-3;

/** The alias layout fledge writes for a weight, and the only layouts it recognises as its own. */
export interface AliasLayout {
  readonly functionVersion: string;
  /** Additional versions and their fractions of traffic (0–1). */
  readonly weights: Readonly<Record<string, number>>;
}

/**
 * Weight 0 is the stable version with no weights; 0 < w < 100 keeps the stable version primary with
 * the new version at w / 100; 100 is the new version with no weights, the same as promoted.
 */
export function aliasLayoutFor(captured: Pick<CapturedState, 'stableVersion' | 'newVersion'>, weight: number): AliasLayout {
  if (nearlyEqualWeights(weight, 0)) return { functionVersion: captured.stableVersion, weights: {} };
  if (nearlyEqualWeights(weight, 100)) return { functionVersion: captured.newVersion, weights: {} };
  return { functionVersion: captured.stableVersion, weights: { [captured.newVersion]: weight / 100 } };
}

/** `version 41 with 25% on version 42`, `version 42 with no routing weights`. */
export function describeAliasLayout(layout: AliasLayout): string {
  const routing = Object.entries(layout.weights).map(([version, fraction]) => `${round2(fraction * 100)}% on version ${version}`);
  return `version ${layout.functionVersion} with ${routing.length === 0 ? 'no routing weights' : routing.join(', ')}`;
}

/** Two weights in percent, equal up to the round trip through fractions. */
export function nearlyEqualWeights(a: number, b: number): boolean {
  return Math.abs(a - b) <= WEIGHT_TOLERANCE_PERCENT;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
