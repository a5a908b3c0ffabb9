import fc from 'fast-check';
import { injectionId, unicodeText, unprintableChar } from './hostile-text';
import { cloneJson, deleteAt, setAt } from './json-paths';
import { requestSlots } from './request-slots';
import { validRequest } from './valid-requests';

/**
 * Requests near the edge of validity: a valid request with a few fields set to values on either
 * side of their rules (0 and 100, 80 and 81 characters, "42" and "042", …), or removed. About half
 * pass validation; the other half must be refused, and must not crash the parser.
 */

const edgeNumber = fc.constantFrom(-1, -0.5, 0, 1e-9, 0.2, 0.2000001, 0.5, 0.9999, 1, 1.5, 59, 60, 99.999, 100, 100.001, 900, 901, 3600, 3601, 604_800, 604_801, 1e308);

const edgeString = fc.oneof(
  fc.constantFrom('live', '42', '042', '0', '$LATEST', 'progressive', 'default', 'enforce', 'pause', 'lambda-alias', 'appconfig-flag', 'Sum', '.', '..', '.x', 'a.b', 'a:b', ''),
  fc.constantFrom(40, 41, 64, 65, 80, 81, 128, 129, 255, 256, 500, 501).map((n) => 'a'.repeat(n)),
  fc.constant('arn:aws:lambda:eu-west-1:123456789012:function:orders'),
  unicodeText,
  injectionId,
  unprintableChar,
);

const edgeValue = fc.oneof({ weight: 3, arbitrary: edgeNumber }, { weight: 3, arbitrary: edgeString }, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

type Json = Record<string, unknown>;

/** One edit: a field set to an edge value or removed, a target repeated, or many dimensions added to a flag. */
function edit(request: Json): fc.Arbitrary<Json> {
  const slots = requestSlots(request).filter((s) => s.path.length > 0);
  const targets = Array.isArray(request.targets) && request.targets.length > 0 ? (request.targets as unknown[]) : [{}];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...slots), edgeValue).map(([slot, value]) => setAt(request, slot.path, value) as Json),
    fc.constantFrom(...slots).map((slot) => deleteAt(request, slot.path) as Json),
    fc.nat({ max: targets.length - 1 }).map((i) => ({ ...request, targets: [...targets, cloneJson(targets[i])] })),
    fc.integer({ min: 20, max: 40 }).map((n) => ({
      ...request,
      targets: [{ kind: 'appconfig-flag', application: 'shop', environment: 'prod', profile: 'features', flag: 'edge', metrics: { dimensions: Object.fromEntries(Array.from({ length: n }, (_, i) => [`D${i}`, 'x'])) } }],
    })),
  );
}

export const edgeRequest: fc.Arbitrary<unknown> = validRequest.chain((base) => {
  const once = edit(base as Json);
  // A second edit lands on whatever the first left, which may no longer be an object.
  return fc.oneof(once, once.chain((edited) => (typeof edited === 'object' && edited !== null && !Array.isArray(edited) ? edit(edited) : fc.constant(edited))));
});
