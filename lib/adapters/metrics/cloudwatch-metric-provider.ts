import { GetMetricDataCommand, type CloudWatchClient, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CustomPoint, MinuteAggregate } from '../../domain/aggregates';
import { TransientError } from '../../domain/errors';
import { AccessDeniedError, awsCall } from '../aws-errors';
import { packCalls, planQueries, type CallPlan } from './cloudwatch-queries';
import { addPage, customSeries, goldenSeries, type SeriesById } from './cloudwatch-results';
import type { MetricBatch, MetricProvider, MetricResults } from './metric-provider';

export interface CloudWatchMetricProviderProps {
  /** Only `send` is used, so tests and local mode can pass a stub. */
  readonly client: Pick<CloudWatchClient, 'send'>;
}

/**
 * Reads golden signals and custom metrics from CloudWatch with GetMetricData: every query of every
 * target in one request (more only past 500 queries or one page of datapoints), because the API
 * is limited to 50 TPS per account and billed per metric.
 *
 * Lambda timestamps its metrics at invocation and publishes them minutes later, so the newest
 * minutes are still filling when they are read: their counts only grow, and the judge reads them
 * as an unbiased part of the minute (see lib/controller/evaluation-window.ts). This provider
 * returns exactly the minutes asked for, partial ones included.
 */
export class CloudWatchMetricProvider implements MetricProvider {
  private readonly client: Pick<CloudWatchClient, 'send'>;

  constructor(props: CloudWatchMetricProviderProps) {
    this.client = props.client;
  }

  async fetch(batch: MetricBatch): Promise<MetricResults> {
    const golden = new Map<string, readonly MinuteAggregate[]>(batch.golden.map((q) => [q.id, []]));
    const custom = new Map<string, readonly CustomPoint[]>((batch.custom ?? []).map((q) => [q.id, []]));
    for (const call of packCalls(planQueries(batch))) {
      const series = await this.read(call);
      for (const plan of call.plans) {
        if (plan.kind === 'golden') golden.set(plan.query.id, goldenSeries(plan, series));
        else custom.set(plan.query.id, customSeries(plan, series));
      }
    }
    return { golden, custom };
  }

  /** One GetMetricData request, followed through every page. */
  private async read(call: CallPlan): Promise<SeriesById> {
    const series = new Map<string, Map<number, number>>();
    const statuses = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const page = await awsCall(`GetMetricData (${call.queries.length} queries)`, () =>
        this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: call.queries,
            StartTime: call.startTime,
            EndTime: call.endTime,
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
          }),
        ),
      );
      const results = page.MetricDataResults ?? [];
      addPage(series, results);
      for (const result of results) if (result.Id) statuses.set(result.Id, result);
      nextToken = page.NextToken;
    } while (nextToken);
    refuseFailedResults([...statuses.values()]);
    return series;
  }
}

/**
 * GetMetricData can succeed as a call yet fail per query. Judging a series CloudWatch could not
 * read as if it were empty would mistake an outage for "no traffic", so such results fail the
 * evaluation: InternalError is retried by the state machine, Forbidden needs a human.
 */
function refuseFailedResults(results: readonly MetricDataResult[]): void {
  const describe = (r: MetricDataResult): string => `${r.Id}${r.Messages?.length ? ` (${r.Messages.map((m) => m.Value ?? m.Code).join('; ')})` : ''}`;
  const forbidden = results.filter((r) => r.StatusCode === 'Forbidden');
  if (forbidden.length > 0) throw new AccessDeniedError(`GetMetricData: access to ${forbidden.map(describe).join(', ')} is forbidden (check the controller role's IAM policy)`);
  const failed = results.filter((r) => r.StatusCode === 'InternalError');
  if (failed.length > 0) throw new TransientError(`GetMetricData: CloudWatch failed to read ${failed.map(describe).join(', ')}`);
}
