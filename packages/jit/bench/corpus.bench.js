// The whole corpus with the tracing JIT on (LuaJIT's default parameters): total wall time of
// one pass over the 17 programs (compile, record, assemble, run), the traces compiled and the
// traces compiled per second; the median of 5 passes. Needs `tsc -b` first (reads dist/).
const fs = require('fs');
const path = require('path');
const { compileLua, LuaInterpreter } = require('../../lua/dist/index.js');
const { TracingJit } = require('../dist/index.js');

const corpus = path.join(__dirname, '../../../fixtures/corpus');
const programs = fs.readdirSync(corpus).filter((f) => f.endsWith('.lua')).sort();
const sources = programs.map((f) => [f, fs.readFileSync(path.join(corpus, f), 'latin1')]);
const PASSES = 5;

function pass() {
  let traces = 0;
  const start = process.hrtime.bigint();
  for (const [name, source] of sources) {
    const jit = new TracingJit();
    const vm = new LuaInterpreter({ output: () => {}, jit: true, hooks: jit.hooks });
    jit.attach(vm);
    vm.run(compileLua(source, name));
    traces += jit.traces.length;
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, traces };
}

pass();
const runs = Array.from({ length: PASSES }, pass).sort((a, b) => a.seconds - b.seconds);
const median = runs[Math.floor(PASSES / 2)];
console.log(`corpus with the JIT on: ${programs.length} programs, ${median.traces} traces compiled`);
console.log(`median of ${PASSES}: ${median.seconds.toFixed(3)} s per pass, ${(median.traces / median.seconds).toFixed(1)} traces/s`);
