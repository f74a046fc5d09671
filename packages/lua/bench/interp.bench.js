// Interpreter speed: bytecodes executed per second on a loop-heavy corpus program
// (nested_loops.lua, JIT off), the median of 7 samples. Each sample re-runs the compiled
// program on fresh interpreters until at least 0.5 s of execution have passed; only
// run() is timed (not compiling or setting up memory). Needs `tsc -b` first (reads dist/).
const fs = require('fs');
const path = require('path');
const { compileLua, LuaInterpreter } = require('../dist/index.js');

const program = 'nested_loops.lua';
const source = fs.readFileSync(path.join(__dirname, '../../../fixtures/corpus', program), 'latin1');
const SAMPLES = 7;

function sample() {
  let executed = 0;
  let elapsed = 0;
  while (elapsed < 0.5) {
    const main = compileLua(source, program);
    const vm = new LuaInterpreter({ output: () => {} });
    const start = process.hrtime.bigint();
    vm.run(main);
    elapsed += Number(process.hrtime.bigint() - start) / 1e9;
    executed += vm.executed;
  }
  return executed / elapsed;
}

sample();
const rates = [];
for (let i = 0; i < SAMPLES; i++) rates.push(sample());
rates.sort((a, b) => a - b);
const median = rates[Math.floor(SAMPLES / 2)];
console.log(`lua interpreter (${program}, jit off): ${(median / 1e6).toFixed(2)} M bytecodes/s (median of ${SAMPLES}; min ${(rates[0] / 1e6).toFixed(2)}, max ${(rates[SAMPLES - 1] / 1e6).toFixed(2)})`);
