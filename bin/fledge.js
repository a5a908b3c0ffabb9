#!/usr/bin/env node
// npm's `bin` must be JavaScript. An installed package runs dist/fledge.js, the CLI bundled by
// `npm run build` (plain JavaScript, no TypeScript tooling); a source checkout, which has
// bin/fledge.ts, runs the sources through tsx, so editing them needs no build step and a stale
// dist/ is never picked up.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'fledge.ts'))) {
  require('tsx/cjs');
  require('./fledge.ts');
} else {
  require('../dist/fledge.js');
}
