import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../lib/cli/errors';
import { plan } from '../../lib/cli/plan';
import { captureIo, runFledge } from '../helpers/cli';
import { newTestRequest } from '../helpers/requests';

const dir = mkdtempSync(join(tmpdir(), 'fledge-plan-'));
const requestFile = (name: string, request: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(request));
  return file;
};

describe('fledge plan', () => {
  const progressive = requestFile('progressive.json', newTestRequest({ strategy: 'progressive' }));

  it('shows, per step and signal, what is ruled out and caught, and how long a healthy release takes', async () => {
    const io = captureIo();
    expect(await plan({ file: progressive, rps: 200 }, io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/^plan for strategy progressive at 200 rps \(stable: 0.5% errors, 0.35% slow requests\):$/m);
    expect(out).toMatch(/^ {2}Canary at 1%, 5–60 min: a healthy release passes in about 5 min$/m);
    expect(out).toMatch(/^ {4}errors +rules out ×[\d.]+ \([\d.]+%\) so far, ×[\d.]+ \([\d.]+%\) at this step; catches ×[\d.]+ \([\d.]+%\) within the bake, ~\d+ excess errors by then$/m);
    expect(out).toMatch(/^ {2}Complete at 100%.*\n {4}errors +rules out ×2 \(1%\) so far/m);
    expect(out).not.toMatch(/warning/);
  });

  it('says how far a preset stretches its last step at low traffic', async () => {
    const io = captureIo();
    expect(await plan({ file: progressive, rps: 2 }, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/the last step may bake up to \d+ min \(\d+ min more than the preset\)/);
  });

  it('warns when the traffic cannot support a custom strategy, saying what it still rules out and what the critical regression takes', async () => {
    const short = requestFile('short.json', newTestRequest({ strategy: { steps: [{ weight: 10, minBakeSeconds: 300, maxBakeSeconds: 600 }, { weight: 100, minBakeSeconds: 300, maxBakeSeconds: 600 }] } }));
    const io = captureIo();
    expect(await plan({ file: short, rps: 2 }, io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/^warning: lambda:orders-api:live errors: at 2 rps this strategy can rule out ×[\d.]+ \([\d.]+%\), not the critical ×2 \(1%\); ruling that out reliably takes about [\d,]+ canary requests, \d+ min at 100%$/m);
    expect(out).toMatch(/insufficientTraffic=warn, the rollout starts, and ends inconclusive unless the evidence comes in/);
  });

  it('prints the plan as JSON', async () => {
    const io = captureIo();
    expect(await plan({ file: progressive, rps: 50, json: true }, io)).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json.requirements[0].signals.errors.phases).toHaveLength(5);
    expect(json.shortfalls).toEqual([]);
  });

  it('refuses to guess the traffic', async () => {
    await expect(plan({ file: progressive }, captureIo())).rejects.toThrow(UsageError);
    await expect(plan({ file: progressive }, captureIo())).rejects.toThrow(/give --rps N/);
  });

  it('exits 2 from the binary on a bad rate', () => {
    const result = runFledge(['plan', progressive, '--rps', '10', '--error-rate', '2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--error-rate.*expected a rate from 0 up to 1/);
  });
});
