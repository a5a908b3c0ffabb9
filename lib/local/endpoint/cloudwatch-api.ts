import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT } from '../../domain/targets';
import type { SimulatedAlarmSource, SimulatedFleet } from '../fleet';
import { AwsApiError, epochSeconds } from './aws-wire';
import type { LocalAccount } from './account-apis';
import { aliasTarget } from './lambda-api';
import { evaluateExpression } from './metric-expression';

interface MetricStatInput {
  readonly Metric?: { readonly Namespace?: string; readonly MetricName?: string; readonly Dimensions?: readonly { readonly Name?: string; readonly Value?: string }[] };
  readonly Stat?: string;
}

interface QueryInput {
  readonly Id?: string;
  readonly MetricStat?: MetricStatInput;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
}

/** Minute start (epoch ms) → value. */
type Series = Map<number, number>;

/**
 * CloudWatch's JSON API (`GraniteServiceVersion20100801.<Operation>`) over the simulated fleet:
 * GetMetricData answers the AWS/Lambda per-version queries the metric adapter builds (Invocations,
 * Errors, Throttles, Duration percentiles and percentile ranks, ConcurrentExecutions), a flag's
 * per-variant Requests, Errors and Latency, and their arithmetic; DescribeAlarms reports the
 * simulated alarms. Other metrics have no data, as a metric nobody publishes has none in CloudWatch.
 */
export function cloudWatchApi(fleet: SimulatedFleet, alarms: SimulatedAlarmSource, account: LocalAccount, operation: string, body: Record<string, unknown>): Promise<unknown> | unknown {
  switch (operation) {
    case 'GetMetricData':
      return getMetricData(fleet, body);
    case 'DescribeAlarms':
      return describeAlarms(alarms, account, body);
    default:
      throw new AwsApiError('UnknownOperationException', `the local endpoint does not serve CloudWatch ${operation}; it serves GetMetricData and DescribeAlarms`);
  }
}

function getMetricData(fleet: SimulatedFleet, body: Record<string, unknown>): unknown {
  const queries = (body.MetricDataQueries ?? []) as QueryInput[];
  if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500) throw new AwsApiError('ValidationError', 'MetricDataQueries must hold 1 to 500 queries');
  const from = new Date(Number(body.StartTime) * 1000);
  const to = new Date(Number(body.EndTime) * 1000);
  if (!(to.getTime() > from.getTime())) throw new AwsApiError('ValidationError', 'The parameter EndTime must be greater than StartTime');
  const series = new Map<string, Series>();
  for (const q of queries) {
    if (!q.Id) throw new AwsApiError('ValidationError', 'every query needs an Id');
    if (q.MetricStat) series.set(q.Id, statSeries(fleet, q.MetricStat, from, to));
  }
  for (const q of queries) {
    if (!q.Expression || !q.Id) continue;
    const stamps = new Set<number>();
    for (const s of series.values()) for (const t of s.keys()) stamps.add(t);
    const out: Series = new Map();
    for (const t of stamps) {
      const value = evaluateExpression(q.Expression, (id) => series.get(id)?.get(t));
      if (value !== undefined) out.set(t, value);
    }
    series.set(q.Id, out);
  }
  const ascending = body.ScanBy === 'TimestampAscending';
  return {
    MetricDataResults: queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const points = [...(series.get(q.Id as string) ?? new Map<number, number>()).entries()].sort(([a], [b]) => (ascending ? a - b : b - a));
        return { Id: q.Id, Label: q.Id, Timestamps: points.map(([t]) => epochSeconds(new Date(t))), Values: points.map(([, v]) => v), StatusCode: 'Complete' };
      }),
    Messages: [],
  };
}

/** Which target and cohort a MetricStat's dimensions name, and which of its figures it asks for. */
interface SeriesSource {
  readonly key: string;
  readonly cohort: Cohort;
  readonly figure: 'requests' | 'errors' | 'throttles' | 'concurrency' | 'latency';
}

/** AWS/Lambda's metric names and the figure each carries. */
const LAMBDA_FIGURES: Readonly<Record<string, SeriesSource['figure']>> = {
  Invocations: 'requests',
  Errors: 'errors',
  Throttles: 'throttles',
  ConcurrentExecutions: 'concurrency',
  Duration: 'latency',
};
/** The metric names a flag's application publishes by default (see flagMetricsSchema). */
const FLAG_FIGURES: Readonly<Record<string, SeriesSource['figure']>> = { Requests: 'requests', Errors: 'errors', Latency: 'latency' };

/** One MetricStat from the fleet: a Lambda alias's per-version figures, or a flag's per-variant ones. */
function statSeries(fleet: SimulatedFleet, stat: MetricStatInput, from: Date, to: Date): Series {
  const source = seriesSource(fleet, stat);
  if (!source) return new Map();
  const name = stat.Metric?.MetricName;
  const statistic = stat.Stat ?? '';
  const rank = /^PR\(:(\d+(?:\.\d+)?)\)$/.exec(statistic);
  const minutes = fleet.series(source.key, source.cohort, from, to, rank ? { slowThresholdMs: Number(rank[1]) } : {});
  const pick = (value: (m: MinuteAggregate) => number | undefined): Series => new Map(minutes.flatMap((m) => (value(m) === undefined ? [] : [[Date.parse(m.minute), value(m) as number] as const])));
  if (source.figure === 'requests' && statistic === 'Sum') return pick((m) => m.requests);
  if (source.figure === 'errors' && statistic === 'Sum') return pick((m) => m.errors);
  if (source.figure === 'throttles' && statistic === 'Sum') return pick((m) => m.throttles);
  if (source.figure === 'concurrency' && statistic === 'Maximum') return pick((m) => m.concurrency);
  if (source.figure === 'latency') {
    if (statistic === 'SampleCount') return pick((m) => m.requests);
    if (statistic === 'p50') return pick((m) => m.p50Ms);
    if (statistic === 'p90') return pick((m) => m.p90Ms);
    if (statistic === 'p99') return pick((m) => m.p99Ms);
    // The share of requests at or below the threshold, in percent.
    if (rank) return pick((m) => (m.requests > 0 ? (100 * (m.requests - m.slowRequests)) / m.requests : undefined));
  }
  throw new AwsApiError('ValidationError', `the local endpoint does not simulate ${name} with statistic ${statistic}`);
}

/**
 * A Lambda alias is named by `Resource` (function:alias) and the cohort by `ExecutedVersion`. A flag
 * is named by its `Flag` dimension (a flag the fleet knows) and the cohort by any dimension valued
 * `on` or `off`; only the default metric names are simulated. Anything else has no data.
 */
function seriesSource(fleet: SimulatedFleet, stat: MetricStatInput): SeriesSource | undefined {
  const dims = Object.fromEntries((stat.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const name = stat.Metric?.MetricName ?? '';
  if (stat.Metric?.Namespace === 'AWS/Lambda') {
    const resource = dims.Resource;
    const figure = LAMBDA_FIGURES[name];
    if (!figure || !dims.FunctionName || !resource?.includes(':') || !dims.ExecutedVersion) return undefined;
    const key = fleet.register(aliasTarget(dims.FunctionName, resource.slice(resource.indexOf(':') + 1)));
    const versions = fleet.versions(key);
    const cohort: Cohort | undefined = dims.ExecutedVersion === versions.new ? 'canary' : dims.ExecutedVersion === versions.stable ? 'baseline' : undefined;
    return cohort ? { key, cohort, figure } : undefined;
  }
  const figure = FLAG_FIGURES[name];
  const key = dims.Flag ? fleet.targetKeys().find((k) => k.startsWith('appconfig:') && k.endsWith(`#${dims.Flag}`)) : undefined;
  const variants = Object.entries(dims).filter(([dim, value]) => dim !== 'Flag' && (value === FLAG_NEW_VARIANT || value === FLAG_STABLE_VARIANT));
  if (!figure || !key || variants.length !== 1) return undefined;
  return { key, cohort: variants[0][1] === FLAG_NEW_VARIANT ? 'canary' : 'baseline', figure };
}

async function describeAlarms(alarms: SimulatedAlarmSource, account: LocalAccount, body: Record<string, unknown>): Promise<unknown> {
  const names = Array.isArray(body.AlarmNames) ? (body.AlarmNames as string[]) : [];
  const firing = new Map((await alarms.firing(names)).map((a) => [a.name, a]));
  // Every alarm a request names exists locally, in OK unless the simulation set it off.
  return {
    MetricAlarms: names.map((name) => ({
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${account.region}:${account.accountId}:alarm:${name}`,
      StateValue: firing.has(name) ? 'ALARM' : 'OK',
      StateReason: firing.get(name)?.reason ?? 'simulated: no threshold crossed',
      StateUpdatedTimestamp: epochSeconds(new Date()),
    })),
    CompositeAlarms: [],
  };
}
