// Agreement with real LuaJIT (issue 7): every corpus program runs with the JIT and its -jv lines
// are compared with the recorded logs — fixtures/corpus/*.head.jv (LuaJIT with the #1169 fix)
// under the default `fixed` policy and *.jv (Debian's 2.1.0-beta3) under `luajit-2022` —
// with compareJvLogs (same trace number, start line, parent/exit, link kind and target; same
// reason for aborts). The per-program table is printed; the floors below only ever go up.

import * as fs from 'fs';
import * as path from 'path';
import { compareJvLogs, parseJvLog, type LinkPolicy } from '../src';
import { runWithJit } from './support/run-with-jit';

const CORPUS = path.join(__dirname, '../../../fixtures/corpus');
const programs = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.lua')).sort();

function jvLines(file: string, policy: LinkPolicy): string {
  const lines: string[] = [];
  runWithJit(path.join(CORPUS, file), { policy, log: (l) => lines.push(l) });
  return lines.map((l) => l + '\n').join('');
}

/** Programs whose whole log agrees, with the per-program rows agreed/total. */
function agreement(suffix: string, policy: LinkPolicy): { identical: number; table: string[] } {
  let identical = 0;
  const table = programs.map((file) => {
    const name = file.replace(/\.lua$/, '');
    const expected = parseJvLog(fs.readFileSync(path.join(CORPUS, name + suffix), 'latin1'), name + suffix).traces.map((t) => t.entry);
    const actual = parseJvLog(jvLines(file, policy), 'tracesim').traces.map((t) => t.entry);
    const { summary } = compareJvLogs(expected, actual);
    if (summary.identical) identical++;
    return `${name.padEnd(18)} ${String(summary.agreed).padStart(3)}/${summary.total}${summary.identical ? '  identical' : ''}`;
  });
  return { identical, table };
}

test.each([
  ['.head.jv', 'fixed', 17],
  ['.jv', 'luajit-2022', 16],
] as const)('-jv agreement with %s under --policy %s (floor: %i identical programs)', (suffix, policy, floor) => {
  const { identical, table } = agreement(suffix, policy);
  console.log(`-jv agreement with ${suffix} (policy ${policy}): ${identical}/${programs.length} programs identical\n${table.join('\n')}`);
  expect(identical).toBeGreaterThanOrEqual(floor);
});
