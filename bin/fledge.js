#!/usr/bin/env node
// npm's `bin` needs JavaScript; tsx compiles the TypeScript sources on the fly, so there is no build step.
require('tsx/cjs');
require('./fledge.ts');
