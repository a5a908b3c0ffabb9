import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Ledger, type LedgerEvent, type RolloutRecord } from '../../lib/adapters/ledger';
import { systemClock } from '../../lib/domain/clock';
import { summarize } from '../../lib/cli/status';
import { LOCAL_LEDGER_TABLE } from '../../lib/local/endpoint/local-endpoint';
import type { CliRun } from '../helpers/cli';
import { startEndpointProcess, tempDir, writeJsonFiles, type EndpointProcess } from '../helpers/local-endpoint-process';

/**
 * The pipeline flow end to end: `fledge local up` in one process, the CLI in others, talking over
 * real HTTP through the same SDK clients the CLI uses against AWS. Only the endpoint URL differs.
 */

const MINUTES = 60;
/** Short bakes, so a healthy release is through in about ten virtual minutes. */
const QUICK = {
  steps: [
    { name: 'Canary', weight: 10, minBakeSeconds: 2 * MINUTES, maxBakeSeconds: 30 * MINUTES },
    { name: 'Complete', weight: 100, minBakeSeconds: 2 * MINUTES, maxBakeSeconds: 30 * MINUTES },
  ],
};
/** A first step that bakes two hours: time to act on a rollout mid-bake. */
const LONG_BAKE = {
  steps: [
    { name: 'Canary', weight: 10, minBakeSeconds: 120 * MINUTES, maxBakeSeconds: 180 * MINUTES },
    { name: 'Complete', weight: 100, minBakeSeconds: 2 * MINUTES, maxBakeSeconds: 30 * MINUTES },
  ],
};
const GATED = { steps: [{ ...QUICK.steps[0], approval: true }, QUICK.steps[1]] };

const alias = (functionName: string, newVersion = '2') => ({ kind: 'lambda-alias', functionName, alias: 'live', newVersion });

const files = writeJsonFiles({
  'traffic.json': {
    name: 'pipeline-e2e',
    description: 'healthy at 200 rps everywhere, except payments-broken, whose new version fails 6% of requests, and quiet-check, at 3 requests a minute',
    targets: { 'lambda:payments-broken:live': { canary: { errorRate: 0.06 } }, 'lambda:quiet-check:live': { rps: 0.05 } },
  },
  'healthy.json': { targets: [alias('orders-e2e')], strategy: QUICK },
  'read-back.json': { targets: [alias('read-back')], strategy: QUICK },
  'check-ok.json': { targets: [alias('check-ok')], strategy: 'progressive' },
  'check-refused.json': { targets: [alias('already-there', '1'), alias('locked-api')], strategy: 'progressive' },
  'check-quiet.json': { targets: [alias('quiet-check')], strategy: 'progressive', policy: { insufficientTraffic: 'refuse' } },
  'holds-a-lock.json': { targets: [alias('locked-api')], strategy: LONG_BAKE },
  'regression.json': { targets: [alias('payments-broken')], strategy: QUICK },
  'malformed.json': { targets: [{ kind: 'lambda-alias', functionName: 'orders-e2e', alias: 'live' }], strategy: QUICK },
  'nothing-to-do.json': { targets: [alias('already-there', '1')], strategy: QUICK },
  'gate-approved.json': { targets: [alias('gate-approved')], strategy: GATED },
  'gate-rejected.json': { targets: [alias('gate-rejected')], strategy: GATED },
  'abort.json': { targets: [alias('abort-me')], strategy: LONG_BAKE },
  'promote.json': { targets: [alias('promote-me')], strategy: LONG_BAKE },
  'timeout.json': { targets: [alias('slow-one')], strategy: LONG_BAKE },
});

let endpoint: EndpointProcess;
let ledger: Ledger;
let sfn: SFNClient;

beforeAll(async () => {
  // 300 virtual seconds per wall second: a two-hour bake takes 24 seconds. Faster, and a loaded
  // machine's pauses become whole virtual minutes the judge sees as a starved canary.
  endpoint = await startEndpointProcess(['--speed', '300', '--scenario', files['traffic.json']]);
  const settings = { endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  ledger = new Ledger({ client: new DynamoDBClient(settings), tableName: LOCAL_LEDGER_TABLE, clock: systemClock });
  sfn = new SFNClient(settings);
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  expect(await endpoint?.stop()).toBe(0);
});

/** `fledge start --json` without waiting: the rollout id and execution ARN. */
async function started(file: string): Promise<{ rolloutId: string; executionArn: string }> {
  const run = await endpoint.fledge(['start', files[file], '--json']);
  expect(run).toMatchObject({ status: 0 });
  return JSON.parse(run.stdout) as { rolloutId: string; executionArn: string };
}

/**
 * Waits until the rollout's status, as `fledge status --json` summarizes it, satisfies `ready`. It
 * reads the ledger in-process (a CLI process per poll would cost a second of CPU each); the
 * status command itself is run by the tests that check its output.
 */
async function statusWhen(rolloutId: string, ready: (status: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rec = await ledger.getRollout(rolloutId);
    const status = rec ? (summarize(rec, []) as unknown as Record<string, unknown>) : undefined;
    if (status && ready(status)) return status;
    if (Date.now() > deadline) throw new Error(`rollout ${rolloutId} never got there; last status: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function record(rolloutId: string): Promise<RolloutRecord> {
  return ledger.requireRollout(rolloutId);
}

async function events(rolloutId: string, type: LedgerEvent['type']): Promise<Record<string, unknown>[]> {
  return (await ledger.listEvents(rolloutId)).filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
}

function idOf(run: CliRun): string {
  const id = /started rollout (\S+)/.exec(run.stdout)?.[1];
  if (!id) throw new Error(`no rollout id in:\n${run.stdout}\n${run.stderr}`);
  return id;
}

describe('fledge start --wait against fledge local up', () => {
  test('a healthy release is promoted: exit 0, the timeline live, the alias on the new version', async () => {
    const run = await endpoint.fledge(['start', files['healthy.json'], '--wait']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/preflight ok {2}lambda:orders-e2e:live 1 → 2/);
    expect(run.stdout).toMatch(/step 2\/2 Complete: 100% of traffic/);
    expect(run.stdout).toMatch(/PROMOTED \(execution SUCCEEDED, exit 0\)/);
    const rec = await record(idOf(run));
    expect(rec.status).toBe('PROMOTED');
    expect(rec.executionId).toMatch(/^arn:aws:states:us-east-1:000000000000:execution:fledge-rollout:/);
  });

  test('a regression is rolled back: exit 1, the reason names the errors signal', async () => {
    const run = await endpoint.fledge(['start', files['regression.json'], '--wait']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/ROLLED BACK \(execution FAILED, exit 1\)/);
    expect(run.stdout).toMatch(/why: .*errors/);
    const rec = await record(idOf(run));
    expect(rec.status).toBe('ROLLED_BACK');
    expect(await events(rec.rolloutId, 'target-restored')).toEqual([expect.objectContaining({ targetKey: 'lambda:payments-broken:live', action: 'restored' })]);
  });

  test('a malformed request is refused offline: exit 2, the field named, no execution started', async () => {
    const before = await sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:fledge-rollout' }));
    const run = await endpoint.fledge(['start', files['malformed.json'], '--wait']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/targets\[0\]\.newVersion: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const after = await sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:fledge-rollout' }));
    expect(after.executions).toHaveLength(before.executions?.length ?? 0);
  });

  test('a request preflight refuses ends with exit 2 and the reason', async () => {
    const run = await endpoint.fledge(['start', files['nothing-to-do.json'], '--wait']);
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/REFUSED \(execution FAILED, exit 2\)/);
    expect(run.stdout).toMatch(/already points to version 1: there is nothing to roll out/);
    expect((await record(idOf(run))).status).toBe('REJECTED');
  });

  test('--timeout gives up waiting with exit 4 and leaves the rollout running', async () => {
    const run = await endpoint.fledge(['start', files['timeout.json'], '--wait', '--timeout', '3s']);
    expect(run.status).toBe(4);
    expect(run.stdout).toMatch(/STILL RUNNING/);
    const rolloutId = idOf(run);
    expect((await record(rolloutId)).status).toBe('IN_PROGRESS');
    expect(await endpoint.fledge(['abort', rolloutId, '--reason', 'test cleanup'])).toMatchObject({ status: 0 });
    expect(await endpoint.fledge(['status', rolloutId, '--follow'])).toMatchObject({ status: 1 });
  });
});

describe('gates and controls, as a person or a pipeline step would use them', () => {
  test('approve passes the gate and the ledger records who approved it', async () => {
    const { rolloutId } = await started('gate-approved.json');
    const waiting = await statusWhen(rolloutId, (s) => s.pendingGate !== undefined);
    expect(waiting).toMatchObject({ status: 'AWAITING_APPROVAL', pendingGate: { stepIndex: 0 } });
    const approve = await endpoint.fledge(['approve', rolloutId, '--comment', 'dashboards look fine'], { AWS_ACCESS_KEY_ID: 'alice', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(approve).toMatchObject({ status: 0 });
    expect(approve.stdout).toMatch(/approved rollout .* \(by arn:aws:iam::000000000000:user\/alice\)/);
    expect(await endpoint.fledge(['status', rolloutId, '--follow'])).toMatchObject({ status: 0 });
    expect(await events(rolloutId, 'approval')).toEqual([expect.objectContaining({ approved: true, by: 'arn:aws:iam::000000000000:user/alice', reason: 'dashboards look fine' })]);
    // A second answer finds no gate.
    const again = await endpoint.fledge(['approve', rolloutId]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/has no pending approval gate \(it is PROMOTED\)/);
  });

  test('reject rolls the rollout back and records who rejected it and why', async () => {
    const { rolloutId } = await started('gate-rejected.json');
    await statusWhen(rolloutId, (s) => s.pendingGate !== undefined);
    const reject = await endpoint.fledge(['reject', rolloutId, '--reason', 'p99 looks off', '--by', 'bob@example.com']);
    expect(reject).toMatchObject({ status: 0 });
    const follow = await endpoint.fledge(['status', rolloutId, '--follow']);
    expect(follow.status).toBe(1);
    expect(follow.stdout).toMatch(/rejected by bob@example.com: p99 looks off/);
    expect(await events(rolloutId, 'approval')).toEqual([expect.objectContaining({ approved: false, by: 'bob@example.com', reason: 'p99 looks off' })]);
    expect((await record(rolloutId)).status).toBe('ROLLED_BACK');
  });

  test('abort mid-bake rolls back at the next evaluation; aborting again says it has ended', async () => {
    const { rolloutId } = await started('abort.json');
    await statusWhen(rolloutId, (s) => (s.step as { weight?: number } | undefined)?.weight === 10);
    expect(await endpoint.fledge(['abort', rolloutId, '--reason', 'customer reports'])).toMatchObject({ status: 0 });
    const follow = await endpoint.fledge(['status', rolloutId, '--follow']);
    expect(follow.status).toBe(1);
    const rec = await record(rolloutId);
    expect(rec.status).toBe('ROLLED_BACK');
    expect(rec.outcome?.reason).toMatch(/customer reports/);
    expect(await events(rolloutId, 'target-restored')).toEqual([expect.objectContaining({ action: 'restored' })]);
    const again = await endpoint.fledge(['abort', rolloutId, '--reason', 'twice']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/has already ended \(ROLLED_BACK\): nothing to abort/);
  });

  test('promote fast-forwards to 100% and is audited as an emergency', async () => {
    const { rolloutId } = await started('promote.json');
    await statusWhen(rolloutId, (s) => (s.step as { weight?: number } | undefined)?.weight === 10);
    expect(await endpoint.fledge(['promote', rolloutId, '--reason', 'hotfix for an outage', '--by', 'oncall'])).toMatchObject({ status: 0 });
    expect(await endpoint.fledge(['status', rolloutId, '--follow'])).toMatchObject({ status: 0 });
    expect((await record(rolloutId)).status).toBe('PROMOTED');
    expect(await events(rolloutId, 'control')).toEqual([expect.objectContaining({ action: 'promote', emergency: true, by: 'oncall', reason: 'hotfix for an outage' })]);
  });

  test('an unknown rollout id is one line that says what to check', async () => {
    const run = await endpoint.fledge(['approve', 'r-does-not-exist']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`fledge: no rollout r-does-not-exist in table ${LOCAL_LEDGER_TABLE}: check the id (fledge list shows recent ones) and the region`);
  });
});

describe('fledge check: a read-only preflight', () => {
  let holder: string;
  beforeAll(async () => {
    // A running rollout holds its target's lock: check must say so.
    ({ rolloutId: holder } = await started('holds-a-lock.json'));
    await statusWhen(holder, (s) => s.status === 'IN_PROGRESS');
  });
  afterAll(async () => {
    await endpoint.fledge(['abort', holder, '--reason', 'test cleanup']);
  });

  test('a healthy target: exit 0, the traffic measured and the plan, nothing moved', async () => {
    const run = await endpoint.fledge(['check', files['check-ok.json']]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/lambda:check-ok:live: 1 → 2, alias revision \S+/);
    expect(run.stdout).toMatch(/lambda:check-ok:live at 200 rps; stable version: errors 0\.\d+%/);
    expect(run.stdout).toMatch(/OK: a start would go ahead/);
    // Nothing was written: no rollout, no lock.
    expect(await ledger.listRolloutsByTarget('lambda:check-ok:live')).toEqual([]);
    expect(await ledger.getLock('lambda:check-ok:live')).toBeUndefined();
  });

  test('targets a start must refuse: exit 2 and the reason for each', async () => {
    const run = await endpoint.fledge(['check', files['check-refused.json'], '--json']);
    expect(run.status).toBe(2);
    const result = JSON.parse(run.stdout) as { accepted: boolean; refusals: string[] };
    expect(result.accepted).toBe(false);
    expect(result.refusals).toEqual([
      expect.stringMatching(/^lambda:already-there:live already points to version 1: there is nothing to roll out$/),
      // The lock holder is mid-step: its weights are on the alias, and it holds the lock.
      expect.stringMatching(/^lambda:locked-api:live already has routing weights \(alias on version 1 with 10% on version 2/),
      expect.stringMatching(new RegExp(`^lambda:locked-api:live is locked by rollout ${holder} until `)),
    ]);
  });

  test('traffic too low for the strategy, with insufficientTraffic=refuse: exit 2, in rates', async () => {
    const run = await endpoint.fledge(['check', files['check-quiet.json']]);
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/lambda:quiet-check:live at 0\.0\d+ rps/);
    expect(run.stdout).toMatch(/REFUSED: a start would be refused[^\n]*\n {2}- the traffic cannot support this strategy \(policy insufficientTraffic=refuse\)/);
  });
});

describe('reading rollouts back', () => {
  let rolloutId: string;
  beforeAll(async () => {
    const run = await endpoint.fledge(['start', files['read-back.json'], '--wait']);
    expect(run.status).toBe(0);
    rolloutId = idOf(run);
  });

  test('status, list and history agree with the ledger', async () => {
    const rec = await record(rolloutId);
    const status = JSON.parse((await endpoint.fledge(['status', rolloutId, '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ rolloutId, status: rec.status, targets: rec.targetKeys, outcome: rec.outcome, executionArn: rec.executionId });
    const listed = JSON.parse((await endpoint.fledge(['list', '--json', '--limit', '100'])).stdout) as { rolloutId: string; status: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ rolloutId, status: rec.status }));
    const byTarget = await ledger.listRolloutsByTarget(rec.targetKeys[0]);
    const history = JSON.parse((await endpoint.fledge(['history', rec.targetKeys[0], '--json'])).stdout) as { rolloutId: string }[];
    expect(history.map((r) => r.rolloutId)).toEqual(byTarget.map((r) => r.rolloutId));
    const active = JSON.parse((await endpoint.fledge(['list', '--active', '--json'])).stdout) as { status: string }[];
    expect(active.every((r) => ['PREFLIGHT', 'IN_PROGRESS', 'AWAITING_APPROVAL'].includes(r.status))).toBe(true);
  });

  test('report writes the HTML report from the ledger', async () => {
    const out = join(tempDir(), 'report.html');
    const run = await endpoint.fledge(['report', rolloutId, '--out', out]);
    expect(run).toMatchObject({ status: 0 });
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(rolloutId);
    expect(html).toContain('<svg');
  });
});
