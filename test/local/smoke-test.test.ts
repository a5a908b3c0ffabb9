import { GetAliasCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException, type GetFunctionConfigurationCommandInput } from '@aws-sdk/client-lambda';
import { LambdaAliasRouter } from '../../lib/adapters/traffic/lambda-alias-router';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaInvoker } from '../../lib/adapters/invoke/lambda-invoker';
import { buildReportData } from '../../lib/report/build-report-data';
import { renderHtmlReport } from '../../lib/report/html-report';
import { newTestRequest } from '../helpers/requests';
import { capturedStates, useLocalRollouts } from '../helpers/local-rollout';

/**
 * The pre-traffic smoke test on the real definition: the new version answers the request's test
 * events before any weight moves, and a failure rolls back with a reason of its own while the alias
 * never carries the new version.
 */
const ALIAS_KEY = 'lambda:orders-api:live';
const rollouts = useLocalRollouts();
const SMOKE = { events: [{ payload: { path: '/health' } }, { payload: { path: '/checkout' }, expect: { responseContains: { statusCode: 200 } } }] };

it('passes a version that answers its test events, records the results, then rolls out as usual', async () => {
  const run = await rollouts.run(await rollouts.world({ scenario: 'healthy' }), newTestRequest({ smokeTest: SMOKE }));

  expect(run.result.endState).toBe('Promoted');
  expect(run.result.statesEntered.slice(0, 4)).toEqual(['Preflight', 'SmokeTest', 'HasPreTrafficHook', 'Decide']);
  const [smoke] = run.eventsOf('smoke-test');
  expect(smoke.data).toMatchObject({ events: 2, passed: 2, failures: [], outcome: 'passed' });
  // The smoke test ran before the first shift.
  const types = run.events.map((e) => e.type);
  expect(types.indexOf('smoke-test')).toBeLessThan(types.indexOf('shift-applied'));
});

it('rolls back a version that fails a test event before the alias ever carries it', async () => {
  const world = await rollouts.world({ scenario: 'healthy', model: { smoke: { failEvents: [1], durationMs: 40, errorMessage: 'checkout config missing' } } });
  const run = await rollouts.run(world, newTestRequest({ smokeTest: SMOKE }));

  expect(run.result.endState).toBe('RolledBackOnSmokeTest');
  expect(run.result.outcome).toBe('rolled-back');
  expect(run.eventsOf('shift-applied')).toEqual([]);
  // The alias history: its initial state, and nothing else, ever.
  expect(world.fleet.history(ALIAS_KEY).map((h) => h.weightPercent)).toEqual([0]);
  const [captured] = await capturedStates(run);
  expect(world.fleet.state(ALIAS_KEY)).toMatchObject({ functionVersion: captured.stableVersion, additionalVersion: null });

  const [smoke] = run.eventsOf('smoke-test');
  expect(smoke.data).toMatchObject({ events: 2, passed: 1, outcome: 'failed', failures: [{ eventIndex: 1, errorType: 'Error', errorMessage: 'checkout config missing' }] });
  const record = await world.ledger.requireRollout(run.result.rolloutId as string);
  expect(record.status).toBe('ROLLED_BACK');
  expect(record.outcome?.reason).toBe('smoke-test: smoke test failed: 1 of 2 event(s); event 1: function error (Unhandled): Error: checkout config missing');

  // The report, from the ledger alone, shows the smoke test and each failing event's evidence.
  const report = buildReportData({ record, events: run.events, title: 'smoke', endState: run.result.endState });
  expect(report.checks).toEqual([
    expect.objectContaining({ name: 'Smoke test', weight: 0, passed: false, summary: '1 of 2 events passed on the new version', details: [expect.stringMatching(/^event 1: function error \(Unhandled\): Error: checkout config missing \(40 ms\); answered /)] }),
  ]);
  expect(renderHtmlReport(report)).toContain('event 1: function error (Unhandled): Error: checkout config missing');
});

it('in observe mode, records a failing smoke test and goes on', async () => {
  const world = await rollouts.world({ scenario: 'healthy', model: { smoke: { failEvents: 'all', durationMs: 40, errorMessage: 'broken' } } });
  const run = await rollouts.run(world, newTestRequest({ smokeTest: SMOKE, mode: 'observe', strategy: 'canary-10-5m' }));
  expect(run.eventsOf('smoke-test')[0].data).toMatchObject({ outcome: 'failed', passed: 0 });
  expect(run.eventsOf('shift-applied').length).toBeGreaterThan(0);
});

it('retries the whole smoke test when Lambda throttles an event (TooManyRequestsException), then rolls out', async () => {
  const lambda = mockClient(LambdaClient);
  const answer = new TextEncoder().encode(JSON.stringify({ statusCode: 200 }));
  lambda
    .on(InvokeCommand)
    .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
    .resolves({ StatusCode: 200, ExecutedVersion: '42', Payload: answer as never });
  const invoker = new LambdaInvoker({ client: lambda as unknown as LambdaClient });
  const run = await rollouts.run(await rollouts.world({ scenario: 'healthy' }), newTestRequest({ smokeTest: SMOKE, strategy: 'canary-10-5m' }), { deps: { invoker } });

  expect(run.result.endState).toBe('Promoted');
  // The throttled attempt, then both events on the retry: each on version 42, never on the alias.
  const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
  expect(calls).toHaveLength(3);
  for (const input of calls) expect(input).toMatchObject({ FunctionName: 'orders-api', Qualifier: '42', InvocationType: 'RequestResponse', LogType: 'None' });
  expect(run.eventsOf('smoke-test')).toHaveLength(1);
  lambda.restore();
});

it('refuses at preflight a rollout whose new version Lambda does not know (ResourceNotFoundException): no smoke event is sent', async () => {
  const lambda = mockClient(LambdaClient);
  lambda.on(GetAliasCommand).resolves({ AliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live', Name: 'live', FunctionVersion: '41', RevisionId: 'rev-1' });
  lambda.on(GetFunctionConfigurationCommand).callsFake((input: GetFunctionConfigurationCommandInput) => {
    if (input.Qualifier === '42') throw new ResourceNotFoundException({ message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-api:42', $metadata: {} });
    return { FunctionName: 'orders-api', FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:41', Version: '41', State: 'Active', Role: 'arn:aws:iam::123456789012:role/orders' };
  });
  const client = lambda as unknown as LambdaClient;
  const world = await rollouts.world({ scenario: 'healthy' });
  const run = await rollouts.run(world, newTestRequest({ smokeTest: SMOKE }), {
    deps: { routers: { ...world.deps.routers, 'lambda-alias': new LambdaAliasRouter({ client }) }, invoker: new LambdaInvoker({ client }) },
  });

  expect(run.result).toMatchObject({ outcome: 'rejected', endState: 'PreflightRejected', error: 'PreconditionError' });
  expect(run.result.cause).toContain('GetFunctionConfiguration orders-api:42: ResourceNotFoundException: Function not found');
  expect(run.result.statesEntered).toEqual(['Preflight', 'PreflightRejected']);
  expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  lambda.restore();
});
