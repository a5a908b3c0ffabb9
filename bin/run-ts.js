#!/usr/bin/env node
// Runs a TypeScript file (benchmarks, one-off tools) through tsx without a build step.
require('tsx/cjs');
require(require('node:path').resolve(process.argv[2]));
