#!/usr/bin/env node
// `npm run bench`: runs every packages/*/bench/*.bench.js in turn (each prints its own
// medians) after naming the machine, so figures can be quoted with their context.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const cpu = os.cpus()[0];
console.log(`machine: ${os.cpus().length} x ${cpu ? cpu.model.trim() : 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
const packagesDir = path.join(root, 'packages');
for (const pkg of fs.readdirSync(packagesDir).sort()) {
  const benchDir = path.join(packagesDir, pkg, 'bench');
  if (!fs.existsSync(benchDir)) continue;
  for (const file of fs.readdirSync(benchDir).filter((f) => f.endsWith('.bench.js')).sort()) {
    console.log(`\n== ${pkg}/${file}`);
    execFileSync(process.execPath, [path.join(benchDir, file)], { stdio: 'inherit', cwd: root });
  }
}
