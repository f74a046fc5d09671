// Agreement with real LuaJIT (issue 7): every corpus program runs with the JIT and its -jv lines
// are compared with the recorded logs — fixtures/corpus/*.head.jv (LuaJIT with the #1169 fix)
// under the default `fixed` policy and *.jv (Debian's 2.1.0-beta3) under `luajit-2022` —
// with compareJvLogs (same trace number, start line, parent/exit, link kind and target; same
// reason for aborts). Where Debian's LuaJIT crashed (fixtures/exits/NAME.status, kept by
// scripts/record-exits.sh), its log is compared up to the crash: the run goes on past the
// monitor's violation, which it must report, and the rows past the end of LuaJIT's log are not
// counted against it. The per-program table is printed; the floors below only ever go up.

import * as fs from 'fs';
import * as path from 'path';
import { compareJvLogs, parseJvLog, type LinkPolicy } from '../src';
import { runWithJit } from './support/run-with-jit';

const CORPUS = path.join(__dirname, '../../../fixtures/corpus');
const programs = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.lua')).sort();

const EXITS = path.join(__dirname, '../../../fixtures/exits');

function jvLines(file: string, policy: LinkPolicy, crashed: boolean): string {
  const lines: string[] = [];
  const { jit } = runWithJit(path.join(CORPUS, file), { policy, log: (l) => lines.push(l), ...(crashed ? { onViolation: 'continue' as const } : {}) });
  // Where LuaJIT crashed, tracesim must have caught the stack corruption behind the crash.
  if (crashed) expect({ file, violations: jit.violations.length > 0 }).toEqual({ file, violations: true });
  return lines.map((l) => l + '\n').join('');
}

/** Programs whose whole log agrees, with the per-program rows agreed/total. */
function agreement(suffix: string, policy: LinkPolicy): { identical: number; table: string[] } {
  let identical = 0;
  const table = programs.map((file) => {
    const name = file.replace(/\.lua$/, '');
    const expected = parseJvLog(fs.readFileSync(path.join(CORPUS, name + suffix), 'latin1'), name + suffix).traces.map((t) => t.entry);
    const crashed = suffix === '.jv' && fs.existsSync(path.join(EXITS, `${name}.status`));
    const actual = parseJvLog(jvLines(file, policy, crashed), 'tracesim').traces.map((t) => t.entry);
    const { rows } = compareJvLogs(expected, actual);
    const counted = crashed ? rows.filter((r) => r.status !== 'extra') : rows;
    const agreed = counted.filter((r) => r.status === 'agree').length;
    const whole = agreed === counted.length && counted.length === expected.length;
    if (whole) identical++;
    return `${name.padEnd(18)} ${String(agreed).padStart(3)}/${counted.length}${whole ? '  identical' : ''}${crashed ? '  (LuaJIT crashed here)' : ''}`;
  });
  return { identical, table };
}

test.each([
  ['.head.jv', 'fixed', 17],
  ['.jv', 'luajit-2022', 17],
] as const)('-jv agreement with %s under --policy %s (floor: %i identical programs)', (suffix, policy, floor) => {
  const { identical, table } = agreement(suffix, policy);
  console.log(`-jv agreement with ${suffix} (policy ${policy}): ${identical}/${programs.length} programs identical\n${table.join('\n')}`);
  expect(identical).toBeGreaterThanOrEqual(floor);
});
