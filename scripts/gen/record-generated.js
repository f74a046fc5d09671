#!/usr/bin/env node
// Records fixtures/generated: programs from the seeded generator with Debian's `luajit -jv`
// log (.jv) and `luajit -joff` output (.out). A program is kept only when three -jv runs give
// the same log; generation goes on until COUNT programs are kept.
//
//   node scripts/gen/record-generated.js [SEED] [COUNT]     (defaults: 17000, 320)
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { generatePrograms } = require('./program-generator');

const seed = Number(process.argv[2] ?? 17000);
const count = Number(process.argv[3] ?? 320);
const dir = path.join(__dirname, '../../fixtures/generated');

/** One `luajit` run of `file` in the fixture folder: its stdout and stderr, or undefined if it failed. */
function luajit(args, file) {
  const r = spawnSync('luajit', [...args, file], { cwd: dir, encoding: 'latin1', timeout: 20000 });
  return r.status === 0 ? r : undefined;
}

for (const f of fs.readdirSync(dir)) if (/^g\d+\.(lua|jv|out)$/.test(f)) fs.rmSync(path.join(dir, f));
let kept = 0, unstable = 0, failed = 0;
for (let batch = 0; kept < count; batch++) {
  for (const p of generatePrograms(seed + batch * 1000, 1000)) {
    if (kept >= count) break;
    const name = `g${p.seed}`;
    fs.writeFileSync(path.join(dir, `${name}.lua`), p.text);
    // -jv writes the trace log to stderr; the program's own output goes to stdout.
    const logs = [0, 1, 2].map(() => luajit(['-jv'], `${name}.lua`)?.stderr);
    const off = luajit(['-joff'], `${name}.lua`);
    if (logs.some((l) => l === undefined) || off === undefined) {
      failed++;
      fs.rmSync(path.join(dir, `${name}.lua`));
    } else if (logs[1] !== logs[0] || logs[2] !== logs[0]) {
      unstable++;
      fs.rmSync(path.join(dir, `${name}.lua`));
    } else {
      fs.writeFileSync(path.join(dir, `${name}.jv`), logs[0], 'latin1');
      fs.writeFileSync(path.join(dir, `${name}.out`), off.stdout, 'latin1');
      kept++;
    }
  }
}
const version = execFileSync('luajit', ['-v'], { encoding: 'utf8' }).trim();
console.log(`recorded ${kept} programs from seed ${seed} with ${version} (${unstable} dropped for unstable logs, ${failed} for errors)`);
