import { Match } from 'aws-cdk-lib/assertions';
import { HANDLER_NAMES } from '../../lib/constructs/rollout-definition';
import { actionsOf, newTestStack, statementsOf } from '../helpers/controller-stack';

const { stack, template } = newTestStack({ functions: ['orders-api', 'payments-api'] });
const fnArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:eu-west-1:123456789012:function:${name}`]] });

describe('ControllerStack', () => {
  describe('ledger table', () => {
    it('is on-demand, with point-in-time recovery, TTL on expiresAt, and the byTarget and byCreation indexes', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'byTarget', Projection: { ProjectionType: 'ALL' } }),
          Match.objectLike({ IndexName: 'byCreation', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['status', 'targetKeys']) } }),
        ],
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    });

    it('is retained when the stack is deleted, and has no fixed name', () => {
      template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: Match.absent() });
    });
  });

  describe('state machine', () => {
    it('logs every event, without the data smoke events and hook answers may carry, and traces with X-Ray', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
        TracingConfiguration: { Enabled: true },
      });
    });

    it('may invoke only its own functions', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' })]) } },
      });
      // The state machine's role; the smoke test's role invokes the targets' versions, checked by the IAM cross-check.
      const stateMachinePolicies = Object.values(policies).filter((p) => JSON.stringify(p.Properties.Roles).includes('StateMachineRole'));
      const invokeResources = stateMachinePolicies.flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string; Resource: { 'Fn::GetAtt'?: string[]; 'Fn::Join'?: unknown[] }[] }[])
          .filter((s) => s.Action === 'lambda:InvokeFunction')
          .flatMap((s) => s.Resource),
      );
      const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
      expect(invokeResources.length).toBe(2 * HANDLER_NAMES.length);
      for (const r of invokeResources) {
        const target = r['Fn::GetAtt']?.[0] ?? JSON.stringify(r['Fn::Join']);
        expect(functionIds.some((id) => target.includes(id))).toBe(true);
      }
    });
  });

  describe('controller functions', () => {
    it('are one per task state plus notify, all on Node.js 24, arm64, active tracing, with the ledger in their environment', () => {
      template.resourceCountIs('AWS::Lambda::Function', HANDLER_NAMES.length + 1);
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ FLEDGE_TABLE_NAME: { Ref: Match.stringLikeRegexp('LedgerTable') }, POWERTOOLS_SERVICE_NAME: 'fledge' }) },
      });
    });

    it('give every task state the deployment strategy, and only notify the topic', () => {
      const variables = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables as Record<string, unknown>);
      const withStrategy = variables.filter((v) => 'FLEDGE_DEPLOYMENT_STRATEGY_ID' in v);
      const withTopic = variables.filter((v) => 'FLEDGE_TOPIC_ARN' in v);
      expect(withStrategy).toHaveLength(HANDLER_NAMES.length);
      expect(withTopic).toEqual([expect.objectContaining({ FLEDGE_TOPIC_ARN: { Ref: expect.stringMatching(/Notifications/) } })]);
      expect(withStrategy.some((v) => 'FLEDGE_TOPIC_ARN' in v)).toBe(false);
    });

    it('have no AWS managed policies: each role writes only to its own log group', () => {
      template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });
  });

  describe('least privilege', () => {
    it('lets only shift, promote and rollback update aliases, on the configured functions and their qualifiers only', () => {
      for (const handler of HANDLER_NAMES) {
        const updates = statementsOf(stack, handler).filter((s) => actionsOf([s]).includes('lambda:UpdateAlias'));
        if (['shift', 'promote', 'rollback'].includes(handler)) {
          expect(updates).toHaveLength(1);
          expect(updates[0].Resource).toEqual([
            fnArn('orders-api'),
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:orders-api:*']] },
            fnArn('payments-api'),
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:payments-api:*']] },
          ]);
        } else {
          expect({ handler, updates }).toEqual({ handler, updates: [] });
        }
      }
    });

    it('scopes AppConfig writes to the configured application and environment and the immediate strategy', () => {
      const [appConfig] = statementsOf(stack, 'shift').filter((s) => actionsOf([s]).includes('appconfig:StartDeployment'));
      const resources = JSON.stringify(appConfig.Resource);
      expect(resources).toContain('application/abc1234"');
      expect(resources).toContain('application/abc1234/environment/def5678/*');
      expect(resources).toContain('deploymentstrategy/');
      expect(resources).not.toMatch(/application\/\*/);
    });

    it('grants "*" only for GetMetricData, DescribeAlarms and X-Ray, which cannot be scoped', () => {
      for (const handler of HANDLER_NAMES) {
        const starred = statementsOf(stack, handler).filter((s) => JSON.stringify(s.Resource) === '"*"');
        for (const action of actionsOf(starred)) expect(['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']).toContain(action);
      }
      expect(actionsOf(statementsOf(stack, 'evaluate'))).toContain('cloudwatch:GetMetricData');
      expect(actionsOf(statementsOf(stack, 'shift'))).not.toContain('cloudwatch:GetMetricData');
      expect(actionsOf(statementsOf(stack, 'shift'))).not.toContain('cloudwatch:DescribeAlarms');
    });

    it('never grants an action wildcard', () => {
      for (const handler of HANDLER_NAMES) for (const action of actionsOf(statementsOf(stack, handler))) expect(action).not.toContain('*');
    });

    it('gives finalize and requestApproval the ledger and nothing else', () => {
      for (const handler of ['finalize', 'requestApproval'] as const) {
        const services = new Set(actionsOf(statementsOf(stack, handler)).map((a) => a.split(':')[0]));
        expect([...services].sort()).toEqual(['dynamodb', 'logs', 'xray']);
      }
    });
  });

  describe('lifecycle hooks', () => {
    const hooked = newTestStack({ functions: ['orders-api'], hookFunctions: ['orders-smoke-check', 'arn:aws:lambda:eu-west-1:123456789012:function:orders-journey'] });
    const hookResources = [
      fnArn('orders-smoke-check'),
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:orders-smoke-check:*']] },
      'arn:aws:lambda:eu-west-1:123456789012:function:orders-journey',
      'arn:aws:lambda:eu-west-1:123456789012:function:orders-journey:*',
    ];
    const stateMachineStatements = (t: typeof template) =>
      Object.values(t.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('StateMachineRole'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

    it("lets the state machine invoke the configured hook functions (any version or alias), since Step Functions itself calls them", () => {
      expect(stateMachineStatements(hooked.template)).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: hookResources }));
    });

    it('lets preflight, and no other function, read the hook functions, to refuse one that is missing', () => {
      for (const handler of HANDLER_NAMES) {
        const onHooks = statementsOf(hooked.stack, handler).filter((s) => JSON.stringify(s.Resource).includes('orders-smoke-check'));
        if (handler === 'preflight') expect(onHooks).toEqual([expect.objectContaining({ Action: 'lambda:GetFunctionConfiguration', Resource: hookResources })]);
        else expect({ handler, onHooks }).toEqual({ handler, onHooks: [] });
      }
    });

    it('tells the functions which hook functions preflight accepts', () => {
      const variables = Object.values(hooked.template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables as Record<string, unknown>);
      expect(variables.filter((v) => v.FLEDGE_HOOK_FUNCTIONS === 'orders-smoke-check,arn:aws:lambda:eu-west-1:123456789012:function:orders-journey')).toHaveLength(HANDLER_NAMES.length);
    });

    it('grants nothing on hooks when none are configured', () => {
      expect(JSON.stringify(stateMachineStatements(template))).not.toMatch(/smoke-check|journey/);
      const variables = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables as Record<string, unknown>);
      expect(variables.some((v) => 'FLEDGE_HOOK_FUNCTIONS' in v)).toBe(false);
    });

    it('refuses a qualified hook function, naming the prop', () => {
      expect(() => newTestStack({ hookFunctions: ['orders-smoke-check:live'] })).toThrow(/hookFunctions: "orders-smoke-check:live" is not a Lambda function name or unqualified function ARN/);
    });
  });

  describe('around the rollout', () => {
    it('creates an immediate AppConfig deployment strategy', () => {
      template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
        DeploymentDurationInMinutes: 0,
        FinalBakeTimeInMinutes: 0,
        GrowthFactor: 100,
      });
    });

    it('sends ended executions of its state machine to the notify function, which publishes to the topic', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: Match.stringLikeRegexp('RolloutStateMachine') }] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Outcomesnotify'), 'Arn'] } })],
      });
    });

    it('alarms on controller failures and notifies the topic', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('Notifications') }],
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(rollbackFailed, 0) + FILL(timedOut, 0)' })]),
      });
    });

    it('has a dashboard with the judge figures and the controller health', () => {
      const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
      for (const title of ['Rollouts by outcome', 'Judge: error rate, canary vs baseline', 'Judge: p99 latency', 'Controller function errors']) {
        expect(body).toContain(title);
      }
    });

    it('outputs the state machine ARN, the table name and the dashboard URL', () => {
      template.hasOutput('StateMachineArn', { Value: { Ref: Match.anyValue() } });
      template.hasOutput('LedgerTableName', { Value: { Ref: Match.anyValue() } });
      template.hasOutput('DashboardUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    });
  });

  describe('props', () => {
    it('refuses a controller with no targets', () => {
      expect(() => newTestStack({ functions: [], appConfig: [] })).toThrow(/at least one Lambda function or AppConfig application/);
    });

    it('refuses a qualified function ARN, naming it', () => {
      expect(() => newTestStack({ functions: ['arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live'] })).toThrow(/orders-api:live" is not a Lambda function name or unqualified function ARN/);
    });

    it('refuses an AppConfig application given by name, since IAM needs ids', () => {
      expect(() => newTestStack({ appConfig: [{ application: 'My Shop' }] })).toThrow(/"My Shop" is not an AppConfig application id/);
    });

    it('refuses an event retention under a day', () => {
      expect(() => newTestStack({ eventRetentionDays: 0 })).toThrow(/eventRetentionDays must be at least 1, got 0/);
    });

    it('passes the event retention to every function that writes events (notify only reads)', () => {
      const functions = Object.values(newTestStack({ eventRetentionDays: 90 }).template.findResources('AWS::Lambda::Function'));
      const retention = functions.map((f) => (f.Properties.Environment.Variables as Record<string, unknown>).FLEDGE_EVENT_RETENTION_DAYS);
      expect(retention.filter((days) => days === '90')).toHaveLength(HANDLER_NAMES.length);
      expect(retention.filter((days) => days === undefined)).toHaveLength(1);
    });
  });
});
