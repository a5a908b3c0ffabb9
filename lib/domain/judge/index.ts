export { judge, countTestsPerStep, type CustomMetricWindow, type JudgeInput, type JudgeStep, type TargetWindow } from './judge';
export { WHOLE_RELEASE, type SignalContext } from './window';
export {
  bernoulliLlr,
  evaluateSprt,
  expectedSampleSize,
  sprtBoundaries,
  sprtDecision,
  type BernoulliSprt,
  type SprtBoundaries,
  type SprtDecision,
  type SprtEvaluation,
} from './sprt';
export { binomialCountTest, rateUpperBound, MORE_CANARY_REQUESTS, type CountTestInput, type CountTestResult } from './signals/count-test';
export { judgeErrors } from './signals/errors';
export { judgeLatency, MIN_REQUESTS_FOR_P99_GUARD } from './signals/latency';
export { judgeTraffic } from './signals/traffic';
export { judgeSaturation, THROTTLE_P0_FLOOR } from './signals/saturation';
export { judgeValidationWindow } from './signals/validation';
export { judgeAlarms } from './signals/alarms';
export { judgeCustomMetric } from './signals/custom';
