#!/usr/bin/env node
// The `switchyard` command: runs the compiled CLI in dist/ (see lib/cli/main.ts).
'use strict';
const path = require('node:path');

let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (err) {
  // Only a checkout of this repository can lack dist/: the package is published built.
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(path.join('dist', 'cli', 'main.js'))) {
    console.error(`switchyard: ${path.resolve(__dirname, '..', 'dist')} is missing. Run 'npm run build' (npm ci runs it) in ${path.resolve(__dirname, '..')}.`);
    process.exit(1);
  }
  throw err;
}

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  },
);
