import { join } from 'node:path';
import { validate } from '../../lib/cli/validate';
import { ValidationError } from '../../lib/domain/errors';
import { captureIo } from '../helpers/cli';
import { writeJsonFiles } from '../helpers/local-endpoint-process';

const EXAMPLES = join(__dirname, '../../examples');

describe('fledge validate', () => {
  it('shows the smoke test and the hooks, and what the controller needs for them', async () => {
    const io = captureIo();
    expect(await validate({ file: join(EXAMPLES, 'hooked-rollout.json') }, io)).toBe(0);
    expect(io.stdout).toEqual(
      expect.arrayContaining([
        '  smoke test: 2 event(s) to the new version(s) before any traffic, 30 s at most',
        '  pre-traffic hook: orders-change-freeze, 30 s at most (the controller must be deployed with it: -c hooks=orders-change-freeze)',
        '  post-traffic hook: orders-journey-check, 300 s at most (the controller must be deployed with it: -c hooks=orders-journey-check)',
      ]),
    );
  });

  it("checks the request file's local section too, naming the field", async () => {
    const files = writeJsonFiles({ 'bad-local.json': { targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '2' }], strategy: 'canary-10-5m', local: { hooks: { 'orders-check': { simulate: 'maybe' } } } } });
    const attempt = validate({ file: files['bad-local.json'] }, captureIo());
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(validate({ file: files['bad-local.json'] }, captureIo())).rejects.toThrow(/local\.hooks\.orders-check: must be \{ "module"/);
  });
});
