// LuaJIT #1169 from Lua source. fixtures/corpus/issue1169_num17.lua (17 live numbers),
// fixtures/lj-1169-repro.lua (the reference reproducer itself, 13 live int64_t cdata) and
// fixtures/lj-1169-repro-num.lua (the same with its ffi locals as numbers) and
// fixtures/lj-1169-repro-cat3.lua (17 live strings, each from a three-operand concatenation):
// - under --policy luajit-2022 the JIT builds Debian LuaJIT's graph: side trace 5 (4/0)
//   stopping with down-recursion, then the DOWNREC restart as trace 6 (rows compared with the
//   recorded .jv), and the monitor stops the run at 5's first self-link: a side-entry
//   violation whose drift is trace 4's frame;
// - under the default (fixed) policy trace 5 stitches as LuaJIT head's does, no violation
//   occurs and the program prints what lua5.1 / LuaJIT head print.

import * as fs from 'fs';
import * as path from 'path';
import { compareJvLogs, parseJvLog, type LinkPolicy } from '../src';
import { runWithJit } from './support/run-with-jit';

const FIXTURES = path.join(__dirname, '../../../fixtures');

function run(file: string, policy: LinkPolicy, onViolation: 'stop' | 'continue' = 'stop') {
  const lines: string[] = [];
  const { jit, output, violation } = runWithJit(path.join(FIXTURES, file), { policy, onViolation, log: (l) => lines.push(l) });
  const log = parseJvLog(lines.map((l) => l + '\n').join(''), 'tracesim').traces.map((t) => t.entry);
  return { jit, output, violation, log };
}

describe.each(['corpus/issue1169_num17.lua', 'lj-1169-repro.lua', 'lj-1169-repro-num.lua', 'lj-1169-repro-cat3.lua'])('%s', (file) => {
  test('luajit-2022: side trace 5 (4/0) down-recurses and the monitor reports the drift of trace 4\'s frame', () => {
    const { jit, violation, log } = run(file, 'luajit-2022');
    const five = log.find((e) => e.kind === 'trace' && e.trace === 5);
    expect(five).toMatchObject({ origin: { parent: 4, exit: 0 }, link: { kind: 'down-recursion' } });
    expect(violation).toBeDefined();
    const v = violation!.violation;
    const parentFrame = jit.frameSize(4);
    expect(parentFrame).toBeGreaterThanOrEqual(0x40);
    expect(v).toMatchObject({ kind: 'side-entry', trace: 5, delta: parentFrame });
    expect(v.explanation).toContain('links to itself');
  });

  test('fixed: trace 5 stitches, no violation, the program output is right', () => {
    const { output, violation, log } = run(file, 'fixed');
    expect(violation).toBeUndefined();
    expect(log.find((e) => e.kind === 'trace' && e.trace === 5)).toMatchObject({ origin: { parent: 4, exit: 0 }, link: { kind: 'stitch' } });
    const recordedOutput = path.join(FIXTURES, file.replace(/\.lua$/, '.out'));
    const expected = fs.existsSync(recordedOutput) ? fs.readFileSync(recordedOutput, 'latin1') : 'ok\n';
    expect(output).toBe(expected);
  });
});

test('issue1169_num17 under luajit-2022 agrees with Debian LuaJIT\'s log up to where the monitor stops the run', () => {
  const { log } = run('corpus/issue1169_num17.lua', 'luajit-2022');
  const expected = parseJvLog(fs.readFileSync(path.join(FIXTURES, 'corpus/issue1169_num17.jv'), 'latin1'), 'issue1169_num17.jv').traces.map((t) => t.entry);
  // Everything up to the run's stop: traces 1-5, the DOWNREC restart abort and trace 6.
  expect(log).toHaveLength(7);
  const { rows } = compareJvLogs(expected.slice(0, 7), log);
  expect(rows.map((r) => (r.status === 'differ' ? r.fields : r.status))).toEqual(Array(7).fill('agree'));
});

describe('the ffi reproducer lj-1169-repro.lua', () => {
  const recorded = (file: string) => parseJvLog(fs.readFileSync(path.join(FIXTURES, file), 'latin1'), file).traces.map((t) => t.entry);

  test('luajit-2022 agrees with Debian LuaJIT\'s log (scripts/record-repro-jv.sh) up to where the monitor stops the run', () => {
    const { log } = run('lj-1169-repro.lua', 'luajit-2022');
    const expected = recorded('lj-1169-repro.jv');
    // Debian goes on to trace 7 and segfaults; the monitor stops the run at trace 5's self-link.
    expect(log).toHaveLength(7);
    const { rows } = compareJvLogs(expected.slice(0, 7), log);
    expect(rows.map((r) => (r.status === 'differ' ? r.fields : r.status))).toEqual(Array(7).fill('agree'));
  });

  test('fixed agrees with LuaJIT head\'s log (the reference\'s section 7.2) line for line', () => {
    const { log, output } = run('lj-1169-repro.lua', 'fixed');
    const expected = recorded('lj-1169-repro.head.jv');
    expect(log).toHaveLength(expected.length);
    const { rows } = compareJvLogs(expected, log);
    expect(rows.map((r) => (r.status === 'differ' ? r.fields : r.status))).toEqual(Array(expected.length).fill('agree'));
    expect(output).toBe('ok\n');
  });
});

test('lj-1169-repro-cat3 under luajit-2022, run on past each violation, gives Debian LuaJIT\'s whole log (scripts/record-repro-jv.sh)', () => {
  // Its CATs of three slots record as BUFHDR, BUFPUT and BUFSTR, so the traces carrying the bug form.
  const { log } = run('lj-1169-repro-cat3.lua', 'luajit-2022', 'continue');
  const expected = parseJvLog(fs.readFileSync(path.join(FIXTURES, 'lj-1169-repro-cat3.jv'), 'latin1'), 'lj-1169-repro-cat3.jv').traces.map((t) => t.entry);
  expect(expected).toHaveLength(11);
  expect(log).toHaveLength(expected.length);
  const { rows } = compareJvLogs(expected, log);
  expect(rows.map((r) => (r.status === 'differ' ? r.fields : r.status))).toEqual(Array(expected.length).fill('agree'));
});
