// The whole corpus with the tracing JIT on (LuaJIT's default parameters), the median of 15
// passes over the 17 programs after 20 warm-up passes (V8 is still tiering tracesim's own
// code up for the first 15 or so: a pass's compile time falls from about 250 ms to 40 ms): the wall time of a pass (interpreting,
// compiling and running traces), the traces compiled, and traces compiled per second of
// compile time (recording, optimising, allocating, encoding and patching: the JIT's
// compileClock), with the process start and the program's own running left out. Needs
// `tsc -b` first (reads dist/).
const fs = require('fs');
const path = require('path');
const { compileLua, LuaInterpreter } = require('../../lua/dist/index.js');
const { TracingJit } = require('../dist/index.js');

const corpus = path.join(__dirname, '../../../fixtures/corpus');
const programs = fs.readdirSync(corpus).filter((f) => f.endsWith('.lua')).sort();
const sources = programs.map((f) => [f, fs.readFileSync(path.join(corpus, f), 'latin1')]);
const PASSES = 15;
const WARMUP = 20;

function pass() {
  let traces = 0;
  let compile = 0;
  const start = process.hrtime.bigint();
  for (const [name, source] of sources) {
    const jit = new TracingJit();
    const vm = new LuaInterpreter({ output: () => {}, jit: true, hooks: jit.hooks });
    jit.attach(vm);
    vm.run(compileLua(source, name));
    traces += jit.traces.length;
    compile += jit.compileClock.seconds;
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, traces, compile };
}

// Warm-up passes first, so V8 has compiled tracesim's own hot code (node start-up, not trace compiling).
const warmups = Array.from({ length: WARMUP }, pass);
const runs = Array.from({ length: PASSES }, pass);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(PASSES / 2)];
const wall = median(runs.map((r) => r.seconds));
const compile = median(runs.map((r) => r.compile));
const traces = runs[0].traces;
console.log(`corpus with the JIT on: ${programs.length} programs, ${traces} traces compiled`);
console.log(`median of ${PASSES}: ${wall.toFixed(3)} s wall per pass, ${compile.toFixed(3)} s of it compiling traces`);
console.log(`cold: the first pass compiled at ${(traces / warmups[0].compile).toFixed(0)} traces/s`);
console.log(`compile rate: ${(traces / compile).toFixed(0)} traces/s (record, optimise, allocate, encode, patch); wall rate ${(traces / wall).toFixed(1)} traces/s`);
