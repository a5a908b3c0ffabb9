import fc from 'fast-check';
import { injectionId, unicodeText, withKey, withUnprintable } from './hostile-text';
import { cloneJson } from './json-paths';
import { slotDefects, type Defect, type Hostile, type Json } from './slot-defects';
import type { Slot } from './slots';

/**
 * Traffic models (`fledge demo --scenario-file`, `fledge local up --scenario`): valid ones of
 * every shape, and hostile ones broken in exactly one way.
 */

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const latency = fc.record({ medianMs: fc.double({ min: 1, max: 900_000, noNaN: true }), sigma: fc.double({ min: 0, max: 3, noNaN: true }) }, { requiredKeys: [] });
const behaviour = fc.record({ errorRate: probability, latency, throttleRate: probability }, { requiredKeys: [] });
const diurnal = fc.record({ amplitude: probability, periodMinutes: fc.double({ min: 1, max: 10_000, noNaN: true }), peakAtMinute: fc.integer({ min: 0, max: 1440 }) }, { requiredKeys: ['amplitude'] });
const regression = fc.record({ afterMinutes: fc.nat({ max: 600 }), aboveWeight: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] });
const rps = fc.double({ min: 0, max: 100_000, noNaN: true });

const targetKey = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).map((fn) => `lambda:${fn}:live`),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).map((flag) => `appconfig:shop/prod/features#${flag}`),
);
const override = fc.record({ rps, diurnal: fc.option(diurnal, { nil: null }), stable: behaviour, canary: behaviour, regression, concurrencyLimit: fc.integer({ min: 1, max: 10_000 }) }, { requiredKeys: [] });

export const validModel = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 40 }),
    description: fc.string({ maxLength: 120 }),
    rps,
    diurnal: fc.option(diurnal, { nil: null }),
    stable: behaviour,
    canary: behaviour,
    regression,
    publishDelayMinutes: fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
    concurrencyLimit: fc.integer({ min: 1, max: 100_000 }),
    targets: fc.dictionary(targetKey, override, { maxKeys: 3 }),
  },
  { requiredKeys: ['name'] },
);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const PROBABILITY = { min: 0, max: 1 };

function behaviourSlots(at: readonly (string | number)[], behaviour: unknown): Slot[] {
  const slots: Slot[] = [{ path: at, types: ['object'], fields: true }];
  if (!isObject(behaviour)) return slots;
  slots.push(
    { path: [...at, 'errorRate'], types: ['number'], range: PROBABILITY },
    { path: [...at, 'throttleRate'], types: ['number'], range: PROBABILITY },
    { path: [...at, 'latency'], types: ['object'], fields: true },
  );
  if (isObject(behaviour.latency)) {
    slots.push(
      { path: [...at, 'latency', 'medianMs'], types: ['number'], range: { min: 0, minExclusive: true, max: 900_000 } },
      { path: [...at, 'latency', 'sigma'], types: ['number'], range: { min: 0, max: 3 } },
    );
  }
  return slots;
}

function diurnalSlots(at: readonly (string | number)[], value: unknown): Slot[] {
  const slots: Slot[] = [{ path: at, types: ['object', 'null'], fields: true }];
  if (!isObject(value)) return slots;
  return [
    ...slots,
    { path: [...at, 'amplitude'], types: ['number'], required: true, range: PROBABILITY },
    { path: [...at, 'periodMinutes'], types: ['number'], range: { min: 0, minExclusive: true } },
    { path: [...at, 'peakAtMinute'], types: ['number'], range: { min: 0 } },
  ];
}

/** Every field of a traffic model that a mutation can break, with the rules the schema gives it. */
export function modelSlots(model: Json): Slot[] {
  const slots: Slot[] = [
    { path: [], types: ['object'], fields: true },
    { path: ['name'], types: ['string'], required: true, maxLength: 100 },
    { path: ['description'], types: ['string'], maxLength: 1000 },
    { path: ['rps'], types: ['number'], range: { min: 0, max: 100_000 } },
    ...diurnalSlots(['diurnal'], model.diurnal),
    ...behaviourSlots(['stable'], model.stable),
    ...behaviourSlots(['canary'], model.canary),
    { path: ['regression'], types: ['object'], fields: true },
    { path: ['publishDelayMinutes'], types: ['object'], fields: true },
    { path: ['concurrencyLimit'], types: ['number'], range: { min: 0, minExclusive: true, int: true } },
    { path: ['targets'], types: ['object'] },
  ];
  if (isObject(model.regression)) {
    slots.push({ path: ['regression', 'afterMinutes'], types: ['number'], range: { min: 0 } }, { path: ['regression', 'aboveWeight'], types: ['number'], range: { min: 0, max: 100 } });
  }
  // A min above max is reported at max, so min is broken here only below 0 or above 60.
  if (isObject(model.publishDelayMinutes)) slots.push({ path: ['publishDelayMinutes', 'min'], types: ['number'], range: { min: 0, max: 60 } });
  for (const [key, value] of Object.entries(isObject(model.targets) ? model.targets : {})) {
    const at = ['targets', key];
    slots.push(
      { path: at, types: ['object'], fields: true },
      { path: [...at, 'rps'], types: ['number'], range: { min: 0, max: 100_000 } },
      { path: [...at, 'concurrencyLimit'], types: ['number'], range: { min: 0, minExclusive: true, int: true } },
      ...diurnalSlots([...at, 'diurnal'], isObject(value) ? value.diurnal : undefined),
    );
  }
  return slots;
}

/** Overrides for keys that name no target: typos, injections, unprintables, a version number for an alias. */
const badTargetKey: Defect = (base) => [
  fc
    .oneof(
      fc.constantFrom('lambda:orders-api', 'lambda:orders-api:42', 'lambda:orders api:live', 'Lambda:orders-api:live', 'appconfig:shop/prod#flag', 'appconfig:../prod/features#flag', 'orders-api', ''),
      injectionId,
      unicodeText,
      fc.constant('lambda:orders-api:live').chain(withUnprintable),
    )
    .map((key) => {
      const input = cloneJson(base);
      input.targets = withKey(isObject(input.targets) ? input.targets : {}, key, { rps: 1 });
      return { defect: 'not a target key', input, field: 'targets', key };
    }),
];

const delayOrder: Defect = (base) => [
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.nat()).map(([min, below]) => ({
    defect: 'min delay above max',
    input: { ...base, publishDelayMinutes: { min, max: below % min } },
    field: 'publishDelayMinutes.max',
  })),
];

const DEFECTS: Defect[] = [...slotDefects(modelSlots), badTargetKey, delayOrder];

export const hostileModel: fc.Arbitrary<Hostile> = validModel.chain((base) => fc.oneof(...DEFECTS.flatMap((defect) => defect(base as Json))));
