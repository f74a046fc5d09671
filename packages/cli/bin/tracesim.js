#!/usr/bin/env node
// Entry point of the `tracesim` command: runs the compiled CLI (built by `tsc -b`, which
// `npm ci` runs through the prepare script). A checkout that was never built gets one line.
let cli;
try {
  cli = require('../dist/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('tracesim: the CLI is not built yet; run `npm ci` (or `npx tsc -b`) in the repository first\n');
  } else {
    process.stderr.write(`tracesim: internal error loading the CLI: ${err && err.message} (this is a tracesim bug; TRACESIM_DEBUG=1 prints its stack)\n`);
    if (process.env.TRACESIM_DEBUG === '1' && err && err.stack) process.stderr.write(err.stack + '\n');
  }
  process.exit(3);
}
cli.main(process.argv.slice(2));
