import { presetStrategy } from '../../lib/domain/strategies';
import { DEFAULT_POLICY } from '../../lib/domain/policy';
import { scenarioNamed, trueRates } from './scenarios';
import type { CellResult } from './tasks';
import { waldExcess, waldExpectedRequests } from './wald-bound';

/** One cell's figures for one policy. Times in minutes; medians over the runs they apply to. */
export interface CellSummary {
  readonly policy: string;
  readonly scenario: string;
  readonly rps: number;
  readonly runs: number;
  readonly promoted: number;
  /** Rolled back or refused: for a healthy release, "not promoted"; for a regression, "caught". */
  readonly notPromoted: number;
  readonly inconclusive: number;
  readonly medianTo100?: number;
  readonly p90To100?: number;
  readonly medianToRollback?: number;
  readonly p90ToRollback?: number;
  /** Minutes from the start to promotion (after any judged bake at 100%), over promoted runs. */
  readonly medianToPromotion?: number;
  readonly medianExcess: number;
  /** Of the caught regressions, how many were rolled back at or above this weight (the load-dependent one's step). */
  readonly caughtAtOrAbove25: number;
  /** The reference: Wald's excess plus the reaction lag at the weight each run was caught at (fledge only). */
  readonly medianUnavoidable?: number;
  readonly waldExcess?: number;
  /** The ideal test's mean requests to detect, against what fledge's default strategy serves at max bakes. */
  readonly detectable?: boolean;
}

/** CloudWatch's mean arrival delay in the grid (slices arrive 1–3 minutes late) plus one evaluation interval. */
export const REACTION_LAG_MINUTES = 2 + DEFAULT_POLICY.evaluationIntervalSeconds / 60;

export function summarize(result: CellResult): CellSummary {
  const f = result.figures;
  const scenario = scenarioNamed(result.scenario);
  const promoted = f.filter((x) => x.promoted).length;
  const to100 = f.filter((x) => x.reached100 !== undefined && x.promoted).map((x) => x.reached100 as number);
  const rollbacks = f.filter((x) => x.exposedToRollback !== undefined).map((x) => x.exposedToRollback as number);
  const regression = scenario.canary !== undefined;
  const rates = trueRates(scenario);
  const signal = rates.regressed.errors !== rates.stable.errors ? 'errors' : 'slow';
  const p0 = rates.stable[signal];
  const p1 = rates.regressed[signal];
  const wald = regression ? waldExcess(p0, p1) : undefined;
  const unavoidable = regression
    ? f.filter((x) => x.exposedToRollback !== undefined).map((x) => (wald as number) + REACTION_LAG_MINUTES * result.rps * 60 * ((x.rollbackWeight ?? 0) / 100) * (p1 - p0))
    : [];
  return {
    policy: result.policy,
    scenario: result.scenario,
    rps: result.rps,
    runs: f.length,
    promoted,
    notPromoted: f.length - promoted,
    inconclusive: f.filter((x) => x.ending === 'inconclusive').length,
    medianTo100: quantile(to100, 0.5),
    p90To100: quantile(to100, 0.9),
    medianToRollback: quantile(rollbacks, 0.5),
    p90ToRollback: quantile(rollbacks, 0.9),
    medianToPromotion: quantile(f.filter((x) => x.promoted).map((x) => x.ended), 0.5),
    medianExcess: quantile(f.map((x) => x.excessBad), 0.5) ?? 0,
    caughtAtOrAbove25: f.filter((x) => !x.promoted && (x.rollbackWeight ?? 0) >= 25).length,
    medianUnavoidable: result.policy === 'fledge' ? quantile(unavoidable, 0.5) : undefined,
    waldExcess: wald,
    detectable: regression ? waldExpectedRequests(p0, p1) <= defaultHorizonRequests(result.rps, scenario.aboveWeight ?? 0) : undefined,
  };
}

/**
 * Requests the new version serves under fledge's default strategy if every step runs to its max
 * bake, counting only the weights at which the regression shows.
 */
export function defaultHorizonRequests(rps: number, fromWeight: number): number {
  return presetStrategy('progressive')
    .steps.filter((s) => s.weight >= fromWeight)
    .reduce((t, s) => t + (s.weight / 100) * (s.maxBakeSeconds / 60) * rps * 60, 0);
}

/** The q-quantile by the nearest rank below. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)];
}
