import { PRESET_NAMES } from '../../../lib/domain/strategies';
import type { JsonPath } from './json-paths';
import type { Slot } from './slots';

const WEEK = 7 * 86_400;
type Json = Record<string, unknown>;

/** Every field of a rollout request that a mutation can break, with the rules the schema gives it. */
export function requestSlots(base: Json): Slot[] {
  const slots: Slot[] = [
    { path: [], types: ['object'], fields: true },
    { path: ['rolloutId'], types: ['string'], maxLength: 80, strict: true },
    { path: ['description'], types: ['string'], maxLength: 500 },
    { path: ['targets'], types: ['array'], required: true },
    { path: ['strategy'], types: ['string', 'object'], required: true, oneOf: PRESET_NAMES },
    { path: ['policy'], types: ['string', 'object'], oneOf: ['default'] },
    { path: ['mode'], types: ['string'], oneOf: ['enforce', 'observe'] },
    { path: ['force'], types: ['boolean'] },
  ];
  objectsIn(base.targets).forEach(([target, i]) => slots.push(...targetSlots(target, ['targets', i])));
  if (isObject(base.strategy) && Array.isArray(base.strategy.steps)) slots.push(...strategySlots(base.strategy));
  if (isObject(base.policy)) slots.push(...policySlots(base.policy));
  if (isObject(base.hooks)) slots.push(...hookSlots(base.hooks));
  return slots;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The items of an array that are objects, with their indices (an edited request may hold anything). */
const objectsIn = (value: unknown): [Json, number][] => (Array.isArray(value) ? value.flatMap((item, i): [Json, number][] => (isObject(item) ? [[item, i]] : [])) : []);

function targetSlots(target: Json, at: JsonPath): Slot[] {
  const id = (key: string, maxLength?: number): Slot => ({ path: [...at, key], types: ['string'], required: true, strict: true, maxLength });
  const slots: Slot[] = [{ path: at, types: ['object'], fields: true }, { ...id('kind'), oneOf: ['lambda-alias', 'appconfig-flag'] }];
  if (target.kind === 'lambda-alias') return [...slots, id('functionName', 64), id('alias', 128), id('newVersion')];
  slots.push(id('application', 64), id('environment', 64), id('profile', 64), id('flag', 64), { path: [...at, 'metrics'], types: ['object'], fields: true });
  if (isObject(target.metrics)) {
    const metrics = [...at, 'metrics'];
    slots.push(
      { path: [...metrics, 'namespace'], types: ['string'], maxLength: 255 },
      { path: [...metrics, 'latency'], types: ['string', 'null'], maxLength: 255 },
      { path: [...metrics, 'variantDimension'], types: ['string'], maxLength: 255 },
      { path: [...metrics, 'dimensions'], types: ['object'] },
    );
  }
  return slots;
}

function strategySlots(strategy: Json): Slot[] {
  const slots: Slot[] = [
    { path: ['strategy'], types: ['object'], fields: true },
    { path: ['strategy', 'steps'], types: ['array'], required: true },
    { path: ['strategy', 'finalBakeSeconds'], types: ['number'], range: { min: 0, max: WEEK, int: true } },
  ];
  objectsIn(strategy.steps).forEach(([step, j]) => {
    const at = ['strategy', 'steps', j];
    slots.push(
      { path: at, types: ['object'], fields: true },
      { path: [...at, 'weight'], types: ['number'], required: true, range: { min: 0, max: 100 } },
      // A min bake above the step's max bake breaks minBakeSeconds' own rule.
      { path: [...at, 'minBakeSeconds'], types: ['number'], required: true, range: { min: 0, max: Number(step.maxBakeSeconds), int: true } },
      { path: [...at, 'maxBakeSeconds'], types: ['number'], required: true, range: { min: 0, max: WEEK, int: true } },
      { path: [...at, 'minSamples'], types: ['number'], range: { min: 0, int: true } },
      { path: [...at, 'approval'], types: ['boolean'] },
      { path: [...at, 'name'], types: ['string'], maxLength: 40 },
    );
  });
  return slots;
}

function hookSlots(hooks: Json): Slot[] {
  const slots: Slot[] = [{ path: ['hooks'], types: ['object'], fields: true }];
  for (const event of ['preTraffic', 'postTraffic']) {
    if (!isObject(hooks[event])) continue;
    slots.push(
      { path: ['hooks', event], types: ['object'], fields: true },
      { path: ['hooks', event, 'functionName'], types: ['string'], required: true, strict: true, maxLength: 140 },
      { path: ['hooks', event, 'timeoutSeconds'], types: ['number'], range: { min: 1, max: 900, int: true } },
    );
  }
  return slots;
}

function policySlots(policy: Json): Slot[] {
  const slots: Slot[] = [
    { path: ['policy'], types: ['object'], fields: true },
    { path: ['policy', 'onInconclusive'], types: ['string'], oneOf: ['rollback', 'pause', 'promote'] },
    { path: ['policy', 'insufficientTraffic'], types: ['string'], oneOf: ['warn', 'refuse'] },
    { path: ['policy', 'falseRollbackBudget'], types: ['number'], range: { min: 0, minExclusive: true, max: 0.2 } },
    { path: ['policy', 'evaluationIntervalSeconds'], types: ['number'], range: { min: 60, max: 3600, int: true } },
    { path: ['policy', 'metricDelaySeconds'], types: ['number'], range: { min: 0, max: 900, int: true } },
    { path: ['policy', 'errors'], types: ['object'], fields: true },
    { path: ['policy', 'alarms'], types: ['array'] },
    { path: ['policy', 'customMetrics'], types: ['array'] },
  ];
  if (isObject(policy.errors)) slots.push({ path: ['policy', 'errors', 'maxRelativeIncrease'], types: ['number'], range: { min: 0, minExclusive: true, max: 100 } });
  (Array.isArray(policy.alarms) ? (policy.alarms as unknown[]) : []).forEach((_, k) => slots.push({ path: ['policy', 'alarms', k], types: ['string'], maxLength: 255 }));
  objectsIn(policy.customMetrics).forEach(([, k]) => {
    const at = ['policy', 'customMetrics', k];
    slots.push(
      { path: at, types: ['object'], fields: true },
      { path: [...at, 'name'], types: ['string'], required: true, strict: true, maxLength: 64 },
      { path: [...at, 'namespace'], types: ['string'], required: true, maxLength: 255 },
      { path: [...at, 'metricName'], types: ['string'], required: true, maxLength: 255 },
      { path: [...at, 'stat'], types: ['string'], oneOf: ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'] },
      { path: [...at, 'minDatapoints'], types: ['number'], range: { min: 1, max: 60, int: true } },
      { path: [...at, 'dimensions'], types: ['object'] },
    );
  });
  return slots;
}
