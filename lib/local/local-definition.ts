import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AslDefinition } from '../constructs/asl';
import type * as SynthesizeDefinition from './synthesize-definition';

type SynthesizeModule = typeof SynthesizeDefinition;

export { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './local-account';

/** Where a packaged build keeps the definition it synthesized from the construct: beside the bundle, dist/fledge.js. */
export const PREBUILT_DEFINITION_FILE = join(__dirname, 'rollout-definition.asl.json');

/**
 * The real definition as concrete ASL: the packaged build's copy, or synthesized from the
 * construct in a source checkout. Memoized as text (building a CDK app costs a few hundred
 * milliseconds); every caller gets its own parsed copy, made in the caller's realm, which the
 * interpreter's plain-object checks need.
 */
let cached: string | undefined;
export function localRolloutDefinition(): AslDefinition {
  cached ??= existsSync(PREBUILT_DEFINITION_FILE) ? readFileSync(PREBUILT_DEFINITION_FILE, 'utf8') : synthesize();
  return JSON.parse(cached) as AslDefinition;
}

function synthesize(): string {
  // CDK is a build-time tool: loaded only where no prebuilt definition exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeLocalDefinition } = require('./synthesize-definition') as SynthesizeModule;
  return synthesizeLocalDefinition();
}
