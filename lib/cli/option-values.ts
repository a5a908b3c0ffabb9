import { InvalidArgumentError } from 'commander';
import { ROLLOUT_ID, ROLLOUT_ID_RULE } from '../domain/rollout-request';
import { TARGET_KEY, TARGET_KEY_FORM } from '../domain/targets';
import { printable } from '../domain/text';

/**
 * Parsers for option and argument values, named in the command table. Each refuses a bad value
 * with what it expected, and commander names the option: a value AWS would refuse is refused here,
 * before any call is made.
 */

/** Decimal notation only: `Number()` alone also reads "", " ", "0x10" and "0b1" as numbers. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const WHOLE = /^[+-]?\d+$/;

function numberIn(value: string, syntax: RegExp, ok: (n: number) => boolean, expected: string): number {
  const n = syntax.test(value) ? Number(value) : Number.NaN;
  if (!(Number.isFinite(n) && ok(n))) throw new InvalidArgumentError(`expected ${expected}`);
  return n;
}

export const parsePositive = (value: string) => numberIn(value, DECIMAL, (n) => n > 0, 'a number above 0');

export const parseRate = (value: string) => numberIn(value, DECIMAL, (n) => n >= 0 && n < 1, 'a rate from 0 up to 1');

export const parsePort = (value: string) => numberIn(value, WHOLE, (n) => n >= 0 && n <= 65_535, 'a port from 0 to 65535');

export const parsePositiveInteger = (value: string) => numberIn(value, WHOLE, (n) => Number.isSafeInteger(n) && n > 0, 'a whole number above 0');

export const parseInteger = (value: string) => numberIn(value, WHOLE, Number.isSafeInteger, 'a whole number');

/** Beyond a virtual day per second, the local clock outruns what a timeline can show (and, far beyond, what a Date holds). */
export const parseSpeed = (value: string) => numberIn(value, DECIMAL, (n) => n > 0 && n <= 86_400, 'a number above 0 and at most 86400');

/** Names and notes end up in the ledger and on people's terminals: none may hold a control or invisible character. */
function matching(pattern: RegExp, expected: string): (value: string) => string {
  return (value) => {
    if (printable(value) !== value || !pattern.test(value)) throw new InvalidArgumentError(`expected ${expected}`);
    return value;
  };
}

export const parseRolloutId = matching(ROLLOUT_ID, `a rollout id, which ${ROLLOUT_ID_RULE}`);

export const parseTargetKey = matching(TARGET_KEY, `a target key: ${TARGET_KEY_FORM}`);

/** A character Step Functions allows in a name: not white space, brackets, wildcards, `"#%\^|~`$&,;:/`, controls or lone surrogates. */
const NAME_CHAR = '[^\\s<>{}[\\]?*"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff\\ufffe\\uffff]';

export const parseExecutionName = matching(
  new RegExp(`^${NAME_CHAR}{1,80}$`, 'u'),
  'an execution name: 1-80 characters, without white space, brackets, wildcards, control characters or any of "#%\\^|~`$&,;:/',
);

const STACK_NAME = '[a-zA-Z][-a-zA-Z0-9]{0,127}';
export const parseStackName = matching(
  new RegExp(`^(${STACK_NAME}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\\d{12}:stack/${STACK_NAME}/[-a-zA-Z0-9]+)$`),
  'a CloudFormation stack name (a letter, then letters, digits and -; at most 128) or stack ARN',
);

/** A state machine's ARN, optionally qualified by a version or alias. */
export const parseStateMachineArn = matching(
  new RegExp(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:${NAME_CHAR}{1,80}(:${NAME_CHAR}{1,80})?$`, 'u'),
  'a state machine ARN: arn:aws:states:<region>:<account>:stateMachine:<name>',
);

export const parseTableName = matching(/^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name: 3-255 letters, digits, _, - and .');

export const parseRegion = matching(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region such as eu-west-1');

/** What a person writes to the ledger (who, why): one readable line, which the ledger and the task token's cause both hold. */
export const parseNote = matching(/^(?=.*\S).{1,1000}$/u, 'some text: 1-1000 characters on one line, without control or invisible characters');
