import type { Invocation } from '../../lib/adapters/invoke/lambda-invoker';
import { runSmokeTest, type SmokeInvoker } from '../../lib/controller/smoke-test-run';
import type { TargetContext } from '../../lib/controller/rollout-context';
import { parseRolloutRequest } from '../../lib/domain/rollout-request';
import { ValidationError } from '../../lib/domain/errors';
import { TestClock } from '../helpers/clock';
import { FLAG_TARGET, newTestRequest } from '../helpers/requests';

const ORDERS = { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' } as const;
const PAYMENTS = { kind: 'lambda-alias', functionName: 'payments-api', alias: 'live', newVersion: '7' } as const;

/** The targets as preflight would hand them over, each captured on its stable version. */
function contexts(request: ReturnType<typeof parseRolloutRequest>): TargetContext[] {
  return request.targets.map((target) => ({
    target,
    captured: {
      targetKey: target.kind,
      kind: target.kind,
      stableVersion: target.kind === 'lambda-alias' ? String(Number(target.newVersion) - 1) : 'off',
      newVersion: target.kind === 'lambda-alias' ? target.newVersion : 'on',
      attributes: {},
    },
  }));
}

/** An invoker that records each call and answers from `answer`, taking `ms` of the test clock. */
function recordingInvoker(clock: TestClock, answer: (payload: unknown) => Partial<Invocation> = () => ({}), ms = 50) {
  const calls: { functionName: string; qualifier: string; payload: unknown }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const invoker: SmokeInvoker = {
    invoke: async (functionName, qualifier, payload) => {
      calls.push({ functionName, qualifier, payload });
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      clock.advanceSeconds(ms / 1000);
      inFlight--;
      const result = answer(payload);
      return { responseText: JSON.stringify(result.response ?? null), durationMs: ms, ...result };
    },
  };
  return { invoker, calls, mostInFlight: () => mostInFlight };
}

describe('the smoke test in a request', () => {
  it('is optional, and fills its defaults', () => {
    expect(parseRolloutRequest(newTestRequest()).smokeTest).toBeUndefined();
    expect(parseRolloutRequest(newTestRequest({ smokeTest: { events: [{ payload: { path: '/health' } }] } })).smokeTest).toEqual({
      events: [{ payload: { path: '/health' } }],
      concurrency: 1,
      timeoutSeconds: 60,
    });
  });

  it.each([
    ['an event for a function outside the group', { targets: [ORDERS], smokeTest: { events: [{ functionName: 'billing', payload: {} }] } }, 'smokeTest.events[0].functionName: names billing, which is not a lambda-alias target of this rollout'],
    ['an unnamed event in a group of two functions', { targets: [ORDERS, PAYMENTS], smokeTest: { events: [{ payload: {} }] } }, 'smokeTest.events[0].functionName: must name one of the release group\'s functions (orders-api, payments-api)'],
    ['a smoke test for a flag alone', { targets: [FLAG_TARGET], smokeTest: { events: [{ payload: {} }] } }, 'smokeTest.events[0].functionName: the smoke test invokes Lambda versions, and the release group has no lambda-alias target'],
    ['no events', { targets: [ORDERS], smokeTest: { events: [] } }, 'smokeTest.events: needs at least one event'],
    ['too many at once', { targets: [ORDERS], smokeTest: { events: [{ payload: {} }], concurrency: 11 } }, 'smokeTest.concurrency: at most 10 events at once'],
    ['a payload that is not JSON', { targets: [ORDERS], smokeTest: { events: [{ payload: () => 1 }] } }, 'smokeTest.events[0].payload'],
  ])('refuses %s, naming the field', (_what, fields, message) => {
    expect(() => parseRolloutRequest(newTestRequest(fields as never))).toThrow(ValidationError);
    expect(() => parseRolloutRequest(newTestRequest(fields as never))).toThrow(message);
  });
});

describe('runSmokeTest', () => {
  it('sends each event to the new version of its function, at most `concurrency` at once', async () => {
    const request = parseRolloutRequest(
      newTestRequest({
        targets: [ORDERS, PAYMENTS],
        smokeTest: { concurrency: 2, events: [1, 2, 3].map((n) => ({ functionName: 'orders-api', payload: { n } })).concat([{ functionName: 'payments-api', payload: { n: 4 } }]) },
      }),
    );
    const clock = new TestClock();
    const { invoker, calls, mostInFlight } = recordingInvoker(clock);
    const report = await runSmokeTest(request.smokeTest!, contexts(request), invoker, clock);

    expect(calls.map((c) => [c.functionName, c.qualifier, c.payload])).toEqual([
      ['orders-api', '42', { n: 1 }],
      ['orders-api', '42', { n: 2 }],
      ['orders-api', '42', { n: 3 }],
      ['payments-api', '7', { n: 4 }],
    ]);
    expect(mostInFlight()).toBe(2);
    expect(report).toEqual({ events: 4, passed: 4, failures: [], durationsMs: [50, 50, 50, 50] });
  });

  it('reports every failing event with its evidence', async () => {
    const request = parseRolloutRequest(
      newTestRequest({ smokeTest: { events: [{ payload: { ok: true } }, { payload: { ok: false } }, { payload: { ok: true }, expect: { responseContains: { status: 200 } } }] } }),
    );
    const clock = new TestClock();
    const { invoker } = recordingInvoker(clock, (payload) =>
      (payload as { ok: boolean }).ok ? { response: { status: 503 } } : { functionError: 'Unhandled', response: { errorType: 'Error', errorMessage: 'boom' } },
    );
    const report = await runSmokeTest(request.smokeTest!, contexts(request), invoker, clock);
    expect(report.passed).toBe(1);
    expect(report.failures.map((f) => [f.eventIndex, f.reason])).toEqual([
      [1, 'function error (Unhandled): Error: boom'],
      [2, 'response.status: expected 200, found 503'],
    ]);
  });

  it('fails the events it had no time left to send', async () => {
    const request = parseRolloutRequest(newTestRequest({ smokeTest: { timeoutSeconds: 1, events: [{ payload: 1 }, { payload: 2 }, { payload: 3 }] } }));
    const clock = new TestClock();
    const { invoker, calls } = recordingInvoker(clock, () => ({}), 600);
    const report = await runSmokeTest(request.smokeTest!, contexts(request), invoker, clock);
    expect(calls).toHaveLength(2);
    expect(report.failures).toEqual([{ eventIndex: 2, reason: "not run: the smoke test's 1 s ran out first", durationMs: 0, responseExcerpt: '' }]);
    expect(report.durationsMs).toEqual([600, 600, null]);
  });
});
