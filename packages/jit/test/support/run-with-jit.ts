// Runs a Lua program under a TracingJit for the JIT tests: the program's output, and the
// monitor's JitViolation if it stopped the run (as it does #1169 under luajit-2022, where real
// LuaJIT segfaults) instead of a thrown error.
import * as fs from 'fs';
import * as path from 'path';
import { LuaInterpreter, compileLua } from '@tracesim/lua';
import { JitViolation, TracingJit, type TracingJitOptions } from '../../src';

export function runWithJit(file: string, options: TracingJitOptions): { jit: TracingJit; output: string; violation?: JitViolation } {
  let output = '';
  const jit = new TracingJit(options);
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: true, hooks: jit.hooks, maxInstructions: 5e7 });
  jit.attach(vm);
  try {
    vm.run(compileLua(fs.readFileSync(file, 'latin1'), path.basename(file)));
  } catch (e) {
    if (!(e instanceof JitViolation)) throw e;
    return { jit, output, violation: e };
  }
  return { jit, output };
}
