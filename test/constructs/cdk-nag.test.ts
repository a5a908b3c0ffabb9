import { Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newTestStack } from '../helpers/controller-stack';

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['Lambda functions and AppConfig', {}],
    ['Lambda functions only', { appConfig: [] }],
    ['AppConfig only', { functions: [] }],
    ['Lambda functions with lifecycle hooks', { hookFunctions: ['orders-smoke-check', 'orders-journey'] }],
  ])('finds nothing unacknowledged in a stack for %s', (_what, props) => {
    const { app, stack } = newTestStack(props);
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.resourceLogicalId ?? JSON.stringify(r)}`));
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('would report a finding that nobody acknowledged (the check is live)', () => {
    const { app, stack } = newTestStack();
    // A public, unencrypted topic without SSL enforcement: several AwsSolutions rules apply.
    new sns.Topic(stack, 'Unacknowledged');
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SNS3');
  });

  it('acknowledges every finding with a reason', () => {
    const { stack } = newTestStack();
    const acknowledgements = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const a of acknowledgements) {
      expect(a.id).toMatch(/AwsSolutions-IAM5\[Resource::.+\]$/);
      expect(a.reason.length).toBeGreaterThan(40);
    }
  });
});
