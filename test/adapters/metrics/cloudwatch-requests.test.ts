import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudWatchMetricProvider } from '../../../lib/adapters/metrics/cloudwatch-metric-provider';
import { appConfigFlagTargetSchema } from '../../../lib/domain/targets';
import { CART_ERRORS, customQuery, dims, FROM, goldenQuery, NEW_CHECKOUT, newCloudWatchClient, sentRequests, TO } from './cloudwatch-fixtures';

const cw = mockClient(CloudWatchClient);
const provider = new CloudWatchMetricProvider({ client: newCloudWatchClient() });

beforeEach(() => {
  cw.reset();
  cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

function stat(id: string, namespace: string, metricName: string, dimensions: Record<string, string>, statistic: string, returnData = true): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dims(dimensions) }, Period: 60, Stat: statistic }, ReturnData: returnData };
}

function queriesOf(prefix: string): MetricDataQuery[] {
  return (sentRequests(cw)[0].MetricDataQueries ?? []).filter((q) => q.Id?.startsWith(`${prefix}_`) || q.Id === prefix);
}

const LAMBDA_V42 = { FunctionName: 'orders-api', Resource: 'orders-api:live', ExecutedVersion: '42' };

describe('CloudWatchMetricProvider', () => {
  describe('fetch: the GetMetricData request', () => {
    it('asks for every query of two targets × two cohorts and a custom metric in one call', async () => {
      await provider.fetch({
        golden: [
          goldenQuery({ id: '0:canary', version: '42' }),
          goldenQuery({ id: '0:baseline', cohort: 'baseline', version: '41' }),
          goldenQuery({ id: '1:canary', target: NEW_CHECKOUT, version: 'on' }),
          goldenQuery({ id: '1:baseline', target: NEW_CHECKOUT, cohort: 'baseline', version: 'off' }),
        ],
        custom: [customQuery()],
      });

      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
      const [request] = sentRequests(cw);
      expect(request).toEqual({
        MetricDataQueries: expect.any(Array),
        StartTime: FROM,
        EndTime: TO,
        ScanBy: 'TimestampAscending',
      });
      const ids = (request.MetricDataQueries ?? []).map((q) => q.Id);
      // Lambda: 7 statistics + 2 expression inputs + 1 expression; flag: 5 + 2 + 1; custom: 1.
      expect(ids).toHaveLength(2 * 10 + 2 * 8 + 1);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
      const versionOf = (prefix: string, dimension: string) =>
        new Set(queriesOf(prefix).flatMap((q) => q.MetricStat?.Metric?.Dimensions?.filter((d) => d.Name === dimension).map((d) => d.Value) ?? []));
      expect([versionOf('g0', 'ExecutedVersion'), versionOf('g1', 'ExecutedVersion'), versionOf('g2', 'Variant'), versionOf('g3', 'Variant'), versionOf('c0', 'ExecutedVersion')]).toEqual([
        new Set(['42']),
        new Set(['41']),
        new Set(['on']),
        new Set(['off']),
        new Set(['42']),
      ]);
    });

    it('reads a Lambda version by FunctionName, Resource=function:alias and ExecutedVersion, with the slow count from PR(:T) × SampleCount', async () => {
      await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: 250 })] });

      expect(queriesOf('g0')).toEqual([
        stat('g0_invocations', 'AWS/Lambda', 'Invocations', LAMBDA_V42, 'Sum'),
        stat('g0_errors', 'AWS/Lambda', 'Errors', LAMBDA_V42, 'Sum'),
        stat('g0_throttles', 'AWS/Lambda', 'Throttles', LAMBDA_V42, 'Sum'),
        stat('g0_p50', 'AWS/Lambda', 'Duration', LAMBDA_V42, 'p50'),
        stat('g0_p90', 'AWS/Lambda', 'Duration', LAMBDA_V42, 'p90'),
        stat('g0_p99', 'AWS/Lambda', 'Duration', LAMBDA_V42, 'p99'),
        // PR(:250) is the percentage of durations ≤ 250 ms: the slow ones are the rest.
        stat('g0_pr', 'AWS/Lambda', 'Duration', LAMBDA_V42, 'PR(:250)', false),
        stat('g0_samples', 'AWS/Lambda', 'Duration', LAMBDA_V42, 'SampleCount', false),
        { Id: 'g0_slow', Expression: 'g0_samples * (100 - g0_pr) / 100', ReturnData: true },
        stat('g0_concurrency', 'AWS/Lambda', 'ConcurrentExecutions', LAMBDA_V42, 'Maximum'),
      ]);
    });

    it('selects the baseline cohort by its own ExecutedVersion, under the bare function name', async () => {
      await provider.fetch({ golden: [goldenQuery({ target: { kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '42' }, version: '41' })] });

      for (const query of queriesOf('g0').filter((q) => q.MetricStat)) {
        expect(query.MetricStat?.Metric?.Dimensions).toEqual(dims({ FunctionName: 'orders-api', Resource: 'orders-api:live', ExecutedVersion: '41' }));
      }
    });

    it('writes a derived threshold with at most three decimals', async () => {
      await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: 312.48000000000002 })] });

      expect(queriesOf('g0').find((q) => q.Id === 'g0_pr')?.MetricStat?.Stat).toBe('PR(:312.48)');
    });

    it('asks for no slow-request count without a threshold', async () => {
      await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined })] });

      expect(queriesOf('g0').map((q) => q.Id)).toEqual(['g0_invocations', 'g0_errors', 'g0_throttles', 'g0_p50', 'g0_p90', 'g0_p99', 'g0_concurrency']);
    });

    it('reads a flag variant by Flag, the variant dimension and the configured extra dimensions', async () => {
      await provider.fetch({ golden: [goldenQuery({ target: NEW_CHECKOUT, version: 'on', slowThresholdMs: 80 })] });

      const flagDims = { Service: 'checkout', Flag: 'newCheckout', Variant: 'on' };
      expect(queriesOf('g0')).toEqual([
        stat('g0_requests', 'Shop/Flags', 'Requests', flagDims, 'Sum'),
        stat('g0_errors', 'Shop/Flags', 'Errors', flagDims, 'Sum'),
        stat('g0_p50', 'Shop/Flags', 'Latency', flagDims, 'p50'),
        stat('g0_p90', 'Shop/Flags', 'Latency', flagDims, 'p90'),
        stat('g0_p99', 'Shop/Flags', 'Latency', flagDims, 'p99'),
        stat('g0_pr', 'Shop/Flags', 'Latency', flagDims, 'PR(:80)', false),
        stat('g0_samples', 'Shop/Flags', 'Latency', flagDims, 'SampleCount', false),
        { Id: 'g0_slow', Expression: 'g0_samples * (100 - g0_pr) / 100', ReturnData: true },
      ]);
    });

    it('asks a flag whose application publishes no latency for requests and errors only, under its own names', async () => {
      const target = appConfigFlagTargetSchema.parse({
        ...NEW_CHECKOUT,
        metrics: { namespace: 'Shop/Flags', requests: 'Evaluations', errors: 'Failures', latency: null, variantDimension: 'Arm', dimensions: {} },
      });

      await provider.fetch({ golden: [goldenQuery({ target, version: 'off', slowThresholdMs: 80 })] });

      const flagDims = { Flag: 'newCheckout', Arm: 'off' };
      expect(queriesOf('g0')).toEqual([stat('g0_requests', 'Shop/Flags', 'Evaluations', flagDims, 'Sum'), stat('g0_errors', 'Shop/Flags', 'Failures', flagDims, 'Sum')]);
    });

    it('reads a custom metric for one version through its version dimension, with its own statistic', async () => {
      await provider.fetch({ golden: [], custom: [customQuery({ version: '41' })] });

      expect(queriesOf('c0')).toEqual([stat('c0', 'Shop/App', 'CartErrors', { Service: 'cart', ExecutedVersion: '41' }, 'Sum')]);
    });

    it('reads a custom metric without a version as a whole', async () => {
      const metric = { ...CART_ERRORS, versionDimension: undefined, maxIncrease: undefined, max: 5, stat: 'p99' };

      await provider.fetch({ golden: [], custom: [{ id: 'custom0', metric, from: FROM, to: TO }] });

      expect(queriesOf('c0')).toEqual([stat('c0', 'Shop/App', 'CartErrors', { Service: 'cart' }, 'p99')]);
    });

    it('spans the canary window and a historical baseline window in the same call', async () => {
      const baselineFrom = new Date('2025-03-01T11:00:00.000Z');
      const baselineTo = new Date('2025-03-01T11:05:00.000Z');

      await provider.fetch({
        golden: [goldenQuery(), goldenQuery({ id: '0:baseline', cohort: 'baseline', version: '41', from: baselineFrom, to: baselineTo })],
      });

      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
      expect(sentRequests(cw)[0]).toMatchObject({ StartTime: baselineFrom, EndTime: TO });
    });

    it('makes no call when every window is still empty, and answers every id with no minutes', async () => {
      const results = await provider.fetch({ golden: [goldenQuery({ from: FROM, to: FROM })], custom: [customQuery({ from: FROM, to: FROM })] });

      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
      expect(results.golden).toEqual(new Map([['0:canary', []]]));
      expect(results.custom).toEqual(new Map([['custom0:0:canary', []]]));
    });

    it('refuses two queries with the same id before calling CloudWatch', async () => {
      await expect(provider.fetch({ golden: [goldenQuery(), goldenQuery()] })).rejects.toThrow('duplicate metric query id "0:canary"');
      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
    });
  });
});
