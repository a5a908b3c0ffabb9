import type { AlarmSource, MetricProvider } from '../adapters/metrics/metric-provider';
import type { TrafficRouters } from '../adapters/traffic/traffic-router';
import type { Ledger } from '../adapters/ledger';
import type { Clock } from '../domain/clock';

/**
 * Everything a handler touches outside its own logic. In AWS these are SDK-backed adapters;
 * in local mode, the simulated fleet and DynamoDB Local. Handlers never construct them.
 */
export interface ControllerDeps {
  readonly routers: TrafficRouters;
  readonly metrics: MetricProvider;
  readonly alarms: AlarmSource;
  readonly ledger: Ledger;
  readonly clock: Clock;
}
