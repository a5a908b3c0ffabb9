import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudWatchMetricProvider } from '../../../lib/adapters/metrics/cloudwatch-metric-provider';
import { AccessDeniedError } from '../../../lib/adapters/aws-errors';
import { TransientError } from '../../../lib/domain/errors';
import { goldenQuery, lambdaSeries, minute, newCloudWatchClient, publish, result, sentRequests } from './cloudwatch-fixtures';

const cw = mockClient(CloudWatchClient);
const provider = new CloudWatchMetricProvider({ client: newCloudWatchClient() });

beforeEach(() => cw.reset());

function awsError(name: string, message: string): CloudWatchServiceException {
  return new CloudWatchServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

describe('CloudWatchMetricProvider', () => {
  describe('fetch: batching', () => {
    it('splits above 500 queries, keeping every expression in the call that carries its inputs', async () => {
      publish(cw, [lambdaSeries('1', 'Invocations', 'Sum', { '12:00': 10 }), lambdaSeries('51', 'Invocations', 'Sum', { '12:01': 20 })]);
      // 51 versions × 10 queries (7 statistics, PR, SampleCount, the expression) = 510.
      const golden = Array.from({ length: 51 }, (_, i) => goldenQuery({ id: `v${i + 1}`, version: String(i + 1) }));

      const results = await provider.fetch({ golden });

      const requests = sentRequests(cw);
      expect(requests.map((r) => r.MetricDataQueries?.length)).toEqual([500, 10]);
      for (const request of requests) {
        const ids = new Set(request.MetricDataQueries?.map((q) => q.Id));
        for (const q of request.MetricDataQueries ?? []) {
          for (const input of q.Expression?.match(/[a-z][a-zA-Z0-9_]*/g) ?? []) expect(ids).toContain(input);
        }
      }
      expect(results.golden.get('v1')?.map((m) => m.requests)).toEqual([10]);
      expect(results.golden.get('v51')?.map((m) => m.requests)).toEqual([20]);
    });

    it('splits when the returned datapoints would overflow one page, because CloudWatch does not page expressions', async () => {
      publish(cw, []);
      // 8 returned series × 10,080 minutes = 80,640 datapoints: one query per call under the 100,800 default.
      const week = { from: new Date('2025-03-01T00:00:00.000Z'), to: new Date('2025-03-08T00:00:00.000Z') };
      const golden = ['a', 'b', 'c'].map((id) => goldenQuery({ id, ...week }));

      await provider.fetch({ golden });

      expect(sentRequests(cw).map((r) => r.MetricDataQueries?.length)).toEqual([10, 10, 10]);
    });

    it('follows NextToken with the same request and merges the pages', async () => {
      cw.on(GetMetricDataCommand)
        .resolvesOnce({ NextToken: 'page-2', MetricDataResults: [result('g0_invocations', { '12:00': 10, '12:01': 11 }), result('g0_errors', { '12:00': 1 })] })
        .resolvesOnce({ MetricDataResults: [result('g0_invocations', { '12:02': 12 }), result('g0_errors', { '12:02': 2 })] });

      const results = await provider.fetch({ golden: [goldenQuery({ slowThresholdMs: undefined })] });

      const [first, second] = sentRequests(cw);
      expect(sentRequests(cw)).toHaveLength(2);
      expect(first.NextToken).toBeUndefined();
      expect(second).toEqual({ ...first, NextToken: 'page-2' });
      expect(results.golden.get('0:canary')?.map((m) => [m.minute, m.requests, m.errors])).toEqual([
        [minute('12:00'), 10, 1],
        [minute('12:01'), 11, 0],
        [minute('12:02'), 12, 2],
      ]);
    });
  });

  describe('fetch: errors', () => {
    it('turns throttling into a TransientError the state machine retries', async () => {
      cw.on(GetMetricDataCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

      const fetching = provider.fetch({ golden: [goldenQuery()] });

      await expect(fetching).rejects.toBeInstanceOf(TransientError);
      await expect(fetching).rejects.toThrow('GetMetricData (10 queries): ThrottlingException: Rate exceeded');
    });

    it('turns a missing permission into an AccessDeniedError', async () => {
      cw.on(GetMetricDataCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: cloudwatch:GetMetricData'));

      await expect(provider.fetch({ golden: [goldenQuery()] })).rejects.toBeInstanceOf(AccessDeniedError);
    });

    it('fails rather than judge a series CloudWatch could not read as empty', async () => {
      cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('g0_invocations', {}), { ...result('g0_errors', {}), StatusCode: 'InternalError' }] });

      await expect(provider.fetch({ golden: [goldenQuery()] })).rejects.toThrow(new TransientError('GetMetricData: CloudWatch failed to read g0_errors'));
    });

    it('reports a forbidden series as an AccessDeniedError', async () => {
      cw.on(GetMetricDataCommand).resolves({
        MetricDataResults: [{ ...result('g0_invocations', {}), StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'no access to account 210987654321' }] }],
      });

      const fetching = provider.fetch({ golden: [goldenQuery()] });

      await expect(fetching).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(fetching).rejects.toThrow('g0_invocations (no access to account 210987654321)');
    });
  });
});
