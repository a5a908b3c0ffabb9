import { judgeAlarms } from '../../../lib/domain/judge';

describe('judgeAlarms', () => {
  const named = ['orders-5xx', 'orders-dlq-depth'];

  it('is skipped when the policy names no alarms', () => {
    const result = judgeAlarms([], []);
    expect(result).toMatchObject({ signal: 'alarms', targetKey: '*', status: 'skipped' });
    expect(result.reason).toBe('alarms: the policy names no alarms');
  });

  it('passes while no named alarm is in ALARM, listing the alarms it watched', () => {
    const result = judgeAlarms(named, []);
    expect(result).toMatchObject({ signal: 'alarms', targetKey: '*', status: 'pass', statistics: { namedAlarms: 2, firingAlarms: 0 }, thresholds: { maxFiringAlarms: 0 } });
    expect(result.reason).toBe('alarms: none of 2 in ALARM (orders-5xx, orders-dlq-depth)');
  });

  it('keeps a passing reason short when the policy names many alarms', () => {
    const many = Array.from({ length: 8 }, (_, i) => `alarm-${i}`);
    expect(judgeAlarms(many, []).reason).toBe('alarms: none of 8 in ALARM (alarm-0, alarm-1, alarm-2, alarm-3, alarm-4 and 3 more)');
  });

  it('fails when a named alarm is in ALARM, giving its name and CloudWatch’s reason on one line', () => {
    const firing = [{ name: 'orders-dlq-depth', reason: 'Threshold Crossed:\n1 datapoint [42.0] was greater than the threshold (10.0).', since: '2025-01-01T00:04:00Z' }];
    const result = judgeAlarms(named, firing);
    expect(result).toMatchObject({ status: 'fail', statistics: { namedAlarms: 2, firingAlarms: 1 } });
    expect(result.reason).toBe('alarms: 1 in ALARM: orders-dlq-depth since 2025-01-01T00:04:00Z (Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).)');
  });

  it('lists every alarm in ALARM', () => {
    const firing = named.map((name) => ({ name, reason: `${name} breached` }));
    expect(judgeAlarms(named, firing).reason).toBe('alarms: 2 in ALARM: orders-5xx (orders-5xx breached); orders-dlq-depth (orders-dlq-depth breached)');
  });

  it('never ignores an alarm in ALARM, even one the policy does not name', () => {
    expect(judgeAlarms([], [{ name: 'stray', reason: 'breached' }]).status).toBe('fail');
  });
});
