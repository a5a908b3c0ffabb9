import { useLocalRollouts } from '../helpers/local-rollout';
import { newTestRequest } from '../helpers/requests';

/** Step Functions' quota: a Standard execution's history holds at most 25,000 events. */
const HISTORY_LIMIT = 25_000;
const DAY = 86_400;

const rollouts = useLocalRollouts();

/*
 * Hourly looks, as a week-long bake would use: every look re-reads the rollout's whole window, so
 * the default per-minute looks (which the plan widens to six minutes for seven days) make this run
 * take over ten minutes here.
 */

test('a seven-day strategy runs to promotion in virtual time inside the execution-history limit', async () => {
  const world = await rollouts.world({ scenario: 'healthy' });
  let events = 0;
  let taskAttempts = 0;
  const request = newTestRequest({
    strategy: {
      steps: [
        { name: 'day 1: 1%', weight: 1, minBakeSeconds: DAY, maxBakeSeconds: DAY },
        { name: 'day 2: 5%', weight: 5, minBakeSeconds: DAY, maxBakeSeconds: DAY },
        { name: 'days 3-4: 25%', weight: 25, minBakeSeconds: 2 * DAY, maxBakeSeconds: 2 * DAY },
        { name: 'days 5-7: 50%', weight: 50, minBakeSeconds: 3 * DAY, maxBakeSeconds: 3 * DAY },
      ],
    },
    policy: { evaluationIntervalSeconds: 3600 },
  });
  const run = await rollouts.run(world, request, {
    onEventLog: (event) => {
      events++;
      if ((event.type === 'StateEntered' && event.state.type === 'Task') || event.type === 'StateRetried') taskAttempts++;
    },
  });
  // AWS writes three more events per task attempt than the interpreter logs (scheduled, started, and succeeded or failed).
  const awsEvents = events + 3 * taskAttempts;

  const days = (run.result.endedAt.getTime() - run.result.startedAt.getTime()) / 1000 / DAY;
  console.log(`7-day rollout: ${run.result.endState} after ${days.toFixed(2)} virtual days, ${events.toLocaleString('en')} interpreter events, ${awsEvents.toLocaleString('en')} in AWS's history (limit ${HISTORY_LIMIT.toLocaleString('en')})`);
  expect(run.result.endState).toBe('Promoted');
  expect(days).toBeGreaterThanOrEqual(7);
  expect(events).toBeGreaterThan(0);
  expect(awsEvents).toBeLessThan(HISTORY_LIMIT);
}, 600_000);
