// The ten benchmark programs of fixtures/bench at their bench sizes (fixtures/bench/sizes.txt):
// median of 3 wall times for tracesim with the JIT on and off (in process, so without node's
// start-up), and for `luajit -joff`, `lua5.1` and `luajit` (as processes, so with their few ms
// of start-up). One table with the ratios tracesim(JIT) / luajit -joff and / lua5.1, and a
// check that tracesim printed what luajit prints. Needs `tsc -b` first (reads dist/).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { compileLua, LuaInterpreter } = require('../../lua/dist/index.js');
const { TracingJit } = require('../dist/index.js');

const BENCH = path.join(__dirname, '../../../fixtures/bench');
const RUNS = 3;
const programs = fs.readFileSync(path.join(BENCH, 'sizes.txt'), 'latin1').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => { const [name, , size] = l.trim().split(/\s+/); return { name, size }; });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function tracesim(name, size, jitOn) {
  const file = `${name}.lua`;
  const proto = compileLua(fs.readFileSync(path.join(BENCH, file), 'latin1'), file);
  let output = '';
  const start = process.hrtime.bigint();
  const jit = jitOn ? new TracingJit() : undefined;
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: jitOn, hooks: jit?.hooks, maxInstructions: 1e10 });
  if (jit) jit.attach(vm);
  vm.run(proto, vm.setScriptArguments(file, [size]));
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, output };
}

function external(command, args, name, size) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, [...args, `${name}.lua`, size], { cwd: BENCH, encoding: 'latin1', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return r.status === 0 ? { seconds, output: r.stdout } : undefined;
}

function timed(run) {
  const results = Array.from({ length: RUNS }, run);
  if (results.some((r) => r === undefined)) return undefined;
  return { seconds: median(results.map((r) => r.seconds)), output: results[0].output };
}

const fmt = (r) => (r ? r.seconds.toFixed(3) : 'n/a');
const ratio = (a, b) => (a && b ? (a.seconds / b.seconds).toFixed(1) + 'x' : 'n/a');
const header = ['program', 'size', 'tracesim', 'ts --jit off', 'luajit -joff', 'lua5.1', 'luajit', 'ts/joff', 'ts/lua5.1', 'on/off', 'output'];
const rows = [header];
for (const { name, size } of programs) {
  const on = timed(() => tracesim(name, size, true));
  const off = timed(() => tracesim(name, size, false));
  const joff = timed(() => external('luajit', ['-joff'], name, size));
  const lua = timed(() => external('lua5.1', [], name, size));
  const lj = timed(() => external('luajit', [], name, size));
  rows.push([name, size, fmt(on), fmt(off), fmt(joff), fmt(lua), fmt(lj), ratio(on, joff), ratio(on, lua), ratio(on, off), lj && on.output === lj.output ? 'same' : 'DIFFERS']);
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
console.log(`ten benchmark programs: median of ${RUNS} wall-clock seconds (tracesim in process; the others as processes; n/a: the program needs LuaJIT's bit library)`);
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
