import { executionArnOf, executionConsoleUrl } from '../../lib/domain/execution-arn';

describe('execution ARNs', () => {
  const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:fledge-rollout';

  it('names an execution after the state machine and the execution name', () => {
    expect(executionArnOf(machine, 'orders-1')).toBe('arn:aws:states:eu-west-1:123456789012:execution:fledge-rollout:orders-1');
  });

  it("links to the execution's page on the console of its partition", () => {
    expect(executionConsoleUrl('eu-west-1', executionArnOf(machine, 'orders-1'))).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:fledge-rollout:orders-1',
    );
    expect(executionConsoleUrl('cn-north-1', 'arn:aws-cn:states:cn-north-1:123456789012:execution:m:e')).toBe(
      'https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:m:e',
    );
    expect(executionConsoleUrl('us-gov-west-1', 'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:m:e')).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\/states\/home\?region=us-gov-west-1#/);
  });

  it('gives no link where there is no public console or nothing to link to', () => {
    expect(executionConsoleUrl('us-iso-east-1', 'arn:aws-iso:states:us-iso-east-1:123456789012:execution:m:e')).toBeUndefined();
    expect(executionConsoleUrl('eu-west-1', 'local-1700000000')).toBeUndefined();
    expect(executionConsoleUrl('not a region', executionArnOf(machine, 'e'))).toBeUndefined();
  });
});
