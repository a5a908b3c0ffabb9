import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { ControllerDeps } from '../controller/dependencies';
import { awsControllerDeps, newAwsClients } from './aws-dependencies';
import { METRICS, publishLedgerEvent } from './ledger-metrics';

const logger = new Logger({ serviceName: 'fledge' });
const tracer = new Tracer({ serviceName: 'fledge' });
const metrics = new Metrics({ serviceName: 'fledge', namespace: METRICS.namespace });

function controllerDeps(): ControllerDeps {
  return awsControllerDeps(newAwsClients(tracer), { onLedgerEvent: (_id, event) => publishLedgerEvent(metrics, event) });
}

/**
 * Wraps a handler factory into a Lambda handler: dependencies built once, structured logs keyed
 * by rollout, metrics flushed after every invocation, and errors logged with their name before
 * they reach Step Functions (whose Retry/Catch match on that name).
 */
export function lambdaEntry<E, R>(name: string, make: (deps: ControllerDeps) => (event: E) => Promise<R>) {
  return lambdaEntryWith(name, controllerDeps, make);
}

/** The same, for a function whose dependencies are not the state machine's (notify). */
export function lambdaEntryWith<D, E, R>(name: string, buildDeps: (tools: { readonly tracer: Tracer }) => D, make: (deps: D) => (event: E) => Promise<R>) {
  // Built on the first invocation and kept for the container's life: clients reuse their connections.
  let handler: ((event: E) => Promise<R>) | undefined;
  return async (event: E, context?: Context): Promise<R> => {
    handler ??= make(buildDeps({ tracer }));
    logger.addContext(context ?? ({} as Context));
    logger.appendKeys({ handler: name, rolloutId: rolloutIdOf(event) });
    try {
      const result = await handler(event);
      const { decision, outcome } = (result ?? {}) as { decision?: string; outcome?: string };
      logger.info(`${name} done`, { decision, outcome });
      return result;
    } catch (error) {
      logger.error(`${name} failed`, error as Error);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function rolloutIdOf(event: unknown): string | undefined {
  const e = event as { rolloutId?: unknown; cursor?: { rolloutId?: unknown }; request?: { rolloutId?: unknown } } | undefined;
  const id = e?.rolloutId ?? e?.cursor?.rolloutId ?? e?.request?.rolloutId;
  return typeof id === 'string' ? id : undefined;
}
