// -jdump against real LuaJIT. The trace lines and the bytecode recorded into each trace are
// compared with fixtures/corpus/*.jdump (Debian's LuaJIT, `-jdump=+rsmT`), and the trace lines
// with every exit taken with fixtures/exits/*.texit (Debian's LuaJIT, `-jdump=tx`,
// scripts/record-exits.sh), all under --policy luajit-2022. Where LuaJIT crashed (NAME.status),
// its log must be a prefix of ours and tracesim must report the violation. The per-program tables are printed;
// the floors only ever go up. The register dump (X) is checked against the monitor's rule:
// at a guard exit rsp is rsp0 minus the trace's frame size.

import * as fs from 'fs';
import * as path from 'path';
import { RSP0 } from '@tracesim/machine';
import { createJdump, dumpString, parseJdumpFlags, ReplayInputError, type TracingJit } from '../src';
import { runWithJit } from './support/run-with-jit';

const ROOT = path.join(__dirname, '../../..');
const CORPUS = path.join(ROOT, 'fixtures/corpus');
const EXITS = path.join(ROOT, 'fixtures/exits');
const programs = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.lua')).sort();

function jdump(file: string, flags: string, options: { onViolation?: 'stop' | 'continue' } = {}): { lines: string[]; jit: TracingJit } {
  const lines: string[] = [];
  const observer = createJdump(parseJdumpFlags(flags), (l) => lines.push(l));
  const { jit } = runWithJit(path.join(CORPUS, file), { policy: 'luajit-2022', onViolation: options.onViolation, observer });
  return { lines, jit };
}

/**
 * Identical programs and a per-program table of matching/expected lines. A log that `crashed`
 * (LuaJIT died before the program ended) is identical when it is a prefix of ours.
 */
function agreement(expected: (name: string) => string[], actual: (file: string) => string[], crashed: (name: string) => boolean = () => false): { identical: number; table: string[] } {
  let identical = 0;
  const table = programs.map((file) => {
    const name = file.replace(/\.lua$/, '');
    const want = expected(name);
    const got = actual(file);
    const same = want.filter((line, i) => got[i] === line).length;
    const whole = same === want.length && (got.length === want.length || crashed(name));
    if (whole) identical++;
    return `${name.padEnd(20)} ${String(same).padStart(3)}/${want.length}${whole ? '  identical' : ''}`;
  });
  return { identical, table };
}

describe('flags', () => {
  test('no flags is dump.lua\'s default tbim; + adds, - removes, letters alone replace', () => {
    expect([...parseJdumpFlags('')].sort()).toEqual(['b', 'i', 'm', 't']);
    expect([...parseJdumpFlags('+rsX')].sort()).toEqual(['X', 'b', 'i', 'm', 'r', 's', 't']);
    expect([...parseJdumpFlags('-bm')].sort()).toEqual(['i', 't']);
    expect([...parseJdumpFlags('tx')].sort()).toEqual(['t', 'x']);
  });

  test('an unknown flag is an input error that names it and lists the flags', () => {
    expect(() => parseJdumpFlags('tq')).toThrow(ReplayInputError);
    expect(() => parseJdumpFlags('tq')).toThrow(/unknown flag 'q'; the flags are t, b, i, r, s, m, x, X/);
  });
});

/** Programs Debian's LuaJIT crashed on while recording fixtures/exits (NAME.status holds its exit status). */
const crashedInLuajit = (name: string): boolean => fs.existsSync(path.join(EXITS, `${name}.status`));

const TRACE_OR_BYTECODE = /^(---- TRACE \d+ (start|stop|abort)|\d{4} ( \.)* [A-Z]+ )/;

test('trace lines and recorded bytecode agree with Debian LuaJIT\'s -jdump (floor: 17 identical programs)', () => {
  const { identical, table } = agreement(
    (name) => fs.readFileSync(path.join(CORPUS, `${name}.jdump`), 'latin1').split('\n').filter((l) => TRACE_OR_BYTECODE.test(l)),
    (file) => jdump(file, 'tb', { onViolation: 'continue' }).lines.filter((l) => TRACE_OR_BYTECODE.test(l)),
    crashedInLuajit,
  );
  console.log([`-jdump=tb agreement with .jdump: ${identical}/${programs.length} programs identical`, ...table].join('\n'));
  expect(identical).toBeGreaterThanOrEqual(17);
});

test('trace lines and every exit taken agree with Debian LuaJIT\'s -jdump=tx (floor: 15 identical programs)', () => {
  const { identical, table } = agreement(
    (name) => fs.readFileSync(path.join(EXITS, `${name}.texit`), 'latin1').split('\n').filter((l) => l !== ''),
    (file) => {
      const { lines, jit } = jdump(file, 'tx', { onViolation: 'continue' });
      // Where LuaJIT crashed, tracesim must have caught the stack corruption behind the crash.
      if (crashedInLuajit(file.replace(/\.lua$/, ''))) expect({ file, violations: jit.violations.length > 0 }).toEqual({ file, violations: true });
      return lines.filter((l) => l.startsWith('---- TRACE'));
    },
    crashedInLuajit,
  );
  console.log([`-jdump=tx agreement with fixtures/exits: ${identical}/${programs.length} programs identical`, ...table].join('\n'));
  expect(identical).toBeGreaterThanOrEqual(15);
});

test('X: every exit shows 16 GPRs and 16 xmm values; rsp is rsp0 minus the exiting trace\'s frame size', () => {
  const { lines, jit } = jdump('while_collatz.lua', 'X');
  const exits = lines.flatMap((l, i) => (l.startsWith('---- TRACE') && l.includes(' exit ') ? [i] : []));
  expect(exits.length).toBeGreaterThan(10);
  for (const at of exits) {
    const trace = Number(/TRACE (\d+) exit/.exec(lines[at])![1]);
    const gprs = lines.slice(at + 1, at + 5).map((l) => l.trim().split(/\s+/));
    const xmms = lines.slice(at + 5, at + 9).map((l) => l.trim().split(/\s+/));
    expect(gprs.flat()).toHaveLength(16);
    gprs.flat().forEach((v) => expect(v).toMatch(/^[0-9a-f]{16}$/));
    xmms.flat().forEach((v) => expect(Number.isNaN(Number(v)) && v !== '+nan' && v !== '-nan').toBe(false));
    expect(BigInt('0x' + gprs[1][0])).toBe(BigInt(RSP0 - jit.frameSize(trace)!));
  }
});

test('i, r, s and m: IR with registers, SNAP lines and the machine code of each trace', () => {
  const plain = jdump('loop_sum.lua', 'i').lines;
  const full = jdump('loop_sum.lua', 'irsm').lines;
  expect(plain).toContain('---- TRACE 1 IR');
  expect(plain.some((l) => l.includes('SNAP'))).toBe(false);
  expect(full.some((l) => /^\.{4} +SNAP +#0 /.test(l))).toBe(true);
  expect(full.some((l) => /^0001 (xmm|r[a-z0-9]+|\[)/.test(l))).toBe(true);
  expect(full.some((l) => /^---- TRACE 1 mcode \d+$/.test(l))).toBe(true);
  expect(full.some((l) => /^[0-9a-f]{8}  mov dword \[r14-0xec8\], 0x1$/.test(l))).toBe(true);
});

/** The quoted string constants of the IR lines of a -jdump listing (dump.lua's formatk spellings). */
const irStrings = (lines: readonly string[]): Set<string> => new Set(lines.filter((l) => /^\d{4} /.test(l)).flatMap((l) => l.match(/"[^"]*"~?/g) ?? []));

test('string constants in the IR are spelled as dump.lua spells them, each one Debian LuaJIT\'s -jdump spells for the program', () => {
  let programsWithStrings = 0;
  for (const file of programs) {
    const theirs = irStrings(fs.readFileSync(path.join(CORPUS, file.replace(/\.lua$/, '.jdump')), 'latin1').split('\n'));
    const ours = irStrings(jdump(file, 'i').lines);
    if (ours.size > 0) programsWithStrings++;
    expect({ file, strings: [...ours].filter((s) => !theirs.has(s)) }).toEqual({ file, strings: [] });
  }
  expect(programsWithStrings).toBeGreaterThanOrEqual(5);
});

test('dump.lua\'s formatk for strings: control characters escaped, more than 20 characters cut with ~ (spellings from Debian LuaJIT)', () => {
  expect(dumpString('tab\there')).toBe('"tab\\there"');
  expect(dumpString('nl\n')).toBe('"nl\\n"');
  expect(dumpString('\u0001\u007f')).toBe('"\\001\\127"');
  expect(dumpString('a long string constant here')).toBe('"a long string consta"~');
  expect(dumpString('exactly twenty chars')).toBe('"exactly twenty chars"');
});
