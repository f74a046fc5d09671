#!/usr/bin/env node
// Entry point of the `tracesim` command: runs the compiled CLI (built by `tsc -b`).
require('../dist/main.js').main(process.argv.slice(2));
