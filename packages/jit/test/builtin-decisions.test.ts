// Which builtins are recorded and which stitch, against real LuaJIT: one program per builtin
// (fixtures/decisions/builtins/, made and recorded by scripts/record-builtin-decisions.sh from
// builtins.txt) calls it in a hot loop. Under `--policy luajit-2022` the -jv log must equal
// Debian LuaJIT 2.1.0-beta3's, except for the builtins listed below, which LuaJIT records and
// tracesim still stitches (each must still differ, so the list cannot go stale); and with the
// JIT on, every program prints what `luajit -joff` printed.

import * as fs from 'fs';
import * as path from 'path';
import { LuaInterpreter, compileLua } from '@tracesim/lua';
import { compareJvLogs, parseJvLog, TracingJit } from '../src';

const DIR = path.join(__dirname, '../../../fixtures/decisions/builtins');
const programs = fs.readdirSync(DIR).filter((f) => f.endsWith('.lua')).sort();

/** Builtins LuaJIT records that tracesim stitches (or aborts on), with the reason. */
const NOT_YET_RECORDED: Readonly<Record<string, string>> = {
  ff_pcall: 'recff_xpcall records the callee as an inlined frame',
  ff_table_remove: 'the removed value\'s type is only known after the table has changed',
};

function run(file: string) {
  const lines: string[] = [];
  let output = '';
  const jit = new TracingJit({ policy: 'luajit-2022', log: (l) => lines.push(l) });
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: true, hooks: jit.hooks });
  jit.attach(vm);
  vm.run(compileLua(fs.readFileSync(path.join(DIR, file), 'latin1'), file));
  const name = file.replace(/\.lua$/, '');
  const expected = parseJvLog(fs.readFileSync(path.join(DIR, `${name}.jv`), 'latin1'), `${name}.jv`).traces.map((t) => t.entry);
  const actual = parseJvLog(lines.map((l) => l + '\n').join(''), 'tracesim').traces.map((t) => t.entry);
  return { name, output, comparison: compareJvLogs(expected, actual) };
}

test('there is a program for every line of builtins.txt', () => {
  const listed = fs.readFileSync(path.join(DIR, 'builtins.txt'), 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  expect(programs).toHaveLength(listed.length);
  expect(programs.length).toBeGreaterThanOrEqual(70);
});

test.each(programs)('%s: the -jv log is LuaJIT 2.1.0-beta3\'s and the output is luajit -joff\'s', (file) => {
  const { name, output, comparison } = run(file);
  expect(output).toBe(fs.readFileSync(path.join(DIR, `${name}.out`), 'latin1'));
  if (NOT_YET_RECORDED[name]) expect(comparison.summary.identical).toBe(false);
  else expect([file, comparison.rows.filter((r) => r.status !== 'agree')]).toEqual([file, []]);
});
