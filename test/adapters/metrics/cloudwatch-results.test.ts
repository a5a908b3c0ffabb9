import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetricProvider } from '../../../lib/adapters/metrics/cloudwatch-metric-provider';
import { CART_ERRORS, customQuery, goldenQuery, lambdaSeries, minute, NEW_CHECKOUT, newCloudWatchClient, publish, type Published } from './cloudwatch-fixtures';

const cw = mockClient(CloudWatchClient);
const provider = new CloudWatchMetricProvider({ client: newCloudWatchClient() });

beforeEach(() => cw.reset());

const flagSeries = (variant: string, metricName: string, stat: string, points: Record<string, number>): Published => ({
  namespace: 'Shop/Flags',
  metricName,
  dimensions: { Service: 'checkout', Flag: 'newCheckout', Variant: variant },
  stat,
  points,
});

describe('CloudWatchMetricProvider', () => {
  describe('fetch: assembling minutes', () => {
    it('gives one aggregate per minute with traffic, and leaves quiet minutes out instead of zero-filling them', async () => {
      publish(cw, [
        lambdaSeries('42', 'Invocations', 'Sum', { '12:00': 120, '12:02': 80 }),
        lambdaSeries('42', 'Errors', 'Sum', { '12:00': 3, '12:02': 1 }),
        lambdaSeries('42', 'Duration', 'p50', { '12:00': 40, '12:02': 42 }),
        lambdaSeries('42', 'Duration', 'p90', { '12:00': 90, '12:02': 95 }),
        lambdaSeries('42', 'Duration', 'p99', { '12:00': 210, '12:02': 260 }),
        lambdaSeries('42', 'ConcurrentExecutions', 'Maximum', { '12:00': 7, '12:02': 5 }),
      ]);

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined })] });

      expect(results.golden.get('0:canary')).toEqual([
        { minute: minute('12:00'), requests: 120, errors: 3, throttles: 0, slowRequests: 0, p50Ms: 40, p90Ms: 90, p99Ms: 210, concurrency: 7 },
        { minute: minute('12:02'), requests: 80, errors: 1, throttles: 0, slowRequests: 0, p50Ms: 42, p90Ms: 95, p99Ms: 260, concurrency: 5 },
      ]);
    });

    it('counts a missing Errors or Throttles datapoint inside a busy minute as 0', async () => {
      publish(cw, [lambdaSeries('42', 'Invocations', 'Sum', { '12:01': 50 }), lambdaSeries('42', 'Errors', 'Sum', { '12:03': 2 })]);

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined })] });

      expect(results.golden.get('0:canary')).toEqual([{ minute: minute('12:01'), requests: 50, errors: 0, throttles: 0, slowRequests: 0 }]);
    });

    it('keeps a minute of throttles without invocations, with 0 requests', async () => {
      publish(cw, [lambdaSeries('42', 'Invocations', 'Sum', { '12:00': 10 }), lambdaSeries('42', 'Throttles', 'Sum', { '12:00': 1, '12:01': 30 })]);

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined })] });

      expect(results.golden.get('0:canary')).toEqual([
        { minute: minute('12:00'), requests: 10, errors: 0, throttles: 1, slowRequests: 0 },
        { minute: minute('12:01'), requests: 0, errors: 0, throttles: 30, slowRequests: 0 },
      ]);
    });

    it('counts the requests slower than the threshold as SampleCount × (100 − PR(:T)) / 100, rounded', async () => {
      publish(cw, [
        lambdaSeries('42', 'Invocations', 'Sum', { '12:00': 200, '12:01': 3 }),
        lambdaSeries('42', 'Duration', 'SampleCount', { '12:00': 200, '12:01': 3 }),
        // 96.3% of durations at or below 250 ms: 7.4 of 200 above it.
        lambdaSeries('42', 'Duration', 'PR(:250)', { '12:00': 96.3, '12:01': 100 }),
      ]);

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: 250 })] });

      expect(results.golden.get('0:canary')?.map((m) => [m.minute, m.slowRequests])).toEqual([
        [minute('12:00'), 7],
        [minute('12:01'), 0],
      ]);
    });

    it('never counts more slow requests than the minute’s invocations', async () => {
      publish(cw, [
        lambdaSeries('42', 'Invocations', 'Sum', { '12:00': 10 }),
        // SampleCount and Invocations are separate series: an estimate from one must not exceed the other.
        lambdaSeries('42', 'Duration', 'SampleCount', { '12:00': 14 }),
        lambdaSeries('42', 'Duration', 'PR(:250)', { '12:00': 0 }),
      ]);

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: 250 })] });

      expect(results.golden.get('0:canary')?.map((m) => [m.requests, m.slowRequests])).toEqual([[10, 10]]);
    });

    it('cuts each cohort back to its own window when one call spans a historical baseline and the canary', async () => {
      publish(cw, [
        lambdaSeries('42', 'Invocations', 'Sum', { '11:04': 999, '12:00': 5, '12:04': 6, '12:05': 999 }),
        lambdaSeries('41', 'Invocations', 'Sum', { '11:00': 7, '11:04': 8, '11:05': 999, '12:00': 999 }),
      ]);
      const baseline = { id: '0:baseline', cohort: 'baseline' as const, version: '41', from: new Date(minute('11:00')), to: new Date(minute('11:05')) };

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined }), goldenQuery({ ...baseline, slowThresholdMs: undefined })] });

      expect(results.golden.get('0:canary')?.map((m) => [m.minute, m.requests])).toEqual([
        [minute('12:00'), 5],
        [minute('12:04'), 6],
      ]);
      expect(results.golden.get('0:baseline')?.map((m) => [m.minute, m.requests])).toEqual([
        [minute('11:00'), 7],
        [minute('11:04'), 8],
      ]);
    });

    it('reads a flag variant with no throttles and no concurrency', async () => {
      publish(cw, [
        flagSeries('on', 'Requests', 'Sum', { '12:00': 40 }),
        flagSeries('on', 'Errors', 'Sum', { '12:00': 2 }),
        flagSeries('on', 'Latency', 'p50', { '12:00': 20 }),
        flagSeries('on', 'Latency', 'p90', { '12:00': 50 }),
        flagSeries('on', 'Latency', 'p99', { '12:00': 90 }),
        flagSeries('on', 'Latency', 'SampleCount', { '12:00': 40 }),
        flagSeries('on', 'Latency', 'PR(:80)', { '12:00': 97.5 }),
        flagSeries('off', 'Requests', 'Sum', { '12:00': 400 }),
      ]);

      const results = await provider.fetch({ golden: [goldenQuery({ target: NEW_CHECKOUT, version: 'on', slowThresholdMs: 80 })] });

      expect(results.golden.get('0:canary')).toEqual([{ minute: minute('12:00'), requests: 40, errors: 2, throttles: 0, slowRequests: 1, p50Ms: 20, p90Ms: 50, p99Ms: 90 }]);
    });

    it('returns a custom metric’s datapoints for the version asked for', async () => {
      const published = (version: string, points: Record<string, number>): Published => ({
        namespace: 'Shop/App',
        metricName: 'CartErrors',
        dimensions: { Service: 'cart', ExecutedVersion: version },
        stat: CART_ERRORS.stat,
        points,
      });
      publish(cw, [published('42', { '12:03': 1.5, '12:01': 4 }), published('41', { '12:01': 9 })]);

      const results = await provider.fetch({ golden: [], custom: [customQuery()] });

      expect(results.custom.get('custom0:0:canary')).toEqual([
        { minute: minute('12:01'), value: 4 },
        { minute: minute('12:03'), value: 1.5 },
      ]);
    });
  });
});
