import fc from 'fast-check';
import { PRESET_NAMES } from '../../../lib/domain/strategies';
import { targetKey, type Target } from '../../../lib/domain/targets';

/**
 * Valid rollout requests of every shape the schema allows: the bases that hostile requests are
 * mutated from, so each mutation is the request's only defect.
 */

const name = (pattern: RegExp) => fc.stringMatching(pattern);

const lambdaTarget = fc.record({
  kind: fc.constant('lambda-alias' as const),
  functionName: fc.oneof(name(/^[a-z][a-z0-9-]{0,20}$/), name(/^[a-z][a-z0-9_]{0,10}$/).map((n) => `arn:aws:lambda:eu-west-1:123456789012:function:${n}`)),
  alias: fc.constantFrom('live', 'prod', 'blue-green', 'v2_canary'),
  newVersion: fc.integer({ min: 1, max: 99_999 }).map(String),
});

const dimensions = fc.dictionary(name(/^[A-Z][a-zA-Z]{0,10}$/), name(/^[a-z0-9-]{1,12}$/), { maxKeys: 3 });

const flagTarget = fc.record(
  {
    kind: fc.constant('appconfig-flag' as const),
    application: fc.constantFrom('shop', 'abc1234', 'payments.eu'),
    environment: fc.constantFrom('prod', 'staging', 'e-1'),
    profile: fc.constantFrom('features', 'flags_v2'),
    flag: name(/^[a-z][a-zA-Z0-9_-]{0,15}$/),
    metrics: fc.record(
      { namespace: fc.constantFrom('Shop/Flags', 'Checkout'), latency: fc.constantFrom(null, 'LatencyMs'), variantDimension: fc.constantFrom('Variant', 'Arm'), dimensions },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['kind', 'application', 'environment', 'profile', 'flag'] },
);

const targets = fc.uniqueArray(fc.oneof(lambdaTarget, flagTarget), { minLength: 1, maxLength: 3, selector: (t) => targetKey(t as Target) });

const DAY = 86_400;

const step = fc
  .record({ bakes: fc.tuple(fc.integer({ min: 0, max: 7 * DAY }), fc.integer({ min: 0, max: 7 * DAY })), approval: fc.boolean(), minSamples: fc.nat(), name: fc.string({ minLength: 1, maxLength: 40 }) }, { requiredKeys: ['bakes'] })
  .map(({ bakes: [a, b], ...rest }) => ({ minBakeSeconds: Math.min(a, b), maxBakeSeconds: Math.max(a, b), ...rest }));

/** Strictly increasing weights in 0–100, each with its own step fields. */
const customStrategy = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }), fc.array(step, { minLength: 5, maxLength: 5 }), fc.option(fc.integer({ min: 0, max: 7 * DAY }), { nil: undefined }))
  .map(([weights, steps, finalBakeSeconds]) => ({
    steps: [...weights].sort((a, b) => a - b).map((weight, i) => ({ weight, ...steps[i] })),
    ...(finalBakeSeconds === undefined ? {} : { finalBakeSeconds }),
  }));

const customMetric = fc.record({
  name: name(/^[a-z][a-zA-Z0-9_-]{0,20}$/),
  namespace: fc.constantFrom('Shop', 'App/Checkout'),
  metricName: fc.constantFrom('CartErrors', 'Latency p99'),
  dimensions,
  max: fc.integer({ min: 0, max: 1000 }),
});

const policy = fc.oneof(
  fc.constant('default'),
  fc.record(
    {
      onInconclusive: fc.constantFrom('rollback', 'pause', 'promote'),
      falseRollbackBudget: fc.double({ min: 0.001, max: 0.2, noNaN: true }),
      evaluationIntervalSeconds: fc.integer({ min: 60, max: 3600 }),
      errors: fc.record({ maxRelativeIncrease: fc.double({ min: 0.01, max: 100, noNaN: true }) }, { requiredKeys: [] }),
      alarms: fc.array(name(/^[a-z][a-zA-Z0-9 _.-]{0,30}$/), { maxLength: 3 }),
      customMetrics: fc.array(customMetric, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
);

/** A lifecycle hook: a function by name or ARN, maybe qualified, and maybe a timeout. */
const hook = fc.record(
  {
    functionName: fc.tuple(name(/^[a-z][a-z0-9-]{0,20}$/), fc.constantFrom('', ':live', ':7', ':$LATEST'), fc.boolean()).map(
      ([fn, qualifier, asArn]) => `${asArn ? 'arn:aws:lambda:eu-west-1:123456789012:function:' : ''}${fn}${qualifier}`,
    ),
    timeoutSeconds: fc.integer({ min: 1, max: 900 }),
  },
  { requiredKeys: ['functionName'] },
);

export const validRequest = fc.record(
  {
    rolloutId: name(/^[a-z0-9][a-z0-9._-]{0,30}$/),
    description: fc.string({ maxLength: 80 }),
    targets,
    strategy: fc.oneof(fc.constantFrom(...PRESET_NAMES), customStrategy),
    policy,
    mode: fc.constantFrom('enforce', 'observe'),
    force: fc.boolean(),
    hooks: fc.record({ preTraffic: hook, postTraffic: hook }, { requiredKeys: [] }),
  },
  { requiredKeys: ['targets', 'strategy'] },
);

export type ValidRequest = typeof validRequest extends fc.Arbitrary<infer T> ? T : never;
