import type { TrafficHistory } from '../../lib/domain/judge';

/** An hour of a function's stable version at `rps`: 0.5% errors, 0.35% slow requests, no throttles. */
export function historyAt(rps: number): TrafficHistory {
  const requests = rps * 3600;
  return { minutes: 60, requests, errors: requests * 0.005, slowRequests: requests * 0.0035, throttles: 0 };
}
