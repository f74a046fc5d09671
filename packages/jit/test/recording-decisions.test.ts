// Recording decisions against real LuaJIT: one small program per link kind (loop, -> N,
// up-recursion, tail-recursion, down-recursion after a DOWNREC restart, return, stitch, the
// interpreter stub of maxside, math and string builtins recorded rather than stitched) and
// per abort reason the subset reaches (NYI bytecode, leaving loop in root trace, trace too
// long, a side trace aborting until tryside gives up, persistent type instability), each with the -jv log Debian's LuaJIT
// 2.1.0-beta3 printed (fixtures/decisions/*.jv, scripts/record-decisions.sh). Run under
// `--policy luajit-2022`, every trace and abort line must agree.

import * as fs from 'fs';
import * as path from 'path';
import { runDecisionProgram } from './support/decision-run';

const DIR = path.join(__dirname, '../../../fixtures/decisions');
const programs = fs.readdirSync(DIR).filter((f) => f.endsWith('.lua')).sort();

test('there is a program for every link kind and abort reason the recorder decides', () => {
  expect(programs.map((f) => f.replace(/\.lua$/, ''))).toEqual(expect.arrayContaining([
    'link_loop', 'link_root', 'link_up_recursion', 'link_tail_recursion', 'link_down_recursion', 'link_return', 'link_stitch',
    'link_interpreter', 'record_math_builtins', 'record_string_builtins', 'abort_nyi_bytecode', 'abort_leave_loop', 'abort_trace_too_long', 'abort_side_tryside', 'abort_type_instability',
  ]));
});

test.each(programs)('%s: the -jv log agrees with LuaJIT 2.1.0-beta3', (file) => {
  const { output, comparison } = runDecisionProgram(DIR, file);
  expect([file, comparison.rows.filter((r) => r.status !== 'agree')]).toEqual([file, []]);
  expect(comparison.summary.identical).toBe(true);
  expect(output.length).toBeGreaterThan(0);
});
