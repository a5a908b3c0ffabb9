import type { AlarmSource, MetricProvider } from '../adapters/metrics/metric-provider';
import type { TrafficRouters } from '../adapters/traffic/traffic-router';
import type { Ledger } from '../adapters/ledger';
import type { OutcomePublisher } from '../adapters/notifications/outcome-publisher';
import type { Clock } from '../domain/clock';
import type { SmokeInvoker } from './smoke-test-run';

/**
 * Everything a handler touches outside its own logic. In AWS these are SDK-backed adapters;
 * in local mode, the simulated fleet and DynamoDB Local. Handlers never construct them.
 */
export interface ControllerDeps {
  readonly routers: TrafficRouters;
  readonly metrics: MetricProvider;
  readonly alarms: AlarmSource;
  /** Sends the smoke test's events straight to a version. */
  readonly invoker: SmokeInvoker;
  /** Whether a lifecycle hook the request names can run, checked at preflight. */
  readonly hookFunctions: HookFunctions;
  readonly ledger: Ledger;
  readonly clock: Clock;
}

/**
 * Preflight's check of a hook function the request names. Throws PreconditionError saying why it
 * cannot run (not configured for this controller, missing, broken); Step Functions itself invokes it.
 */
export interface HookFunctions {
  check(functionName: string): Promise<void>;
}

/** What the notify function touches: the ledger, read only, and where outcome messages go. */
export interface NotifyDeps {
  readonly ledger: Pick<Ledger, 'getRollout' | 'listEvents'>;
  readonly publisher: OutcomePublisher;
  /**
   * How long the ledger may take before the message goes out without it: an unreachable table
   * must not hold the notification until the function times out.
   * @default 10 seconds
   */
  readonly ledgerTimeoutMs?: number;
}
