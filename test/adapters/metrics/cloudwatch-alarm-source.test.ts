import { CloudWatchClient, CloudWatchServiceException, DescribeAlarmsCommand, type CompositeAlarm, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudWatchAlarmSource } from '../../../lib/adapters/metrics/cloudwatch-alarm-source';
import { PreconditionError, TransientError } from '../../../lib/domain/errors';
import { newCloudWatchClient } from './cloudwatch-fixtures';

const cw = mockClient(CloudWatchClient);
const source = new CloudWatchAlarmSource({ client: newCloudWatchClient() });

beforeEach(() => cw.reset());

const SINCE = new Date('2025-03-01T11:58:00.000Z');

function alarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason = `${name} is ${state}`): MetricAlarm & CompositeAlarm {
  return { AlarmName: name, StateValue: state, StateReason: reason, StateUpdatedTimestamp: SINCE };
}

/** Answers DescribeAlarms like CloudWatch: the named alarms that exist, metric and composite apart. */
function existing(metric: MetricAlarm[], composite: CompositeAlarm[] = []): void {
  cw.on(DescribeAlarmsCommand).callsFake(({ AlarmNames }: { AlarmNames: string[] }) => ({
    MetricAlarms: metric.filter((a) => AlarmNames.includes(a.AlarmName!)),
    CompositeAlarms: composite.filter((a) => AlarmNames.includes(a.AlarmName!)),
  }));
}

function requests() {
  return cw.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
}

describe('CloudWatchAlarmSource', () => {
  describe('firing', () => {
    it('returns the metric and composite alarms in ALARM, with CloudWatch’s reason and since when', async () => {
      existing([alarm('orders-5xx', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 5'), alarm('orders-p99', 'OK')], [alarm('checkout-health', 'ALARM'), alarm('cart-health', 'INSUFFICIENT_DATA')]);

      const firing = await source.firing(['orders-5xx', 'orders-p99', 'checkout-health', 'cart-health']);

      expect(firing).toEqual([
        { name: 'orders-5xx', reason: 'Threshold Crossed: 3 datapoints were greater than 5', since: '2025-03-01T11:58:00.000Z' },
        { name: 'checkout-health', reason: 'checkout-health is ALARM', since: '2025-03-01T11:58:00.000Z' },
      ]);
    });

    it('asks for the named alarms of both types, since composite alarms are left out unless asked for', async () => {
      existing([alarm('orders-5xx', 'OK')]);

      await source.firing(['orders-5xx']);

      expect(requests()).toEqual([{ AlarmNames: ['orders-5xx'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: undefined }]);
    });

    it('asks for at most 100 names per request', async () => {
      const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
      existing(names.map((name) => alarm(name, name === 'alarm-120' ? 'ALARM' : 'OK')));

      const firing = await source.firing(names);

      expect(requests().map((r) => r.AlarmNames)).toEqual([names.slice(0, 100), names.slice(100)]);
      expect(firing.map((a) => a.name)).toEqual(['alarm-120']);
    });

    it('follows NextToken through every page', async () => {
      cw.on(DescribeAlarmsCommand)
        .resolvesOnce({ MetricAlarms: [alarm('orders-5xx', 'OK')], NextToken: 'page-2' })
        .resolvesOnce({ CompositeAlarms: [alarm('checkout-health', 'ALARM')] });

      const firing = await source.firing(['orders-5xx', 'checkout-health']);

      expect(requests().map((r) => r.NextToken)).toEqual([undefined, 'page-2']);
      expect(firing.map((a) => a.name)).toEqual(['checkout-health']);
    });

    it('refuses a policy naming an alarm that does not exist, because it would never fire', async () => {
      existing([alarm('orders-5xx', 'OK')]);

      const firing = source.firing(['orders-5xx', 'orders-5xxx', 'gone']);

      await expect(firing).rejects.toBeInstanceOf(PreconditionError);
      await expect(firing).rejects.toThrow('do not exist in this account and region: orders-5xxx, gone');
    });

    it('asks once for a name listed twice', async () => {
      existing([alarm('orders-5xx', 'ALARM')]);

      const firing = await source.firing(['orders-5xx', 'orders-5xx']);

      expect(requests().map((r) => r.AlarmNames)).toEqual([['orders-5xx']]);
      expect(firing).toHaveLength(1);
    });

    it('makes no call for an empty list', async () => {
      expect(await source.firing([])).toEqual([]);
      expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 0);
    });

    it('turns throttling into a TransientError', async () => {
      cw.on(DescribeAlarmsCommand).rejects(new CloudWatchServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }));

      await expect(source.firing(['orders-5xx'])).rejects.toBeInstanceOf(TransientError);
    });
  });
});
