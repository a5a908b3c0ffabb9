import fc from 'fast-check';
import { MAX_REQUEST_BYTES } from '../../../lib/domain/rollout-request';
import { overCount, withKey } from './hostile-text';
import { cloneJson, setAt, type JsonPath } from './json-paths';
import { requestSlots } from './request-slots';
import { slotDefects, type Defect, type Hostile, type Json } from './slot-defects';
import { validRequest } from './valid-requests';

/**
 * Hostile rollout requests: a valid request broken in one way, by a defect any field can have
 * (slot-defects.ts) or by one only a request can have: too many targets or steps, a target twice,
 * weights that do not increase, a whole that outgrows Step Functions' payload limit, or a flood
 * of unknown fields.
 */

/** Arrays past their limits, each item valid on its own. */
function tooMany(base: Json): fc.Arbitrary<Hostile>[] {
  const policy = typeof base.policy === 'object' ? (base.policy as Json) : {};
  const dimensions = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Dim${i}`, 'x']));
  const metric = (i: number, dims = 0) => ({ name: `m${i}`, namespace: 'Shop', metricName: 'Errors', max: 1, dimensions: dimensions(dims) });
  const lists: { path: JsonPath; limit: number; field: string; build: (n: number) => unknown }[] = [
    { path: ['targets'], limit: 10, field: 'targets', build: (n) => Array.from({ length: n }, (_, i) => ({ kind: 'lambda-alias', functionName: `fn-${i}`, alias: 'live', newVersion: '2' })) },
    { path: ['strategy'], limit: 50, field: 'strategy.steps', build: (n) => ({ steps: Array.from({ length: n }, (_, i) => ({ weight: (100 * i) / n, minBakeSeconds: 0, maxBakeSeconds: 60 })) }) },
    { path: ['policy'], limit: 100, field: 'policy.alarms', build: (n) => ({ ...policy, alarms: Array.from({ length: n }, (_, i) => `alarm-${i}`) }) },
    { path: ['policy'], limit: 20, field: 'policy.customMetrics', build: (n) => ({ ...policy, customMetrics: Array.from({ length: n }, (_, i) => metric(i)) }) },
    // Fledge adds two dimensions to a flag's metrics and one to a custom metric's; CloudWatch takes 30.
    { path: ['targets'], limit: 28, field: 'targets[0].metrics.dimensions', build: (n) => [{ kind: 'appconfig-flag', application: 'shop', environment: 'prod', profile: 'features', flag: 'checkout', metrics: { dimensions: dimensions(n) } }] },
    { path: ['policy'], limit: 29, field: 'policy.customMetrics[0].dimensions', build: (n) => ({ ...policy, customMetrics: [metric(0, n)] }) },
  ];
  return [fc.constantFrom(...lists).chain(({ path, limit, field, build }) => overCount(limit).map((n) => ({ defect: 'too many items', input: setAt(base, path, build(n)), field })))];
}

function duplicatedTarget(base: Json): fc.Arbitrary<Hostile>[] {
  const targets = base.targets as Json[];
  return [
    fc.tuple(fc.nat({ max: targets.length - 1 }), fc.boolean()).map(([i, viaArn]) => {
      const copy = cloneJson(targets[i]);
      // The same alias named by its function's ARN is still the same target.
      if (viaArn && copy.kind === 'lambda-alias' && !String(copy.functionName).startsWith('arn:')) copy.functionName = `arn:aws:lambda:eu-west-1:123456789012:function:${copy.functionName}`;
      return { defect: 'duplicated target', input: { ...base, targets: [...targets, copy] }, field: `targets[${targets.length}]` };
    }),
  ];
}

function stepOrder(base: Json): fc.Arbitrary<Hostile>[] {
  if (typeof base.strategy !== 'object') return [];
  const steps = (base.strategy as { steps: Json[] }).steps;
  const last = steps[steps.length - 1];
  return [
    fc.integer({ min: 0, max: last.weight as number }).map((weight) => ({
      defect: 'weights not increasing',
      input: setAt(base, ['strategy', 'steps'], [...steps, { weight, minBakeSeconds: 0, maxBakeSeconds: 60 }]),
      field: `strategy.steps[${steps.length}].weight`,
    })),
  ];
}

/**
 * Requests whose every field is valid but which together outgrow what Step Functions can carry:
 * from just over the request budget to past the 256 KB state payload limit itself. The bulk is
 * dimension values, spread over as many flags (or custom metrics) as it takes.
 */
function nearPayloadLimit(base: Json): fc.Arbitrary<Hostile>[] {
  const dimensions = (n: number, length: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`D${i}`, 'v'.repeat(length)]));
  /** `count` items of `dims` dimensions each, with values long enough to reach `bytes` in all. */
  const spread = (bytes: number, dims: number, maxItems: number) => {
    const count = Math.min(maxItems, Math.ceil(bytes / (dims * 1000)));
    return { count, length: Math.min(1024, Math.ceil(bytes / (count * dims))) };
  };
  return [
    fc.tuple(fc.integer({ min: MAX_REQUEST_BYTES + 1, max: 264 * 1024 }), fc.boolean()).map(([bytes, inTargets]) => {
      if (inTargets) {
        const { count, length } = spread(bytes, 28, 10);
        const flags = Array.from({ length: count }, (_, i) => ({ kind: 'appconfig-flag', application: 'shop', environment: 'prod', profile: 'features', flag: `flag${i}`, metrics: { dimensions: dimensions(28, length) } }));
        return { defect: 'near the payload limit', input: { ...base, targets: flags }, field: 'targets' };
      }
      const { count, length } = spread(bytes, 29, 20);
      const metrics = Array.from({ length: count }, (_, i) => ({ name: `m${i}`, namespace: 'Shop', metricName: 'Errors', max: 1, dimensions: dimensions(29, length) }));
      const policy = typeof base.policy === 'object' ? base.policy : {};
      return { defect: 'near the payload limit', input: { ...base, policy: { ...policy, customMetrics: metrics } }, field: 'policy' };
    }),
  ];
}

/** Up to two thousand unknown fields at once: the refusal names the first few, counts the rest, and stays short. */
const unknownFlood: Defect = (base) => [
  fc.oneof(fc.integer({ min: 11, max: 50 }), fc.integer({ min: 51, max: 2_000 })).map((n) => {
    const input = cloneJson(base);
    for (let i = 0; i < n; i++) withKey(input, `Extra${i}`, i);
    return { defect: 'a flood of unknown fields', input, field: '', key: 'Extra0' };
  }),
];

const DEFECTS: Defect[] = [...slotDefects(requestSlots), tooMany, duplicatedTarget, stepOrder, nearPayloadLimit, unknownFlood];

/** A valid request broken in exactly one way, chosen evenly among the kinds of defect that apply to it. */
export const hostileRequest: fc.Arbitrary<Hostile> = validRequest.chain((base) => fc.oneof(...DEFECTS.flatMap((defect) => defect(base as Json))));
