import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { makeNotifyHandler } from '../../functions/notify';
import { SnsOutcomePublisher } from '../../lib/adapters/notifications/sns-outcome-publisher';
import type { TrafficRouters } from '../../lib/adapters/traffic/traffic-router';
import type { OutcomeDocument } from '../../lib/controller/outcome-message';
import { PreconditionError } from '../../lib/domain/errors';
import { scenarioByName } from '../../lib/local/fleet';
import { createLocalWorld, type LocalWorld } from '../../lib/local/local-environment';
import type { RolloutRun } from '../helpers/local-rollout';
import { useLocalRollouts } from '../helpers/local-rollout';
import { newExecutionEndedEvent, recordNotifyCalls, TOPIC_ARN } from '../helpers/notify-fixtures';
import { newTestRequest } from '../helpers/requests';

/**
 * The notification of real rollouts: the definition runs on aws-local-stepfunctions with the real
 * handlers and DynamoDB Local; then the notify handler gets the EventBridge event Step Functions
 * would send for that execution, reads the very ledger the rollout wrote, and publishes (SNS mocked).
 */
const rollouts = useLocalRollouts();
const sns = mockClient(SNSClient);
const ALIAS_KEY = 'lambda:orders-api:live';
let tables = 0;

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** The "Step Functions Execution Status Change" event of a local run, as the outcome rule would deliver it. */
function endedEventOf(run: RolloutRun, request: object) {
  const { result } = run;
  return newExecutionEndedEvent({
    name: result.rolloutId,
    executionArn: result.executionId,
    region: 'us-east-1',
    status: result.outcome === 'promoted' ? 'SUCCEEDED' : 'FAILED',
    input: request,
    output: result.output,
    error: result.error,
    cause: result.cause,
    startDate: result.startedAt.getTime(),
    stopDate: result.endedAt.getTime(),
  });
}

async function notifyAbout(run: RolloutRun, request: object) {
  const publisher = new SnsOutcomePublisher({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC_ARN });
  await makeNotifyHandler({ ledger: run.world.ledger, publisher })(endedEventOf(run, request));
  const [call] = sns.commandCalls(PublishCommand);
  const perProtocol = JSON.parse(call.args[0].input.Message as string) as Record<string, string>;
  return { subject: call.args[0].input.Subject, text: perProtocol.email, document: JSON.parse(perProtocol.default) as OutcomeDocument };
}

async function runNamed(world: LocalWorld, rolloutId: string, extra: Parameters<typeof rollouts.run>[2] = {}) {
  const request = newTestRequest({ rolloutId, strategy: 'canary-10-5m' });
  return { request, run: await rollouts.run(world, request, { executionName: rolloutId, ...extra }) };
}

describe('outcome notifications of real local rollouts', () => {
  it('promoted: the alias serves only the new version, as the ledger recorded', async () => {
    const { request, run } = await runNamed(await rollouts.world({ scenario: 'healthy' }), 'notify-promoted');
    expect(run.result.outcome).toBe('promoted');
    const { subject, document } = await notifyAbout(run, request);
    expect(subject).toBe('fledge: notify-promoted PROMOTED');
    expect(document).toMatchObject({
      outcome: 'promoted',
      needsAttention: false,
      targets: [{ targetKey: ALIAS_KEY, stableVersion: '41', newVersion: '42', state: 'promoted', detail: 'alias on version 42 with no routing weights' }],
      execution: { arn: run.result.executionId, status: 'SUCCEEDED' },
      ledger: { state: 'recorded', status: 'PROMOTED' },
    });
    expect(run.world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: '42', additionalVersion: null });
  });

  it("rolled back: the reason and the target's restore, word for word from the ledger", async () => {
    const { request, run } = await runNamed(await rollouts.world({ scenario: 'error-regression' }), 'notify-rolled-back');
    expect(run.result.endState).toBe('RolledBackOnFailedVerdict');
    const record = await run.world.ledger.requireRollout('notify-rolled-back');
    const [restore] = run.eventsOf('target-restored');
    const { subject, text, document } = await notifyAbout(run, request);
    expect(subject).toBe('fledge: notify-rolled-back ROLLED BACK');
    expect(document).toMatchObject({ outcome: 'rolled-back', reason: record.outcome?.reason, ledger: { status: 'ROLLED_BACK' } });
    expect(document.targets).toEqual([{ targetKey: ALIAS_KEY, kind: 'lambda-alias', stableVersion: '41', newVersion: '42', state: 'restored', detail: restore.data.detail }]);
    expect(text).toContain(`  - ${ALIAS_KEY} (41 → 42): restored: alias back on version 41 with no routing weights (was `);
    expect(run.world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: '41', additionalVersion: null });
  });

  it('rollback failed: names the target that could not be restored, and why', async () => {
    const world = await rollouts.world({ scenario: 'error-regression' });
    const fleetRouter = world.deps.routers['lambda-alias'];
    // The fleet's router for everything but the restore, which fails as if someone deleted the alias mid-rollout.
    const routers: TrafficRouters = {
      ...world.deps.routers,
      'lambda-alias': {
        capture: (target) => fleetRouter.capture(target),
        setWeight: (...args) => fleetRouter.setWeight(...args),
        promote: (...args) => fleetRouter.promote(...args),
        restore: async () => {
          throw new PreconditionError('alias live of orders-api was deleted');
        },
      },
    };
    const { request, run } = await runNamed(world, 'notify-rollback-failed', { deps: { routers } });
    expect(run.result.endState).toBe('RollbackFailed');
    const { subject, document } = await notifyAbout(run, request);
    expect(subject).toBe('fledge: notify-rollback-failed ROLLBACK FAILED');
    expect(document).toMatchObject({ outcome: 'rollback-failed', needsAttention: true, ledger: { status: 'ROLLBACK_FAILED' } });
    expect(document.targets).toEqual([
      { targetKey: ALIAS_KEY, kind: 'lambda-alias', stableVersion: '41', newVersion: '42', state: 'unknown', detail: 'could not restore it: PreconditionError: alias live of orders-api was deleted' },
    ]);
  });

  it('refused: the refusal preflight recorded, the target untouched', async () => {
    const world = await rollouts.world({ scenario: 'healthy' });
    await world.ledger.acquireLocks('another-rollout', [ALIAS_KEY], 3600);
    const { request, run } = await runNamed(world, 'notify-refused');
    expect(run.result.endState).toBe('PreflightRejected');
    const { subject, document } = await notifyAbout(run, request);
    expect(subject).toBe('fledge: notify-refused REFUSED');
    expect(document).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^LockHeldError: target lambda:orders-api:live is locked by rollout another-rollout until /),
      targets: [{ targetKey: ALIAS_KEY, state: 'untouched' }],
      ledger: { state: 'recorded', status: 'REJECTED' },
    });
  });

  it('makes exactly the calls its role allows: GetItem and Query on the table, Publish to the topic', async () => {
    const tableName = `notify-calls-${process.pid}-${++tables}`;
    const world = await createLocalWorld({ client: rollouts.ddb.client, model: scenarioByName('error-regression'), seed: 1, tableName });
    const { request, run } = await runNamed(world, 'notify-calls');
    const calls = await recordNotifyCalls({ dynamoDb: rollouts.ddb.client, tableName, event: endedEventOf(run, request) });
    expect(calls.map((c) => `${c.service}:${c.command.replace(/Command$/, '')} ${String(c.input.TableName ?? c.input.TopicArn)}${c.input.IndexName ? ` index ${String(c.input.IndexName)}` : ''}`)).toEqual([
      `dynamodb:GetItem ${tableName}`,
      `dynamodb:Query ${tableName}`,
      `sns:Publish ${TOPIC_ARN}`,
    ]);
  });
});
