import { checkSmokeAnswer, firstMismatch, RESPONSE_EXCERPT_CHARS } from '../../lib/domain/smoke-check';

const ok = (response: unknown, durationMs = 40) => ({ response, responseText: JSON.stringify(response), durationMs });

describe('checkSmokeAnswer', () => {
  it('passes an answer without a function error when nothing more is expected', () => {
    expect(checkSmokeAnswer(0, ok({ status: 200 }))).toBeUndefined();
  });

  it('fails a function error with its type and message, never its trace', () => {
    const response = { errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", trace: ['at handler (/var/task/index.js:3:9)'] };
    const failure = checkSmokeAnswer(2, { functionError: 'Unhandled', response, responseText: JSON.stringify(response), durationMs: 12 });
    expect(failure).toMatchObject({ eventIndex: 2, errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", durationMs: 12 });
    expect(failure?.reason).toBe("function error (Unhandled): TypeError: Cannot read properties of undefined (reading 'id')");
    expect(failure?.errorMessage).not.toContain('/var/task');
  });

  it('lets an expectation allow a function error', () => {
    expect(checkSmokeAnswer(0, { functionError: 'Handled', response: { errorType: 'NotFound' }, responseText: '{}', durationMs: 1 }, { noFunctionError: false })).toBeUndefined();
  });

  it('fails a response slower than allowed', () => {
    expect(checkSmokeAnswer(1, ok({}, 1_250), { maxDurationMs: 1_000 })?.reason).toBe('took 1250 ms, over the 1000 ms allowed');
    expect(checkSmokeAnswer(1, ok({}, 999), { maxDurationMs: 1_000 })).toBeUndefined();
  });

  it('fails a response that does not contain the expected JSON, naming where', () => {
    const response = { statusCode: 500, body: { items: [1, 2] } };
    expect(checkSmokeAnswer(0, ok(response), { responseContains: { statusCode: 200 } })?.reason).toBe('response.statusCode: expected 200, found 500');
    expect(checkSmokeAnswer(0, ok(response), { responseContains: { body: { total: 2 } } })?.reason).toBe('response.body.total: missing');
    expect(checkSmokeAnswer(0, ok(response), { responseContains: { body: { items: [1, 2] } } })).toBeUndefined();
  });

  it('keeps only an escaped excerpt of a long or hostile response', () => {
    const text = `\u001b[2J${'x'.repeat(5_000)}`;
    const failure = checkSmokeAnswer(0, { functionError: 'Unhandled', response: text, responseText: text, durationMs: 1 });
    expect(failure?.responseExcerpt.length).toBeLessThanOrEqual(RESPONSE_EXCERPT_CHARS);
    expect(failure?.responseExcerpt.startsWith('\\u001b[2J')).toBe(true);
  });
});

describe('firstMismatch', () => {
  it('matches objects by subset and everything else exactly', () => {
    expect(firstMismatch({ a: 1 }, { a: 1, b: 2 }, 'r')).toBeUndefined();
    expect(firstMismatch([1, 2], [1, 2, 3], 'r')).toBe('r: expected [1,2], found [1,2,3]');
    expect(firstMismatch({ a: 1 }, 'text', 'r')).toBe('r: expected an object, found "text"');
    expect(firstMismatch('x', undefined, 'r')).toBe('r: expected "x", found nothing');
  });
});

describe('checkSmokeAnswer on a missing answer', () => {
  it('fails an event that timed out, whatever it expected', () => {
    expect(checkSmokeAnswer(3, { responseText: '', durationMs: 5_000, timedOut: true }, { noFunctionError: false })?.reason).toBe("no answer within 5000 ms: the smoke test's time ran out");
  });
});
