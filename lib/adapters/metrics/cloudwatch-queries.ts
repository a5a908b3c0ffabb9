import type { Dimension, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ceilToMinute, floorToMinute, MINUTE_MS } from '../../domain/clock';
import { functionNameOf, type AppConfigFlagTarget, type LambdaAliasTarget } from '../../domain/targets';
import type { CustomMetricQuery, MetricBatch, MetricQuery } from './metric-provider';

/** Lambda publishes one datapoint per minute; every query asks for exactly that resolution. */
export const PERIOD_SECONDS = 60;
/** GetMetricData's limit, counting expressions and their hidden inputs. */
export const MAX_QUERIES_PER_CALL = 500;
/** GetMetricData's default MaxDatapoints: a call sized under it needs no second page. */
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/** The MinuteAggregate fields a CloudWatch series fills. */
export type GoldenField = 'requests' | 'errors' | 'throttles' | 'p50Ms' | 'p90Ms' | 'p99Ms' | 'concurrency' | 'slowRequests';

/** A caller's golden query and the CloudWatch ids that answer it. */
export interface GoldenPlan {
  readonly kind: 'golden';
  readonly query: MetricQuery;
  /** CloudWatch id per field; a field without an id (flag throttles, latency not published) stays empty. */
  readonly ids: Readonly<Partial<Record<GoldenField, string>>>;
  readonly queries: readonly MetricDataQuery[];
}

export interface CustomPlan {
  readonly kind: 'custom';
  readonly query: CustomMetricQuery;
  readonly id: string;
  readonly queries: readonly MetricDataQuery[];
}

/** Queries that must travel in one call: an expression is evaluated only beside its inputs. */
export type QueryPlan = GoldenPlan | CustomPlan;

/** One GetMetricData request's worth of plans. */
export interface CallPlan {
  readonly plans: readonly QueryPlan[];
  readonly queries: MetricDataQuery[];
  readonly startTime: Date;
  readonly endTime: Date;
}

/**
 * Turns a batch into CloudWatch queries. Ids are generated (`g<i>_…` for golden, `c<j>` for
 * custom) because CloudWatch ids must start with a lowercase letter and hold only letters, digits
 * and underscores, which the caller's ids (`0:canary`) do not. Queries with an empty window are
 * left out: there is nothing to ask for.
 */
export function planQueries(batch: MetricBatch): QueryPlan[] {
  refuseDuplicateIds(batch);
  const golden = batch.golden.filter(hasWindow).map((query, i): QueryPlan => goldenPlan(query, `g${i}`));
  const custom = (batch.custom ?? []).filter(hasWindow).map((query, j): QueryPlan => customPlan(query, `c${j}`));
  return [...golden, ...custom];
}

/**
 * Packs plans into as few calls as possible: GetMetricData is rate-limited per account (50 TPS)
 * and priced per metric, not per call. A call closes at 500 queries, or when its returned series
 * would exceed one page of datapoints: CloudWatch does not page math expressions, so a slow-request
 * count cut at a page boundary would silently undercount.
 */
export function packCalls(plans: readonly QueryPlan[]): CallPlan[] {
  const calls: CallPlan[] = [];
  let current: QueryPlan[] = [];
  for (const plan of plans) {
    if (current.length > 0 && !fits([...current, plan])) {
      calls.push(callOf(current));
      current = [];
    }
    current.push(plan);
  }
  if (current.length > 0) calls.push(callOf(current));
  return calls;
}

function fits(plans: readonly QueryPlan[]): boolean {
  const queries = plans.flatMap((p) => p.queries);
  if (queries.length > MAX_QUERIES_PER_CALL) return false;
  const { startTime, endTime } = windowOf(plans);
  const minutes = (endTime.getTime() - startTime.getTime()) / MINUTE_MS;
  const returned = queries.filter((q) => q.ReturnData !== false).length;
  return returned * minutes <= MAX_DATAPOINTS_PER_CALL;
}

/**
 * One call spans every window it carries (a historical baseline lies before the canary's window);
 * each series is cut back to its own window when the results are assembled. StartTime is
 * inclusive and EndTime exclusive, like the queries' from and to.
 */
function callOf(plans: readonly QueryPlan[]): CallPlan {
  return { plans, queries: plans.flatMap((p) => p.queries), ...windowOf(plans) };
}

function windowOf(plans: readonly QueryPlan[]): { startTime: Date; endTime: Date } {
  const from = Math.min(...plans.map((p) => p.query.from.getTime()));
  const to = Math.max(...plans.map((p) => p.query.to.getTime()));
  return { startTime: floorToMinute(new Date(from)), endTime: ceilToMinute(new Date(to)) };
}

function hasWindow(query: { readonly from: Date; readonly to: Date }): boolean {
  return query.to.getTime() > query.from.getTime();
}

function refuseDuplicateIds(batch: MetricBatch): void {
  // The results are keyed by the caller's ids: a duplicate would silently lose one series.
  for (const queries of [batch.golden, batch.custom ?? []]) {
    const seen = new Set<string>();
    for (const { id } of queries) {
      if (seen.has(id)) throw new Error(`duplicate metric query id "${id}"`);
      seen.add(id);
    }
  }
}

function goldenPlan(query: MetricQuery, prefix: string): GoldenPlan {
  return query.target.kind === 'lambda-alias' ? lambdaPlan(query, query.target, prefix) : flagPlan(query, query.target, prefix);
}

/**
 * A weighted alias's per-version figures carry FunctionName, Resource=<function>:<alias> and
 * ExecutedVersion. Lambda timestamps them at invocation and publishes them minutes later; the
 * caller's window already stops before the minutes still arriving.
 */
function lambdaPlan(query: MetricQuery, target: LambdaAliasTarget, prefix: string): GoldenPlan {
  const functionName = functionNameOf(target.functionName);
  const metric = metricOf('AWS/Lambda', {
    FunctionName: functionName,
    Resource: `${functionName}:${target.alias}`,
    ExecutedVersion: query.version,
  });
  const builder = new PlanBuilder(prefix);
  builder.stat('requests', 'invocations', metric('Invocations'), 'Sum');
  builder.stat('errors', 'errors', metric('Errors'), 'Sum');
  builder.stat('throttles', 'throttles', metric('Throttles'), 'Sum');
  builder.latency(metric('Duration'), query.slowThresholdMs);
  // Lambda publishes ConcurrentExecutions per function, version and alias, so ExecutedVersion selects the version's own peak.
  builder.stat('concurrency', 'concurrency', metric('ConcurrentExecutions'), 'Maximum');
  return builder.golden(query);
}

/** An application publishes its flag figures per variant (`on`/`off`); it has no throttles to report. */
function flagPlan(query: MetricQuery, target: AppConfigFlagTarget, prefix: string): GoldenPlan {
  const { namespace, requests, errors, latency, variantDimension, dimensions } = target.metrics;
  const metric = metricOf(namespace, { ...dimensions, Flag: target.flag, [variantDimension]: query.version });
  const builder = new PlanBuilder(prefix);
  builder.stat('requests', 'requests', metric(requests), 'Sum');
  builder.stat('errors', 'errors', metric(errors), 'Sum');
  if (latency !== null) builder.latency(metric(latency), query.slowThresholdMs);
  return builder.golden(query);
}

function customPlan(query: CustomMetricQuery, id: string): CustomPlan {
  const { namespace, metricName, dimensions, versionDimension, stat } = query.metric;
  const versioned = query.version !== undefined && versionDimension !== undefined ? { [versionDimension]: query.version } : {};
  const metric = metricOf(namespace, { ...dimensions, ...versioned });
  return { kind: 'custom', query, id, queries: [{ Id: id, MetricStat: { Metric: metric(metricName), Period: PERIOD_SECONDS, Stat: stat }, ReturnData: true }] };
}

type MetricRef = NonNullable<MetricDataQuery['MetricStat']>['Metric'];

function metricOf(namespace: string, dimensions: Readonly<Record<string, string>>): (metricName: string) => MetricRef {
  const list: Dimension[] = Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));
  return (metricName) => ({ Namespace: namespace, MetricName: metricName, Dimensions: list });
}

class PlanBuilder {
  private readonly ids: Partial<Record<GoldenField, string>> = {};
  private readonly queries: MetricDataQuery[] = [];

  constructor(private readonly prefix: string) {}

  stat(field: GoldenField, suffix: string, metric: MetricRef, stat: string): void {
    this.ids[field] = this.metricStat(suffix, metric, stat, true);
  }

  /**
   * Percentiles for display, and the count of requests slower than the threshold. The percentile
   * rank PR(:T) is the percentage of datapoints at or below T (lower bound exclusive, upper
   * inclusive), so the slow ones, strictly above T, number SampleCount × (100 − PR(:T)) / 100.
   */
  latency(metric: MetricRef, slowThresholdMs: number | undefined): void {
    this.stat('p50Ms', 'p50', metric, 'p50');
    this.stat('p90Ms', 'p90', metric, 'p90');
    this.stat('p99Ms', 'p99', metric, 'p99');
    if (slowThresholdMs === undefined) return;
    // Inputs of the expression only: ReturnData false keeps them out of the response.
    const atOrBelow = this.metricStat('pr', metric, `PR(:${formatThreshold(slowThresholdMs)})`, false);
    const samples = this.metricStat('samples', metric, 'SampleCount', false);
    const id = `${this.prefix}_slow`;
    this.queries.push({ Id: id, Expression: `${samples} * (100 - ${atOrBelow}) / 100`, ReturnData: true });
    this.ids.slowRequests = id;
  }

  golden(query: MetricQuery): GoldenPlan {
    return { kind: 'golden', query, ids: this.ids, queries: this.queries };
  }

  private metricStat(suffix: string, metric: MetricRef, stat: string, returnData: boolean): string {
    const id = `${this.prefix}_${suffix}`;
    this.queries.push({ Id: id, MetricStat: { Metric: metric, Period: PERIOD_SECONDS, Stat: stat }, ReturnData: returnData });
    return id;
  }
}

/** A threshold derived from a p99 (e.g. 312.48000000000002) is written with at most 3 decimals, never in exponent form. */
export function formatThreshold(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`slow-request threshold must be a finite number of ms ≥ 0, got ${ms}`);
  return String(Math.round(ms * 1000) / 1000);
}
