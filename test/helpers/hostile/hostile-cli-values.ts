import fc from 'fast-check';
import { injectionId, unprintableChar, withUnprintable } from './hostile-text';

/**
 * Bad values for each kind of CLI option, restated from the rules in the CLI's help: each value
 * here must be refused, in one line naming the option, before anything is called.
 */
export type ValueKind =
  | 'integer'
  | 'positive integer'
  | 'port'
  | 'positive number'
  | 'rate'
  | 'speed'
  | 'duration'
  | 'execution name'
  | 'rollout id'
  | 'stack'
  | 'state machine arn'
  | 'table'
  | 'region'
  | 'endpoint url'
  | 'target key'
  | 'note';

/** Text that no number parser may read as a number, though `Number()` reads some of it. */
const notDecimal = fc.oneof(
  fc.constantFrom('', ' ', 'abc', '0x10', '0b1', '0o7', '1_000', '١٢', 'NaN', 'Infinity', '-Infinity', '12abc', '1,5', '--', '+', '.', 'e5', '1e400', '9'.repeat(400)),
  fc.integer().map(String).chain(withUnprintable),
);
const notWhole = fc.oneof(notDecimal, fc.constantFrom('1.5', '1e3', '2.0', '-0.5'));

const BAD_VALUES: Record<ValueKind, fc.Arbitrary<string>> = {
  integer: notWhole,
  'positive integer': fc.oneof(notWhole, fc.constantFrom('0', '-1', '-20', '9007199254740993')),
  port: fc.oneof(notWhole, fc.constantFrom('-1', '65536', '99999', '1e5')),
  'positive number': fc.oneof(notDecimal, fc.constantFrom('0', '-1', '-0.001', '1e-400')),
  rate: fc.oneof(notDecimal, fc.constantFrom('1', '1.5', '-0.1', '50%', '100')),
  speed: fc.oneof(notDecimal, fc.constantFrom('0', '-1', '86401', '1e9')),
  duration: fc.oneof(
    fc.constantFrom('', ' ', '0', '0s', '0m0s', 'soon', '5 m', '1h30', '-5m', '5M', '5min', '1.5.5h', '1e3s', '1,5h', 'h', '367d', `${'9'.repeat(400)}s`, '9'.repeat(400)),
    fc.constantFrom('90m', '2h', '45').chain(withUnprintable),
  ),
  'execution name': fc.oneof(injectionId, fc.constantFrom('', 'a b', 'a/b', 'a:b', '<x>', 'x'.repeat(81)), fc.constantFrom('deploy-42').chain(withUnprintable)),
  'rollout id': fc.oneof(injectionId, fc.constantFrom('', '.hidden', '-x', '_x', 'x'.repeat(81)), fc.constantFrom('r-20260302T091500-1a2b3c4d').chain(withUnprintable)),
  stack: fc.oneof(injectionId, fc.constantFrom('', '1stack', 'my_stack', 'my stack', 'x'.repeat(129), 'arn:aws:cloudformation:eu-west-1:123456789012:stack/MyFledge'), fc.constantFrom('MyFledge').chain(withUnprintable)),
  'state machine arn': fc.oneof(
    injectionId,
    fc.constantFrom('', 'not-an-arn', 'arn:aws:states:eu-west-1:123:stateMachine:Rollout', 'arn:aws:lambda:eu-west-1:123456789012:function:Rollout', 'arn:aws:states:eu-west-1:123456789012:execution:Rollout:r-1'),
    fc.constantFrom('arn:aws:states:eu-west-1:123456789012:stateMachine:Rollout').chain(withUnprintable),
  ),
  table: fc.oneof(injectionId, fc.constantFrom('', 'ab', 'my table', 'x'.repeat(256)), fc.constantFrom('fledge-ledger').chain(withUnprintable)),
  region: fc.oneof(injectionId, fc.constantFrom('', 'EU-WEST-1', 'eu-west', 'mars', 'eu_west_1', 'x'.repeat(300)), fc.constantFrom('eu-west-1').chain(withUnprintable)),
  'endpoint url': fc.oneof(
    fc.constantFrom('', ' ', 'not a url', 'localhost:8642', 'ftp://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,x', 'http://', '//127.0.0.1:8642'),
    fc.constantFrom('http://127.0.0.1:8642').chain(withUnprintable),
  ),
  'target key': fc.oneof(injectionId, fc.constantFrom('', 'lambda:orders-api', 'lambda:orders-api:42', 'appconfig:shop/prod#flag', 'Lambda:orders-api:live'), fc.constantFrom('lambda:orders-api:live').chain(withUnprintable)),
  note: fc.oneof(fc.constantFrom('', '   ', 'x'.repeat(1001)), fc.constantFrom('looks good').chain(withUnprintable), unprintableChar),
};

export function badValue(kind: ValueKind): fc.Arbitrary<string> {
  return BAD_VALUES[kind];
}
