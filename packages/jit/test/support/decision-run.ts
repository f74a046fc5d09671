// Runs a decision program (fixtures/decisions/…/NAME.lua) under `--policy luajit-2022` and
// compares its -jv log with the one Debian's LuaJIT recorded beside it (NAME.jv).
import * as fs from 'fs';
import * as path from 'path';
import { LuaInterpreter, compileLua } from '@tracesim/lua';
import { compareJvLogs, parseJvLog, TracingJit } from '../../src';

export function runDecisionProgram(dir: string, file: string) {
  const lines: string[] = [];
  let output = '';
  const jit = new TracingJit({ policy: 'luajit-2022', log: (l) => lines.push(l) });
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: true, hooks: jit.hooks });
  jit.attach(vm);
  vm.run(compileLua(fs.readFileSync(path.join(dir, file), 'latin1'), file));
  const name = file.replace(/\.lua$/, '');
  const expected = parseJvLog(fs.readFileSync(path.join(dir, `${name}.jv`), 'latin1'), `${name}.jv`).traces.map((t) => t.entry);
  const actual = parseJvLog(lines.map((l) => l + '\n').join(''), 'tracesim').traces.map((t) => t.entry);
  return { name, output, comparison: compareJvLogs(expected, actual) };
}
