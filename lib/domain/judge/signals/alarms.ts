import type { FiringAlarm } from '../../aggregates';
import type { SignalResult } from '../../verdict';
import { oneLine } from '../../text';
import { WHOLE_RELEASE } from '../window';
import { skipped } from './skipped';

/** Alarm names listed in a passing reason; the rest are counted, to keep the line short. */
const LISTED_NAMES = 5;

/**
 * CloudWatch alarms the policy names: any in ALARM fails the step at once, as CodeDeploy does.
 * The alarm's own evaluation (M of N datapoints) is the user's decision, so this is a guard, not
 * a sequential test. A firing alarm is never ignored, even one the policy does not list.
 */
export function judgeAlarms(named: readonly string[], firing: readonly FiringAlarm[]): SignalResult {
  const statistics = { namedAlarms: named.length, firingAlarms: firing.length };
  const thresholds = { maxFiringAlarms: 0 };
  if (firing.length > 0) {
    const which = firing.map((a) => `${a.name}${a.since ? ` since ${a.since}` : ''} (${oneLine(a.reason)})`).join('; ');
    return { signal: 'alarms', targetKey: WHOLE_RELEASE, status: 'fail', statistics, thresholds, reason: `alarms: ${firing.length} in ALARM: ${which}` };
  }
  if (named.length === 0) return skipped('alarms', WHOLE_RELEASE, 'alarms: the policy names no alarms');
  const listed = named.slice(0, LISTED_NAMES).join(', ');
  const more = named.length > LISTED_NAMES ? ` and ${named.length - LISTED_NAMES} more` : '';
  return { signal: 'alarms', targetKey: WHOLE_RELEASE, status: 'pass', statistics, thresholds, reason: `alarms: none of ${named.length} in ALARM (${listed}${more})` };
}
