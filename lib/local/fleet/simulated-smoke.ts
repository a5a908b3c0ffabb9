import type { Invocation } from '../../adapters/invoke/lambda-invoker';
import type { SmokeInvoker } from '../../controller/smoke-test-run';
import { functionNameOf } from '../../domain/targets';
import type { SimulatedFleet } from './simulated-fleet';

/**
 * The simulated fleet's answer to events sent straight to a version, as the smoke test sends them.
 * The traffic model's `smoke` block says which events the new version fails (by the order they
 * reach it) and how long it takes; any other version, the stable one included, answers every event.
 */
export class SimulatedSmokeInvoker implements SmokeInvoker {
  private readonly sent = new Map<string, number>();

  constructor(private readonly fleet: SimulatedFleet) {}

  async invoke(functionName: string, qualifier: string, payload: unknown): Promise<Invocation> {
    const name = functionNameOf(functionName);
    const key = `${name}:${qualifier}`;
    const position = this.sent.get(key) ?? 0;
    this.sent.set(key, position + 1);
    const smoke = this.fleet.model.smoke;
    const isNew = this.fleet.targetKeys().some((k) => k.startsWith(`lambda:${name}:`) && this.fleet.versions(k).new === qualifier);
    const fails = isNew && (smoke.failEvents === 'all' || smoke.failEvents.includes(position));
    const response = fails
      ? { errorType: smoke.errorType, errorMessage: smoke.errorMessage }
      : { statusCode: 200, version: qualifier, echo: payload ?? null };
    return {
      ...(fails ? { functionError: 'Unhandled' } : {}),
      response,
      responseText: JSON.stringify(response),
      executedVersion: qualifier,
      durationMs: isNew ? smoke.durationMs : 40,
    };
  }
}
