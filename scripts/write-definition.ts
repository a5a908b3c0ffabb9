import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { synthesizeLocalDefinition } from '../lib/local/synthesize-definition';

/**
 * Build step of the package: synthesizes the rollout definition from the construct once and writes
 * it beside the bundled CLI (dist/fledge.js), where local-definition.ts looks for it, so `fledge demo` and `fledge local up`
 * run the real definition without aws-cdk-lib installed.
 */
const out = join(__dirname, '../dist/rollout-definition.asl.json');
writeFileSync(out, synthesizeLocalDefinition());
console.error(`wrote ${relative(process.cwd(), out)}`);
