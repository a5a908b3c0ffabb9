import type { AlarmSource, FiringAlarm } from '../../adapters/metrics/metric-provider';

/** Local mode's CloudWatch alarms: none fire unless a test or scenario sets them off. */
export class SimulatedAlarmSource implements AlarmSource {
  private readonly alarms = new Map<string, FiringAlarm>();

  fire(name: string, reason = 'threshold crossed (simulated)'): void {
    this.alarms.set(name, { name, reason });
  }

  clear(name: string): void {
    this.alarms.delete(name);
  }

  async firing(alarmNames: readonly string[]): Promise<FiringAlarm[]> {
    return alarmNames.flatMap((name) => this.alarms.get(name) ?? []);
  }
}
