export { judge, type CustomMetricWindow, type JudgeInput, type JudgeStep, type TargetWindow } from './judge';
export { WHOLE_RELEASE, type PhaseSignalPlan, type SignalContext, type TargetPhasePlan } from './window';
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
export * from './evidence';
export * from './requirements';
export { judgeCountSignal, MORE_CANARY_REQUESTS, type CountSignalResult, type CountSignalSpec } from './signals/count-signal';
export { judgeErrors } from './signals/errors';
export { judgeLatency, MIN_REQUESTS_FOR_P99_GUARD } from './signals/latency';
export { judgeTraffic } from './signals/traffic';
export { judgeSaturation } from './signals/saturation';
export { judgeValidationWindow } from './signals/validation';
export { judgeAlarms } from './signals/alarms';
export { judgeCustomMetric } from './signals/custom';
