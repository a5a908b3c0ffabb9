import fc from 'fast-check';
import { ValidationError } from '../../lib/domain/errors';
import { planRollout } from '../../lib/domain/plan';
import { MAX_REQUEST_BYTES, parseRolloutRequest, type RolloutRequest } from '../../lib/domain/rollout-request';
import { PRESET_NAMES } from '../../lib/domain/strategies';
import { functionNameOf, targetKey } from '../../lib/domain/targets';
import { FUZZ_SEED, tallyLine } from '../helpers/hostile/fuzz-report';
import { UNPRINTABLE } from '../helpers/hostile/hostile-text';
import { edgeRequest } from '../helpers/hostile/loose-requests';
import { validRequest } from '../helpers/hostile/valid-requests';

/**
 * The other half of refusing bad input: whatever validation lets through is a request the
 * controller can run. Each property below restates a rule from AWS or the design, and checks it
 * on every request that parses, out of thousands near the edge of validity.
 */
const WEEK = 7 * 86_400;

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => [key, ...stringsIn(v)]);
  return [];
}

function expectWellFormed(request: RolloutRequest): void {
  expect(new TextEncoder().encode(JSON.stringify(request)).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
  expect(stringsIn(request).filter((s) => UNPRINTABLE.test(s))).toEqual([]);

  expect(request.targets.length).toBeGreaterThanOrEqual(1);
  expect(request.targets.length).toBeLessThanOrEqual(10);
  expect(new Set(request.targets.map(targetKey)).size).toBe(request.targets.length);
  for (const target of request.targets) {
    if (target.kind === 'lambda-alias') {
      // A published version, on an alias (not a version number), of a function named without a qualifier.
      expect(target.newVersion).toMatch(/^[1-9][0-9]*$/);
      expect(target.alias).not.toMatch(/^[0-9]+$/);
      expect(target.functionName.split(':').length === 1 || target.functionName.split(':').length === 7).toBe(true);
      expect(functionNameOf(target.functionName)).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    } else {
      for (const id of [target.application, target.environment, target.profile]) expect(id).toMatch(/^(?!\.\.?$)[a-zA-Z0-9._-]{1,64}$/);
      // CloudWatch takes 30 dimensions a metric; fledge adds Flag and the variant.
      expect(Object.keys(target.metrics.dimensions).length).toBeLessThanOrEqual(28);
    }
  }

  if (typeof request.strategy === 'string') {
    expect(PRESET_NAMES).toContain(request.strategy);
  } else {
    const { steps, finalBakeSeconds } = request.strategy;
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(steps.length).toBeLessThanOrEqual(50);
    steps.forEach((step, i) => {
      expect(step.weight).toBeGreaterThanOrEqual(i === 0 ? 0 : steps[i - 1].weight + Number.EPSILON);
      expect(step.weight).toBeLessThanOrEqual(100);
      expect(Number.isInteger(step.minBakeSeconds) && Number.isInteger(step.maxBakeSeconds)).toBe(true);
      expect(0 <= step.minBakeSeconds && step.minBakeSeconds <= step.maxBakeSeconds && step.maxBakeSeconds <= WEEK).toBe(true);
    });
    expect(Number.isInteger(finalBakeSeconds) && finalBakeSeconds >= 0 && finalBakeSeconds <= WEEK).toBe(true);
  }

  expect(request.policy.alarms.length).toBeLessThanOrEqual(100);
  for (const metric of request.policy.customMetrics) expect(Object.keys(metric.dimensions).length + 1).toBeLessThanOrEqual(30);

  const plan = planRollout(request);
  expect(Number.isFinite(plan.maxDurationSeconds) && plan.maxDurationSeconds > 0).toBe(true);
  // The ledger stores the parsed request and every later state parses it again: it must come back the same.
  expect(parseRolloutRequest(JSON.parse(JSON.stringify(request)))).toEqual(request);
}

describe('parseRolloutRequest', () => {
  it('accepts every generated valid request (the bases the hostile ones are mutated from)', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        expectWellFormed(parseRolloutRequest(request));
      }),
      { seed: FUZZ_SEED, numRuns: 100 },
    );
  });

  it('lets through only well-formed requests, and refuses the rest with a ValidationError, out of 1,200 near the edge', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(edgeRequest, (input) => {
        let request: RolloutRequest;
        try {
          request = parseRolloutRequest(JSON.parse(JSON.stringify(input)));
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          refused += 1;
          return;
        }
        expectWellFormed(request);
        accepted += 1;
      }),
      { seed: FUZZ_SEED, numRuns: 1200 },
    );
    // Both sides of the edge are exercised, or the property proves little.
    expect(Math.min(accepted, refused)).toBeGreaterThan(200);
    console.log(tallyLine('1,200 requests near the edge of validity', { 'accepted, all well-formed': accepted, 'refused with a ValidationError': refused }));
  });
});
