import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demo } from '../../lib/cli/demo';
import { UsageError } from '../../lib/cli/errors';
import { ValidationError } from '../../lib/domain/errors';
import { captureIo, runFledge } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'fledge-cli-'));

describe('fledge demo', () => {
  it('promotes the healthy scenario, prints a timeline and a summary, and returns 0', async () => {
    const io = captureIo();
    const report = join(dir, 'healthy.html');

    expect(await demo({ scenario: 'healthy', seed: 1, report }, io)).toBe(0);

    const out = io.stdout.join('\n');
    expect(out).toMatch(/preflight ok\s+lambda:orders-api:live 41 → 42/);
    expect(out).toMatch(/step 2\/6 Canary: 1% of traffic/);
    expect(out).toMatch(/Canary 1%\s+\[[█░│]+\] \d+m\/60m\s+(continue|pass)/);
    expect(out).toMatch(/^PROMOTED \(ended in state Promoted, exit 0\)$/m);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('rolls back the error regression, says why in JSON, and returns 1', async () => {
    const io = captureIo();

    expect(await demo({ scenario: 'error-regression', seed: 1, json: true }, io)).toBe(1);

    const summary = JSON.parse(io.stdout.join('\n'));
    expect(summary).toMatchObject({ outcome: 'rolled-back', endState: 'RolledBackOnFailedVerdict' });
    expect(summary.reason).toMatch(/errors failed on lambda:orders-api:live/);
    expect(summary.targets[0].now).toMatchObject({ functionVersion: '41', additionalVersion: null });
  });

  it('reports low traffic honestly: inconclusive, with the evidence it would need', async () => {
    const io = captureIo();

    expect(await demo({ scenario: 'low-traffic', seed: 1, json: true }, io)).toBe(1);

    const summary = JSON.parse(io.stdout.join('\n'));
    expect(summary.endState).toBe('RolledBackOnInconclusive');
    expect(summary.reason).toMatch(/needs about [\d,]+ more canary requests/);
  });

  it('refuses an unknown scenario with the valid names', async () => {
    await expect(demo({ scenario: 'chaos' }, captureIo())).rejects.toThrow(UsageError);
    await expect(demo({ scenario: 'chaos' }, captureIo())).rejects.toThrow(/healthy, error-regression/);
  });

  it('refuses a request file that breaks a rule, naming the field, before starting anything', async () => {
    const file = join(dir, 'bad-request.json');
    writeFileSync(file, JSON.stringify({ targets: [], strategy: 'progressive' }));
    await expect(demo({ request: file }, captureIo())).rejects.toThrow(ValidationError);
    await expect(demo({ request: file }, captureIo())).rejects.toThrow(/targets: needs at least one target/);
  });
});

describe('the fledge binary', () => {
  it('exits 2 with a clear message on a usage error', () => {
    const result = runFledge(['demo', '--strategy', 'yolo']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--strategy <preset>.*Allowed choices are canary-10-5m/);
  });

  it('exits 2 and names the field when validating a bad request file', () => {
    const file = join(dir, 'bad-weights.json');
    writeFileSync(
      file,
      JSON.stringify({
        targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '7' }],
        strategy: { steps: [{ weight: 50, minBakeSeconds: 60, maxBakeSeconds: 120 }, { weight: 20, minBakeSeconds: 60, maxBakeSeconds: 120 }] },
      }),
    );
    const result = runFledge(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('strategy.steps[1].weight: weights must increase step by step (50 then 20)');
  });

  it('validates a good request file and shows its plan', () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ targets: [{ kind: 'lambda-alias', functionName: 'orders-api', alias: 'live', newVersion: '7' }], strategy: 'canary-10-5m' }));
    const result = runFledge(['validate', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/step 1: Canary at 10% for 5-20 min/);
  });
});
