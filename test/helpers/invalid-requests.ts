import { FLAG_TARGET, newTestRequest } from './requests';

const lambda = (overrides: Record<string, unknown> = {}) => ({
  kind: 'lambda-alias',
  functionName: 'orders-api',
  alias: 'live',
  newVersion: '42',
  ...overrides,
});
const steps = (...list: Record<string, unknown>[]) => ({ steps: list });
const step = (weight: number, extra: Record<string, unknown> = {}) => ({ weight, minBakeSeconds: 60, maxBakeSeconds: 600, ...extra });

/**
 * Requests that must be refused before any traffic moves. Each row: what is wrong, the request,
 * the field the error must name, and words of the rule it must state.
 */
export const INVALID_REQUESTS: [what: string, request: unknown, field: string, rule: RegExp][] = [
  ['not an object', 'deploy please', '(root)', /object/i],
  ['no targets', newTestRequest({ targets: [] }), 'targets', /at least one target/],
  ['the same target twice', newTestRequest({ targets: [lambda(), lambda()] as never }), 'targets[1]', /duplicates targets\[0\]/],
  ['an unknown target kind', newTestRequest({ targets: [{ kind: 's3-bucket' }] as never }), 'targets[0].kind', /lambda-alias/],
  ['$LATEST as the new version', newTestRequest({ targets: [lambda({ newVersion: '$LATEST' })] as never }), 'targets[0].newVersion', /published version/],
  ['a qualified function ARN', newTestRequest({ targets: [lambda({ functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:7' })] as never }), 'targets[0].functionName', /without a qualifier/],
  ['a version number as alias', newTestRequest({ targets: [lambda({ alias: '12' })] as never }), 'targets[0].alias', /alias name/],
  ['a flag without its profile', newTestRequest({ targets: [{ ...FLAG_TARGET, profile: undefined }] as never }), 'targets[0].profile', /./],
  ['an unknown preset', newTestRequest({ strategy: 'blue-green' as never }), 'strategy', /unknown preset "blue-green".*progressive/],
  ['no strategy', { targets: [lambda()] }, 'strategy', /is required: use a preset name \(canary-10-5m, .*progressive.*\) or \{ "steps": \[/],
  ['a number as the strategy', newTestRequest({ strategy: 5 as never }), 'strategy', /must be a preset name or a steps object, got number/],
  ['null as the strategy', newTestRequest({ strategy: null as never }), 'strategy', /must be a preset name or a steps object, got null/],
  ['an unknown traffic policy', newTestRequest({ policy: { insufficientTraffic: 'ignore' as never } }), 'policy.insufficientTraffic', /warn/],
  ['an empty step list', newTestRequest({ strategy: { steps: [] } }), 'strategy.steps', /at least one step/],
  ['weights not increasing', newTestRequest({ strategy: steps(step(10), step(50), step(50)) }), 'strategy.steps[2].weight', /must increase/],
  ['a weight above 100', newTestRequest({ strategy: steps(step(120)) }), 'strategy.steps[0].weight', /between 0 and 100/],
  ['a negative weight', newTestRequest({ strategy: steps(step(-5)) }), 'strategy.steps[0].weight', /between 0 and 100/],
  ['min bake above max bake', newTestRequest({ strategy: steps(step(10, { minBakeSeconds: 900, maxBakeSeconds: 60 })) }), 'strategy.steps[0].minBakeSeconds', /must not exceed maxBakeSeconds/],
  ['a fractional bake', newTestRequest({ strategy: steps(step(10, { minBakeSeconds: 1.5 })) }), 'strategy.steps[0].minBakeSeconds', /whole number/],
  ['a negative minSamples', newTestRequest({ strategy: steps(step(10, { minSamples: -1 })) }), 'strategy.steps[0].minSamples', /./],
  ['a misspelt step field', newTestRequest({ strategy: steps(step(10, { bakeSeconds: 60 })) }), 'strategy.steps[0].bakeSeconds', /unknown field/],
  ['an unknown policy name', newTestRequest({ policy: 'strict' as never }), 'policy', /"default" or a policy object/],
  ['an unknown onInconclusive', newTestRequest({ policy: { onInconclusive: 'ignore' as never } }), 'policy.onInconclusive', /rollback/],
  ['a negative error threshold', newTestRequest({ policy: { errors: { maxRelativeIncrease: -1 } } }), 'policy.errors.maxRelativeIncrease', /./],
  ['a false-rollback budget of 0', newTestRequest({ policy: { falseRollbackBudget: 0 } }), 'policy.falseRollbackBudget', /./],
  ['evaluations more often than CloudWatch resolution', newTestRequest({ policy: { evaluationIntervalSeconds: 10 } }), 'policy.evaluationIntervalSeconds', /./],
  ['an unknown mode', newTestRequest({ mode: 'dry-run' as never }), 'mode', /enforce/],
  ['a rollout id with spaces', newTestRequest({ rolloutId: 'my rollout' }), 'rolloutId', /letters, digits/],
  ['an unknown top-level field', { ...newTestRequest(), target: lambda() }, 'target', /unknown field/],
];
