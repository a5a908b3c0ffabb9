import type { Ledger } from '../../lib/adapters/ledger';
import type { TrafficRouter, TrafficRouters } from '../../lib/adapters/traffic/traffic-router';
import type { ControllerDeps } from '../../lib/controller/dependencies';
import type { Target } from '../../lib/domain/targets';
import { useDynamoDbLocal } from '../helpers/dynamodb';
import type { Fault } from './fault-plan';
import { checkInvariants, runWithFault, type Breakage, type Invariant } from './fault-run';

/**
 * Each invariant of the fault matrix, shown able to fail: the controller is broken on purpose in
 * the one way the invariant guards against, and the check must say so. The same runs with the
 * controller intact keep every invariant.
 */
const ddb = useDynamoDbLocal();

/** Every target's router, with some of its methods replaced. */
function withRouters(change: (router: TrafficRouter<Target>) => Partial<TrafficRouter<Target>>): Breakage {
  return (deps) => {
    const routers = Object.fromEntries(
      Object.entries(deps.routers).map(([kind, router]: [string, TrafficRouter<Target>]) => {
        const intact: TrafficRouter<Target> = {
          capture: (t) => router.capture(t),
          setWeight: (t, c, w, p) => router.setWeight(t, c, w, p),
          promote: (t, c, p) => router.promote(t, c, p),
          restore: (t, c) => router.restore(t, c),
        };
        return [kind, { ...intact, ...change(intact) }];
      }),
    ) as unknown as TrafficRouters;
    return { ...deps, routers };
  };
}

/** The ledger, with some of its methods replaced. */
function withLedger(change: (ledger: Ledger) => Partial<Ledger>): Breakage {
  return (deps: ControllerDeps) => {
    const replaced = change(deps.ledger);
    const ledger = new Proxy(deps.ledger, {
      get: (target, name, receiver) => (name in replaced ? replaced[name as keyof Ledger] : (Reflect.get(target, name, receiver) as unknown)),
    });
    return { ...deps, ledger };
  };
}

/** Evaluate cannot read CloudWatch: the rollout rolls back from its first step. */
const ROLLBACK: Fault = { site: { state: 'Evaluate', service: 'cloudwatch', command: 'GetMetricData' }, kind: 'access-denied', timing: 'first' };

const CASES: { invariant: Invariant; how: string; fault?: Fault; breakage: Breakage }[] = [
  {
    invariant: 'consistent-end',
    how: 'a restore that reports success without writing',
    fault: ROLLBACK,
    breakage: withRouters(() => ({ restore: async (_t, c) => ({ targetKey: c.targetKey, action: 'restored', detail: 'claimed, not done' }) })),
  },
  {
    invariant: 'terminal-record',
    how: 'a Finalize whose outcome never reaches the ledger',
    breakage: withLedger((ledger) => ({ updateRollout: (id, patch, opts) => ledger.updateRollout(id, patch.status === 'PROMOTED' ? { ...patch, status: undefined, outcome: undefined } : patch, opts) })),
  },
  {
    invariant: 'locks',
    how: 'locks taken for thirty times the schedule and never released',
    breakage: withLedger((ledger) => ({ acquireLocks: (id, keys, ttl) => ledger.acquireLocks(id, keys, ttl * 30), releaseLocks: async () => [] })),
  },
  {
    invariant: 'no-partial-weight',
    how: 'a promotion that stops at half the traffic',
    breakage: withRouters((router) => ({ promote: (t, c, previous) => router.setWeight(t, c, 50, previous) })),
  },
  {
    invariant: 'no-double-shift',
    how: 'a shift that passes through an extra weight on its way',
    breakage: withRouters((router) => ({
      setWeight: async (t, c, weight, previous) => {
        await router.setWeight(t, c, weight - 1, previous);
        await router.setWeight(t, c, weight, weight - 1);
      },
    })),
  },
];

describe.each(CASES)('$invariant can fail', ({ invariant, how, fault, breakage }) => {
  it(`flags ${how}, and holds with the controller intact`, async () => {
    const broken = await runWithFault(ddb.local.endpoint, fault, { breakage });
    const violations = checkInvariants(broken);
    console.log(`${invariant}, broken by ${how}: ${broken.result.endState}; ${violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`);
    expect(violations.map((v) => v.invariant)).toContain(invariant);

    const intact = await runWithFault(ddb.local.endpoint, fault);
    expect(checkInvariants(intact)).toEqual([]);
  });
});
