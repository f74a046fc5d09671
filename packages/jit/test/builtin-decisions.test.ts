// Which builtins are recorded and which stitch, against real LuaJIT: one program per builtin
// (fixtures/decisions/builtins/, made and recorded by scripts/record-builtin-decisions.sh from
// builtins.txt) calls it in a hot loop. Under `--policy luajit-2022` the -jv log must equal
// Debian LuaJIT 2.1.0-beta3's, except for the builtins listed below, which LuaJIT records and
// tracesim still stitches (each must still differ, so the list cannot go stale); and with the
// JIT on, every program prints what `luajit -joff` printed.

import * as fs from 'fs';
import * as path from 'path';
import { runDecisionProgram } from './support/decision-run';

const DIR = path.join(__dirname, '../../../fixtures/decisions/builtins');
const programs = fs.readdirSync(DIR).filter((f) => f.endsWith('.lua')).sort();

/** Builtins LuaJIT records that tracesim stitches (or aborts on), with the reason. */
const NOT_YET_RECORDED: Readonly<Record<string, string>> = {
};

test('there is a program for every line of builtins.txt', () => {
  const listed = fs.readFileSync(path.join(DIR, 'builtins.txt'), 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  expect(programs).toHaveLength(listed.length);
  expect(programs.length).toBeGreaterThanOrEqual(70);
});

test.each(programs)('%s: the -jv log is LuaJIT 2.1.0-beta3\'s and the output is luajit -joff\'s', (file) => {
  const { name, output, comparison } = runDecisionProgram(DIR, file);
  expect(output).toBe(fs.readFileSync(path.join(DIR, `${name}.out`), 'latin1'));
  if (NOT_YET_RECORDED[name]) expect(comparison.summary.identical).toBe(false);
  else expect([file, comparison.rows.filter((r) => r.status !== 'agree')]).toEqual([file, []]);
});
