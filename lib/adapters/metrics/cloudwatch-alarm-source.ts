import { DescribeAlarmsCommand, type CloudWatchClient, type CompositeAlarm, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { FiringAlarm } from '../../domain/aggregates';
import { PreconditionError } from '../../domain/errors';
import { awsCall } from '../aws-errors';
import type { AlarmSource } from './metric-provider';

/** DescribeAlarms accepts at most 100 names per request. */
const MAX_NAMES_PER_CALL = 100;

export interface CloudWatchAlarmSourceProps {
  /** Only `send` is used, so tests can pass a stub. */
  readonly client: Pick<CloudWatchClient, 'send'>;
}

/**
 * Reads the state of the alarms a policy names, metric and composite alike. Composite alarms are
 * returned only when asked for by type, and only to a role whose cloudwatch:DescribeAlarms is
 * granted on `*`.
 */
export class CloudWatchAlarmSource implements AlarmSource {
  private readonly client: Pick<CloudWatchClient, 'send'>;

  constructor(props: CloudWatchAlarmSourceProps) {
    this.client = props.client;
  }

  async firing(alarmNames: readonly string[]): Promise<FiringAlarm[]> {
    const names = [...new Set(alarmNames)];
    const found = new Map<string, MetricAlarm | CompositeAlarm>();
    for (let i = 0; i < names.length; i += MAX_NAMES_PER_CALL) {
      for (const alarm of await this.describe(names.slice(i, i + MAX_NAMES_PER_CALL))) {
        if (alarm.AlarmName) found.set(alarm.AlarmName, alarm);
      }
    }
    // DescribeAlarms ignores unknown names. A guard that does not exist never fires, so a
    // misspelt or deleted alarm would silently leave the rollout unguarded.
    const missing = names.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new PreconditionError(
        `the policy names CloudWatch alarm(s) that do not exist in this account and region: ${missing.join(', ')}; create them or remove them from policy.alarms`,
      );
    }
    return names.flatMap((name) => {
      const alarm = found.get(name);
      if (alarm?.StateValue !== 'ALARM') return [];
      const since = alarm.StateUpdatedTimestamp?.toISOString();
      return [{ name, reason: alarm.StateReason ?? 'in ALARM', ...(since ? { since } : {}) }];
    });
  }

  private async describe(names: string[]): Promise<(MetricAlarm | CompositeAlarm)[]> {
    const alarms: (MetricAlarm | CompositeAlarm)[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall(`DescribeAlarms ${names.join(', ')}`, () =>
        this.client.send(
          new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: MAX_NAMES_PER_CALL, NextToken: nextToken }),
        ),
      );
      alarms.push(...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return alarms;
  }
}
