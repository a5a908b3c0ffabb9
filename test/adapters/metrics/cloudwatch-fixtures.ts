import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { CustomMetricQuery, MetricQuery } from '../../../lib/adapters/metrics/metric-provider';
import { customMetricSchema } from '../../../lib/domain/policy';
import { appConfigFlagTargetSchema, lambdaAliasTargetSchema } from '../../../lib/domain/targets';

export type CloudWatchStub = AwsClientStub<CloudWatchClient>;

/** A CloudWatch client whose `send` the test stubs; the region keeps the SDK from looking one up. */
export function newCloudWatchClient(): CloudWatchClient {
  return new CloudWatchClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

export const ORDERS_API = lambdaAliasTargetSchema.parse({
  kind: 'lambda-alias',
  functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  alias: 'live',
  newVersion: '42',
});

export const NEW_CHECKOUT = appConfigFlagTargetSchema.parse({
  kind: 'appconfig-flag',
  application: 'shop',
  environment: 'prod',
  profile: 'flags',
  flag: 'newCheckout',
  metrics: { namespace: 'Shop/Flags', dimensions: { Service: 'checkout' } },
});

export const CART_ERRORS = customMetricSchema.parse({
  name: 'cartErrors',
  namespace: 'Shop/App',
  metricName: 'CartErrors',
  dimensions: { Service: 'cart' },
  stat: 'Sum',
  versionDimension: 'ExecutedVersion',
  maxIncrease: 0.5,
});

/** The canary's window: five whole minutes. */
export const FROM = new Date('2025-03-01T12:00:00.000Z');
export const TO = new Date('2025-03-01T12:05:00.000Z');

export function minute(hhmm: string): string {
  return `2025-03-01T${hhmm}:00.000Z`;
}

export function goldenQuery(overrides: Partial<MetricQuery> = {}): MetricQuery {
  return { id: '0:canary', target: ORDERS_API, cohort: 'canary', version: '42', from: FROM, to: TO, slowThresholdMs: 250, ...overrides };
}

export function customQuery(overrides: Partial<CustomMetricQuery> = {}): CustomMetricQuery {
  return { id: 'custom0:0:canary', metric: CART_ERRORS, version: '42', from: FROM, to: TO, ...overrides };
}

/** Every GetMetricData request the provider sent, in order. */
export function sentRequests(cw: CloudWatchStub): GetMetricDataCommandInput[] {
  return cw.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
}

export function dims(record: Record<string, string>): { Name: string; Value: string }[] {
  return Object.entries(record).map(([Name, Value]) => ({ Name, Value }));
}

/** A canned result: `points` maps a minute ("12:03") to a value. */
export function result(id: string, points: Record<string, number>): MetricDataResult {
  const entries = Object.entries(points);
  return { Id: id, StatusCode: 'Complete', Timestamps: entries.map(([hhmm]) => new Date(minute(hhmm))), Values: entries.map(([, v]) => v) };
}

/** One published series, identified the way CloudWatch identifies it. */
export interface Published {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
  /** Minute ("12:03") → value. */
  readonly points: Record<string, number>;
}

/**
 * A small stand-in for GetMetricData: it answers each MetricStat by metric identity (namespace,
 * name, exact dimension set, statistic) within [StartTime, EndTime), and evaluates arithmetic
 * expressions at the timestamps where all their inputs have datapoints, as metric math does.
 * Tests can then state what CloudWatch holds without knowing the provider's generated ids.
 */
export function publish(cw: CloudWatchStub, published: readonly Published[]): void {
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput): GetMetricDataCommandOutput => {
    const start = input.StartTime!.getTime();
    const end = input.EndTime!.getTime();
    const series = new Map<string, Map<number, number>>();
    const queries = input.MetricDataQueries ?? [];
    for (const q of queries.filter((query) => query.MetricStat)) series.set(q.Id!, lookup(published, q, start, end));
    for (const q of queries.filter((query) => query.Expression)) series.set(q.Id!, evaluate(q.Expression!, series));
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q): MetricDataResult => {
        const points = [...(series.get(q.Id!) ?? new Map<number, number>()).entries()].sort(([a], [b]) => a - b);
        return { Id: q.Id, StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) };
      });
    return { MetricDataResults: results, $metadata: {} };
  });
}

function lookup(published: readonly Published[], query: MetricDataQuery, start: number, end: number): Map<number, number> {
  const stat = query.MetricStat!;
  const wanted = Object.fromEntries((stat.Metric!.Dimensions ?? []).map((d) => [d.Name!, d.Value!]));
  const match = published.find(
    (p) =>
      p.namespace === stat.Metric!.Namespace &&
      p.metricName === stat.Metric!.MetricName &&
      p.stat === stat.Stat &&
      JSON.stringify(Object.entries(p.dimensions).sort()) === JSON.stringify(Object.entries(wanted).sort()),
  );
  const points = new Map<number, number>();
  for (const [hhmm, value] of Object.entries(match?.points ?? {})) {
    const t = new Date(minute(hhmm)).getTime();
    if (t >= start && t < end) points.set(t, value);
  }
  return points;
}

function evaluate(expression: string, series: Map<string, Map<number, number>>): Map<number, number> {
  if (!/^[a-z0-9_ ()+\-*/.]+$/i.test(expression)) throw new Error(`the fake evaluates arithmetic only, got "${expression}"`);
  const ids = [...new Set(expression.match(/[a-z][a-zA-Z0-9_]*/g) ?? [])];
  const inputs = ids.map((id) => series.get(id) ?? new Map<number, number>());
  const out = new Map<number, number>();
  for (const t of inputs[0]?.keys() ?? []) {
    if (!inputs.every((s) => s.has(t))) continue;
    const substituted = expression.replace(/[a-z][a-zA-Z0-9_]*/g, (id) => String(series.get(id)!.get(t)));
    out.set(t, Function(`"use strict"; return (${substituted});`)() as number);
  }
  return out;
}

/** The series a Lambda alias publishes for one version. */
export function lambdaSeries(version: string, metricName: string, stat: string, points: Record<string, number>): Published {
  return {
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: 'orders-api', Resource: 'orders-api:live', ExecutedVersion: version },
    stat,
    points,
  };
}
