import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../lib/domain/errors';
import { loadScenarioFile, resolveScenario, SCENARIO_NAMES, scenarioByName } from '../../../lib/local/fleet/scenarios';
import { parseTrafficModel, resolveTargetModel, rpsAt } from '../../../lib/local/fleet/traffic-model';

describe('traffic model', () => {
  describe('parseTrafficModel', () => {
    it('fills every field but the name with the defaults of a healthy 200 rps service', () => {
      const model = parseTrafficModel({ name: 'minimal' });
      expect(model).toEqual({
        name: 'minimal',
        description: '',
        rps: 200,
        diurnal: null,
        stable: { errorRate: 0.005, latency: { medianMs: 80, sigma: 0.5 }, throttleRate: 0 },
        canary: {},
        regression: { afterMinutes: 0, aboveWeight: 0 },
        publishDelayMinutes: { min: 1, max: 3 },
        concurrencyLimit: 1000,
        smoke: { failEvents: [], durationMs: 40, errorType: 'Error', errorMessage: 'simulated failure of the new version' },
        targets: {},
      });
    });

    it('names an unknown field with its path', () => {
      expect(() => parseTrafficModel({ name: 'x', stable: { errorRat: 0.1 } })).toThrow(/stable\.errorRat: unknown field/);
    });

    it('names a field whose value is out of range', () => {
      expect(() => parseTrafficModel({ name: 'x', canary: { errorRate: 1.5 } })).toThrow(/canary\.errorRate: .*1/);
    });

    it('refuses a publishing delay whose min exceeds its max', () => {
      expect(() => parseTrafficModel({ name: 'x', publishDelayMinutes: { min: 4, max: 2 } })).toThrow(/publishDelayMinutes\.max: min must not be greater than max/);
    });

    it('throws a ValidationError listing every issue', () => {
      try {
        parseTrafficModel({ name: '', rps: -1 });
        throw new Error('expected a ValidationError');
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).issues).toEqual([expect.stringMatching(/^name: /), expect.stringMatching(/^rps: /)]);
      }
    });
  });

  describe('resolveTargetModel', () => {
    it('lets canary fields override stable ones and keeps stable values the canary does not mention', () => {
      const model = parseTrafficModel({ name: 'x', stable: { errorRate: 0.01, latency: { medianMs: 50, sigma: 0.4 } }, canary: { latency: { medianMs: 90 } } });
      const resolved = resolveTargetModel(model, 'lambda:fn:live');
      expect(resolved.regressed).toEqual({ errorRate: 0.01, latency: { medianMs: 90, sigma: 0.4 }, throttleRate: 0 });
      expect(resolved.stable.latency.medianMs).toBe(50);
    });

    it('applies a per-target override only to that target', () => {
      const model = parseTrafficModel({
        name: 'x',
        canary: { errorRate: 0.03 },
        targets: { 'lambda:payments:live': { rps: 20, canary: { latency: { medianMs: 200 } }, regression: { aboveWeight: 50 } } },
      });
      const overridden = resolveTargetModel(model, 'lambda:payments:live');
      const other = resolveTargetModel(model, 'lambda:checkout:live');
      expect(overridden.rps).toBe(20);
      expect(overridden.regressed).toEqual({ errorRate: 0.03, latency: { medianMs: 200, sigma: 0.5 }, throttleRate: 0 });
      expect(overridden.regression).toEqual({ afterMinutes: 0, aboveWeight: 50 });
      expect(other.rps).toBe(200);
      expect(other.regressed.latency.medianMs).toBe(80);
    });
  });

  describe('rpsAt', () => {
    it('is constant without a diurnal cycle', () => {
      expect(rpsAt({ rps: 200, diurnal: null }, 123_456)).toBe(200);
    });

    it('peaks at peakAtMinute and bottoms out half a period later', () => {
      const diurnal = { amplitude: 0.5, periodMinutes: 1440, peakAtMinute: 840 };
      expect(rpsAt({ rps: 200, diurnal }, 1440 * 100 + 840)).toBeCloseTo(300, 6);
      expect(rpsAt({ rps: 200, diurnal }, 1440 * 100 + 840 + 720)).toBeCloseTo(100, 6);
    });
  });
});

describe('scenarios', () => {
  describe('scenarioByName', () => {
    it.each(SCENARIO_NAMES)('returns a valid model for "%s"', (name) => {
      expect(scenarioByName(name).name).toBe(name);
    });

    it('throws on an unknown name, listing the valid ones', () => {
      expect(() => scenarioByName('nope')).toThrow(ValidationError);
      expect(() => scenarioByName('nope')).toThrow(
        'unknown scenario "nope": valid scenarios are healthy, error-regression, latency-regression, late-regression, low-traffic, smoke-failure',
      );
    });

    it('describes the healthy service of the demo: 200 rps, 0.5% errors, 80 ms median, no throttles, no regression', () => {
      const healthy = scenarioByName('healthy');
      expect(healthy).toMatchObject({ rps: 200, stable: { errorRate: 0.005, latency: { medianMs: 80, sigma: 0.5 }, throttleRate: 0 }, canary: {} });
    });

    it('makes each regression clear against the healthy baseline', () => {
      expect(resolveTargetModel(scenarioByName('error-regression'), 'k').regressed.errorRate).toBe(0.03);
      expect(resolveTargetModel(scenarioByName('latency-regression'), 'k').regressed.latency.medianMs).toBe(80 * 1.6);
      const late = scenarioByName('late-regression');
      expect(late.regression.aboveWeight).toBe(25);
      expect(resolveTargetModel(late, 'k').regressed.errorRate).toBeGreaterThan(0.005);
    });

    it('gives low-traffic too little traffic to judge a 1% canary within an hour', () => {
      const lowTraffic = scenarioByName('low-traffic');
      const canaryRequestsPerHour = lowTraffic.rps * 3600 * 0.01;
      expect(canaryRequestsPerHour).toBeLessThan(35);
      expect(resolveTargetModel(lowTraffic, 'k').regressed).toEqual(resolveTargetModel(lowTraffic, 'k').stable);
    });
  });

  describe('loadScenarioFile', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'fledge-scenario-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    function writeScenario(content: string): string {
      const path = join(dir, 'model.json');
      writeFileSync(path, content);
      return path;
    }

    it('parses a valid file with the schema, filling defaults', () => {
      const path = writeScenario(JSON.stringify({ name: 'mine', rps: 50, canary: { errorRate: 0.02 } }));
      const model = loadScenarioFile(path);
      expect(model).toMatchObject({ name: 'mine', rps: 50, canary: { errorRate: 0.02 }, stable: { errorRate: 0.005 } });
    });

    it('names the file and the bad field', () => {
      const path = writeScenario(JSON.stringify({ name: 'mine', stable: { latency: { medianMs: -5 } } }));
      expect(() => loadScenarioFile(path)).toThrow(ValidationError);
      expect(() => loadScenarioFile(path)).toThrow(new RegExp(`scenario file ${path} is invalid: stable\\.latency\\.medianMs: `));
    });

    it('says when the file is not JSON', () => {
      const path = writeScenario('{ name: mine }');
      expect(() => loadScenarioFile(path)).toThrow(/is not valid JSON/);
    });

    it('says when the file cannot be read', () => {
      expect(() => loadScenarioFile(join(dir, 'missing.json'))).toThrow(/cannot read scenario file/);
    });
  });

  describe('resolveScenario', () => {
    it('takes a built-in name or a path to a JSON file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'fledge-scenario-'));
      try {
        const path = join(dir, 'custom.json');
        writeFileSync(path, JSON.stringify({ name: 'custom' }));
        expect(resolveScenario('healthy').name).toBe('healthy');
        expect(resolveScenario(path).name).toBe('custom');
        expect(() => resolveScenario('halthy')).toThrow(/valid scenarios are healthy/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
