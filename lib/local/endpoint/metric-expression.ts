import { AwsApiError } from './aws-wire';

/**
 * CloudWatch metric math, as far as fledge uses it: arithmetic (+ − × ÷, parentheses, numbers)
 * over other queries' ids, evaluated per timestamp. Anything else is refused by name, so a new
 * expression in the adapters cannot be answered wrongly by the local endpoint.
 */
export function evaluateExpression(expression: string, valueOf: (id: string) => number | undefined): number | undefined {
  const tokens = expression.match(/[a-z][a-zA-Z0-9_]*|\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let at = 0;
  let missing = false;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const fail = (what: string): never => {
    throw new AwsApiError('ValidationError', `the local endpoint evaluates arithmetic over query ids only; cannot read ${what} in "${expression}"`);
  };
  const primary = (): number => {
    const token = take();
    if (token === undefined) return fail('the end of the expression');
    if (token === '(') {
      const value = sum();
      if (take() !== ')') fail('an unclosed parenthesis');
      return value;
    }
    if (token === '-') return -primary();
    if (/^\d/.test(token)) return Number(token);
    if (/^[a-z]/.test(token)) {
      if (peek() === '(') fail(`the function ${token}`);
      const value = valueOf(token);
      if (value === undefined) missing = true;
      return value ?? 0;
    }
    return fail(`"${token}"`);
  };
  const product = (): number => {
    let value = primary();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      take();
      const right = primary();
      value = op === '*' ? value * right : value / right;
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take();
      const right = product();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  const value = sum();
  if (at < tokens.length) fail(`"${tokens[at]}"`);
  // CloudWatch leaves out timestamps where an input has no datapoint.
  return missing || !Number.isFinite(value) ? undefined : value;
}
