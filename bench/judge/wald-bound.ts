import { DEFAULT_POLICY } from '../../lib/domain/policy';

/**
 * The reference line: Wald's expected sample size for an SPRT that knows both the healthy rate p0
 * and the regressed rate p1, at the policy's α (false-rollback budget) and β (missed-regression
 * rate): E₁[N] = ((1 − β)·ln((1 − β)/α) + β·ln(β/(1 − α))) / KL(p1 ‖ p0). No test that has to learn
 * p0, or the size of the regression, can need fewer requests on average.
 */
export function waldExpectedRequests(p0: number, p1: number, alpha = DEFAULT_POLICY.falseRollbackBudget, beta = DEFAULT_POLICY.missedRegressionRate): number {
  const kl = p1 * Math.log(p1 / p0) + (1 - p1) * Math.log((1 - p1) / (1 - p0));
  return ((1 - beta) * Math.log((1 - beta) / alpha) + beta * Math.log(beta / (1 - alpha))) / kl;
}

/** Excess bad requests the ideal test lets through before it can act: E₁[N] requests at p1 − p0 too many. */
export function waldExcess(p0: number, p1: number): number {
  return waldExpectedRequests(p0, p1) * (p1 - p0);
}
