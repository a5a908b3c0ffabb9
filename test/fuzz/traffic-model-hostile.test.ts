import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../lib/cli/run-cli';
import { MINUTE_MS } from '../../lib/domain/clock';
import { ValidationError } from '../../lib/domain/errors';
import type { Target } from '../../lib/domain/targets';
import { SimulatedFleet } from '../../lib/local/fleet/simulated-fleet';
import { parseTrafficModel } from '../../lib/local/fleet/traffic-model';
import { captureIo } from '../helpers/cli';
import { T0, TestClock } from '../helpers/clock';
import { FUZZ_SEED, tallyLine } from '../helpers/hostile/fuzz-report';
import { hostileModel, validModel } from '../helpers/hostile/hostile-models';
import { isSafeMessage, namesBrokenField } from '../helpers/hostile/refusals';
import type { Hostile } from '../helpers/hostile/slot-defects';
import { tempDir } from '../helpers/local-endpoint-process';
import { startLocalEndpoint } from '../../lib/local/endpoint/local-endpoint';
import { withDynamoDbLocal } from '../../lib/local/local-environment';

jest.mock('../../lib/local/local-environment', () => jest.requireActual('../helpers/hostile/nothing-starts').refusingLocalEnvironment());
jest.mock('../../lib/local/endpoint/local-endpoint', () => jest.requireActual('../helpers/hostile/nothing-starts').refusingLocalEndpoint());

/**
 * Traffic models are user files (`fledge demo --scenario-file`, `fledge local up --scenario`):
 * a hostile one is refused with the field named, and a valid one gives the simulated fleet
 * traffic it can draw, whatever its numbers.
 */

function refusalOf(input: unknown): ValidationError {
  try {
    parseTrafficModel(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the model was accepted');
}

/** The target a model's override key names. */
function targetOf(key: string): Target {
  const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'lambda') {
    const [functionName, alias] = rest.split(':');
    return { kind: 'lambda-alias', functionName, alias, newVersion: '2' };
  }
  const [path, flag] = rest.split('#');
  const [application, environment, profile] = path.split('/');
  return { kind: 'appconfig-flag', application, environment, profile, flag, metrics: { namespace: 'Fledge/Flags', requests: 'Requests', errors: 'Errors', latency: 'Latency', variantDimension: 'Variant', dimensions: {} } };
}

describe('parseTrafficModel', () => {
  it('refuses 500 generated hostile traffic models with a ValidationError naming the broken field', () => {
    const defects = new Map<string, number>();
    fc.assert(
      fc.property(hostileModel, (hostile: Hostile) => {
        const { issues, message } = refusalOf(JSON.parse(JSON.stringify(hostile.input)));
        expect({ defect: hostile.defect, field: hostile.field, key: hostile.key, named: namesBrokenField(issues, hostile), issues }).toMatchObject({ named: true });
        expect(isSafeMessage(message)).toBe(true);
        defects.set(hostile.defect, (defects.get(hostile.defect) ?? 0) + 1);
      }),
      { seed: FUZZ_SEED, numRuns: 500 },
    );
    // Every kind of defect that applies to a model came up (a model has no enumerated fields), each often enough to count.
    expect(defects.size).toBe(8);
    expect(Math.min(...defects.values())).toBeGreaterThanOrEqual(30);
    console.log(tallyLine('500 hostile traffic models', { 'refused naming the field': [...defects.values()].reduce((a, b) => a + b) }));
  });

  it('accepts every generated valid model, and the fleet draws finite traffic for each of its targets', () => {
    fc.assert(
      fc.property(validModel, (input) => {
        const model = parseTrafficModel(JSON.parse(JSON.stringify(input)));
        const clock = new TestClock(T0);
        const fleet = new SimulatedFleet({ model, seed: 7, clock });
        const keys = [...Object.keys(model.targets), 'lambda:orders-api:live'].map((key) => fleet.register(targetOf(key)));
        clock.set(new Date(T0.getTime() + 2 * MINUTE_MS));
        for (const key of keys) {
          for (const minute of fleet.series(key, 'baseline', T0, clock.now(), { includeUnpublished: true })) {
            expect(Object.values(minute).filter((v) => typeof v === 'number' && !Number.isFinite(v))).toEqual([]);
          }
        }
      }),
      { seed: FUZZ_SEED, numRuns: 40 },
    );
  });
});

describe('the CLI options that load a traffic model', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['fledge demo --scenario-file', (file: string) => ['demo', '--scenario-file', file], '--scenario-file'],
    ['fledge demo --scenario', (file: string) => ['demo', '--scenario', file], '--scenario'],
    ['fledge local up --scenario', (file: string) => ['local', 'up', '--scenario', file, '--port', '0'], '--scenario'],
  ])('%s refuses 60 hostile model files in one line naming the option and the field, exit 2, before starting anything', async (_command, argv, option) => {
    let files = 0;
    await fc.assert(
      fc.asyncProperty(hostileModel, async (hostile) => {
        const file = join(dir, `model-${(files += 1)}.json`);
        writeFileSync(file, JSON.stringify(hostile.input));
        const io = captureIo();
        const code = await runCli(['node', 'fledge', ...argv(file)], io);
        // Nothing on stdout: demo greets, and local up says where it listens, only once the model is good.
        expect({ code, stdout: io.stdout, lines: io.stderr.length }).toEqual({ code: 2, stdout: [], lines: 1 });
        const [line] = io.stderr;
        expect(line.startsWith(`fledge: ${option}: scenario file ${file} is invalid: `)).toBe(true);
        expect(line).toContain(hostile.field);
        expect(isSafeMessage(line) && !line.includes('\n')).toBe(true);
        expect(jest.mocked(withDynamoDbLocal)).not.toHaveBeenCalled();
        expect(jest.mocked(startLocalEndpoint)).not.toHaveBeenCalled();
      }),
      { seed: FUZZ_SEED, numRuns: 60 },
    );
  });
});
