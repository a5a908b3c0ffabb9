import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookEvent } from '../../../lib/domain/lifecycle-hooks';
import { PreconditionError, ValidationError } from '../../../lib/domain/errors';
import { LocalHookFunctions, parseLocalSection } from '../../../lib/local/hooks/local-hooks';

const EVENT: HookEvent = { lifecycleEvent: 'postTraffic', rolloutId: 'r-1', mode: 'enforce', weight: 100, step: { index: 0, name: 'Complete', weight: 100 }, targets: [], timeoutSeconds: 30 };
const dir = mkdtempSync(join(tmpdir(), 'fledge-hooks-'));
const load = (hooks: Record<string, unknown>) => LocalHookFunctions.load(parseLocalSection({ hooks }, 'request.json'), dir);

describe('LocalHookFunctions', () => {
  it('plays each simulated outcome', async () => {
    const hooks = await load({
      ok: { simulate: 'Succeeded', reason: 'journey passed', durationSeconds: 20 },
      no: { simulate: 'Failed' },
      boom: { simulate: 'function-error', errorType: 'RangeError', reason: 'bad total' },
      hang: { simulate: 'timeout' },
    });
    expect(await hooks.invoke('ok', EVENT)).toEqual({ kind: 'answered', response: { status: 'Succeeded', reason: 'journey passed' }, durationSeconds: 20 });
    expect(await hooks.invoke('no:live', EVENT)).toEqual({ kind: 'answered', response: { status: 'Failed' }, durationSeconds: 2 });
    expect(await hooks.invoke('boom', EVENT)).toEqual({ kind: 'function-error', errorType: 'RangeError', errorMessage: 'bad total', durationSeconds: 2 });
    expect(await hooks.invoke('hang', EVENT)).toEqual({ kind: 'no-answer' });
  });

  it('runs a CommonJS module in-process: its return value answers, a throw is a function error named by the error', async () => {
    writeFileSync(join(dir, 'hook.cjs'), "exports.check = async (event) => { if (event.weight === 100) throw new TypeError('total missing'); return { status: 'Succeeded' }; };");
    const hooks = await load({ 'orders-check': { module: './hook.cjs', export: 'check' } });
    expect(await hooks.invoke('orders-check', { ...EVENT, weight: 0 })).toMatchObject({ kind: 'answered', response: { status: 'Succeeded' } });
    expect(await hooks.invoke('orders-check', EVENT)).toMatchObject({ kind: 'function-error', errorType: 'TypeError', errorMessage: 'total missing' });
  });

  it('answers as Lambda would for a function it does not know, and preflight refuses it first', async () => {
    const hooks = await load({});
    await expect(hooks.invoke('orders-check', EVENT)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(hooks.check('orders-check')).rejects.toThrow(PreconditionError);
    await expect(hooks.check('orders-check')).rejects.toThrow(/"orders-check" not found: in local mode, define it in the request file's local\.hooks section/);
  });

  it('refuses a module that cannot be loaded, or exports no such function, naming the entry', async () => {
    await expect(load({ 'orders-check': { module: './missing.cjs' } })).rejects.toThrow(ValidationError);
    await expect(load({ 'orders-check': { module: './missing.cjs' } })).rejects.toThrow(/^local\.hooks\.orders-check\.module: cannot load .*missing\.cjs/);
    writeFileSync(join(dir, 'no-handler.cjs'), 'exports.other = () => 1;');
    await expect(load({ 'orders-check': { module: './no-handler.cjs' } })).rejects.toThrow(/^local\.hooks\.orders-check\.export: .*no-handler\.cjs exports no function named handler/);
  });

  it.each([
    [{ 'orders-check': { simulate: 'Maybe' } }, 'local.hooks.orders-check: must be { "module": "<file>" } or { "simulate": "Succeeded" | "Failed" | "function-error" | "timeout" }'],
    [{ 'orders check': { simulate: 'Failed' } }, 'local.hooks["orders check"]: must be a Lambda function name'],
    [{ 'orders-check': { simulate: 'Failed', durationSeconds: 1000 } }, 'local.hooks.orders-check.durationSeconds: Too big'],
  ])('refuses a bad local section %j, naming the field', (hooks, message) => {
    expect(() => parseLocalSection({ hooks }, 'request.json')).toThrow(ValidationError);
    expect(() => parseLocalSection({ hooks }, 'request.json')).toThrow(message);
  });
});
