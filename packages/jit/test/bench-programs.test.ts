// The ten benchmark programs (fixtures/bench, written for tracesim) run with the tracing JIT at
// their test sizes (fixtures/bench/sizes.txt) and print exactly what Debian's LuaJIT prints
// with its JIT on (fixtures/bench/expected, recorded by scripts/record-bench.sh). Each must
// also compile traces, so the comparison is of JIT-compiled code, not of the interpreter.
import * as fs from 'fs';
import * as path from 'path';
import { LuaInterpreter, compileLua } from '@tracesim/lua';
import { TracingJit } from '../src';

const BENCH = path.join(__dirname, '../../../fixtures/bench');
const sizes = fs.readFileSync(path.join(BENCH, 'sizes.txt'), 'latin1').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.trim().split(/\s+/) as [string, string, string]);

test('there are the ten benchmark programs', () => {
  expect(sizes.map(([name]) => name).sort()).toEqual(['binary-trees', 'fannkuch', 'fasta', 'life', 'mandelbrot', 'md5', 'nbody', 'nsieve', 'recursive-fib', 'spectral-norm']);
});

test.each(sizes)('%s %s prints what luajit prints, JIT on', (name, size) => {
  let output = '';
  const jit = new TracingJit();
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: true, hooks: jit.hooks, maxInstructions: 2e8 });
  jit.attach(vm);
  const file = `${name}.lua`;
  vm.run(compileLua(fs.readFileSync(path.join(BENCH, file), 'latin1'), file), vm.setScriptArguments(file, [size]));
  expect(output).toBe(fs.readFileSync(path.join(BENCH, 'expected', `${name}.out`), 'latin1'));
  expect(jit.traces.length).toBeGreaterThan(0);
});
