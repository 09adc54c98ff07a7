#!/usr/bin/env node
// The `switchyard` command: registers tsx so the TypeScript sources run as they are, then
// hands over to lib/cli/main.ts.
'use strict';
require('tsx/cjs/api').register();
const { main } = require('../lib/cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  },
);
