// The -jv log model against the recorded LuaJIT logs (fixtures/corpus/*.jv, *.head.jv): every
// file must parse and print back byte for byte, and the parsed shapes must match what the
// corpus README's program table says about each log (counts of traces and aborts, link kinds).
// The agreement metric is checked against the differences reference §7 describes between the
// Debian and head logs of the #1169 program, against raw line equality on every corpus pair,
// and field by field on hand-made variations. Malformed lines must give located errors.

import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { compareJvLogs, formatJvLine, JvLogError, parseJvLine, parseJvLog, type JvEntry, type JvField } from '../src';

const CORPUS = join(__dirname, '../../../fixtures/corpus');
const read = (name: string): string => readFileSync(join(CORPUS, name), 'utf8');
const LOGS = readdirSync(CORPUS).filter((f) => f.endsWith('.jv')).sort();
const PROGRAMS = LOGS.filter((f) => !f.endsWith('.head.jv')).map((f) => f.slice(0, -'.jv'.length));
const entries = (name: string): JvEntry[] => parseJvLog(read(name), name).traces.map((t) => t.entry);

describe('corpus logs round-trip', () => {
  test('the corpus has a Debian and a head log for each of its 17 programs', () => {
    expect(PROGRAMS.length).toBe(17);
    expect(LOGS.length).toBe(34);
  });

  test.each(LOGS)('%s: every line is a trace line and prints back byte-identical', (name) => {
    const text = read(name);
    const log = parseJvLog(text, name);
    // The README: X.jv is `grep '^\[TRACE'` of the stderr, so every line is a trace line.
    expect(log.other).toEqual([]);
    expect(log.traces.map((t) => t.line)).toEqual(text.trimEnd().split('\n').map((_, i) => i + 1));
    expect(log.traces.map((t) => formatJvLine(t.entry) + '\n').join('')).toBe(text);
    for (const [i, line] of text.trimEnd().split('\n').entries()) {
      expect(formatJvLine(parseJvLine(line, `${name}:${i + 1}`))).toBe(line);
    }
  });
});

// The corpus README's program table, column by column: the link kinds (first appearance order),
// "traces / aborts" of the Debian log, and the head column ("same" or "differs (...)").
interface ReadmeRow {
  kinds: string[];
  counts: string;
  head: { kinds: string[]; counts: string };
}

// `a, abort(b, c), d` -> `a`, `abort(b, c)`, `d`.
const splitKinds = (cell: string): string[] => cell.split(/, (?![^(]*\))/);

function readmeTable(): Map<string, ReadmeRow> {
  const rows = new Map<string, ReadmeRow>();
  for (const line of read('README.md').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const program = /^`(\w+)`$/.exec(cells[1] ?? '');
    if (!program || cells.length < 8) continue;
    const kinds = splitKinds(cells[3]);
    const counts = cells[4];
    const differs = /^differs \((same kinds, )?(\d+ \/ \d+)\)(?:: (.*))?$/.exec(cells[5]);
    if (cells[5] === 'same') rows.set(program[1], { kinds, counts, head: { kinds, counts } });
    else if (differs) rows.set(program[1], { kinds, counts, head: { kinds: differs[1] ? kinds : splitKinds(differs[3]), counts: differs[2] } });
    else throw new Error(`README row for ${program[1]}: unexpected head column '${cells[5]}'`);
  }
  return rows;
}

// The README's words for a line: `root loop`, `side -> N`, `stitched-cont -> N`, `abort(reason)`.
function readmeKind(e: JvEntry): string {
  if (e.kind === 'flush') return 'flush';
  if (e.kind === 'abort') return `abort(${e.reason})`;
  const who = e.origin === null ? 'root' : e.origin.exit === 'stitch' ? 'stitched-cont' : 'side';
  const link = e.link.kind === 'root' ? '-> N' : e.link.kind;
  return `${who} ${link}`;
}

const shape = (log: JvEntry[]): { kinds: string[]; counts: string } => ({
  kinds: [...new Set(log.map(readmeKind))],
  counts: `${log.filter((e) => e.kind === 'trace').length} / ${log.filter((e) => e.kind === 'abort').length}`,
});

describe('parsed fields match the corpus README', () => {
  const table = readmeTable();

  test('the README describes every program', () => {
    expect([...table.keys()].sort()).toEqual(PROGRAMS);
  });

  test.each(PROGRAMS)('%s: link kinds and trace/abort counts of the Debian and head logs', (program) => {
    const row = table.get(program)!;
    expect(shape(entries(`${program}.jv`))).toEqual({ kinds: row.kinds, counts: row.counts });
    expect(shape(entries(`${program}.head.jv`))).toEqual(row.head);
  });

  test('an abort splits into reason and the location v.lua appends (reference §7.1)', () => {
    const abort = entries('issue1169_num17.jv')[5];
    expect(abort).toEqual({
      kind: 'abort',
      origin: { parent: 4, exit: 'stitch' },
      start: { file: 'issue1169_num17.lua', line: 10 },
      reason: 'down-recursion, restarting',
      at: { file: 'issue1169_num17.lua', line: 7 },
    });
  });
});

describe('lines outside the corpus', () => {
  // Lines quoted in the reference (§5 example C and the samples after it) and the brief.
  test.each([
    ['[TRACE   3 (2/1) f.lua:21 stitch math.modf]', { kind: 'stitch', target: 'math.modf' }],
    ['[TRACE   7 (5/stitch) f.lua:27 -> 6]', { kind: 'root', target: 6 }],
    ['[TRACE   2 f.lua:19 up-recursion]', { kind: 'up-recursion', target: null }],
    ['[TRACE  10 links.lua:5 tail-recursion]', { kind: 'tail-recursion', target: null }],
    ['[TRACE   3 (2/1) interp.lua:4 -- fallback to interpreter]', { kind: 'interpreter', target: null }],
    ['[TRACE   4 (2/2) rec.lua:1 -> 1 down-recursion]', { kind: 'down-recursion', target: 1 }],
    ['[TRACE 1234 big.lua:1 loop]', { kind: 'loop', target: null }],
  ])('%s', (line, link) => {
    const e = parseJvLine(line, 'x:1');
    expect(e.kind === 'trace' && e.link).toEqual(link);
    expect(formatJvLine(e)).toBe(line);
  });

  test.each([
    ['[TRACE --- (4/stitch) f.lua:15 -- down-recursion, restarting at f.lua:10]', 'down-recursion, restarting', { file: 'f.lua', line: 10 }],
    ['[TRACE --- f.lua:5 -- NYI: bytecode 51 at f.lua:6]', 'NYI: bytecode 51', { file: 'f.lua', line: 6 }],
    ['[TRACE --- f.lua:5 -- leaving loop in root trace at f.lua:7]', 'leaving loop in root trace', { file: 'f.lua', line: 7 }],
    ['[TRACE --- abort.lua:2 -- NYI: bytecode 51]', 'NYI: bytecode 51', null],
    ['[TRACE --- f.lua:2 -- NYI: bytecode FNEW   at f.lua:3]', 'NYI: bytecode FNEW  ', { file: 'f.lua', line: 3 }],
    ['[TRACE --- f.lua:2 -- NYI: unsupported variant of FastFunc math.modf at math.modf]', 'NYI: unsupported variant of FastFunc math.modf at math.modf', null],
  ])('%s', (line, reason, at) => {
    const e = parseJvLine(line, 'x:1');
    expect(e.kind === 'abort' && [e.reason, e.at]).toEqual([reason, at]);
    expect(formatJvLine(e)).toBe(line);
  });

  test('[TRACE flush]', () => {
    expect(parseJvLine('[TRACE flush]', 'x:1')).toEqual({ kind: 'flush' });
    expect(formatJvLine({ kind: 'flush' })).toBe('[TRACE flush]');
  });

  test('interleaved program output is kept apart, with line numbers', () => {
    const log = parseJvLog('hello\n[TRACE   1 f.lua:3 loop]\n5050\n\n[TRACE   2 (1/1) f.lua:4 -> 1]\n', 'f.jv');
    expect(log.other).toEqual([{ line: 1, text: 'hello' }, { line: 3, text: '5050' }, { line: 4, text: '' }]);
    expect(log.traces.map((t) => [t.line, t.entry.kind === 'trace' && t.entry.trace])).toEqual([[2, 1], [5, 2]]);
  });
});

// Random entries: formatting then parsing gives the entry back.
const location = fc.record({ file: fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}\.lua$/), line: fc.integer({ min: 0, max: 99999 }) });
const origin = fc.option(fc.record({ parent: fc.integer({ min: 1, max: 9999 }), exit: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constant('stitch' as const)) }), { nil: null });
const num = fc.integer({ min: 1, max: 99999 });
const link = fc.oneof(
  fc.record({ kind: fc.constant('root' as const), target: num }),
  fc.record({ kind: fc.constant('stitch' as const), target: fc.constantFrom('math.modf', 'print', 'os.clock', 'C:7f3a12', '(?)') }),
  fc.record({ kind: fc.constant('interpreter' as const), target: fc.constant(null) }),
  fc.record({ kind: fc.constantFrom('loop' as const, 'tail-recursion' as const, 'up-recursion' as const, 'down-recursion' as const, 'return' as const), target: fc.option(num, { nil: null }) }),
);
const reason = fc.constantFrom('NYI: bytecode 51', 'NYI: bytecode FNEW  ', 'down-recursion, restarting', 'leaving loop in root trace', 'inner loop in root trace', 'loop unroll limit reached', 'call unroll limit reached', 'trace too long', 'NYI: return to lower frame');
const entry: fc.Arbitrary<JvEntry> = fc.oneof(
  fc.record({ kind: fc.constant('trace' as const), trace: num, origin, start: location, link }),
  fc.record({ kind: fc.constant('abort' as const), origin, start: location, reason, at: fc.option(location, { nil: null }) }),
  fc.constant({ kind: 'flush' as const }),
);

test('property: parseJvLine(formatJvLine(e)) equals e', () => {
  fc.assert(fc.property(entry, (e) => expect(parseJvLine(formatJvLine(e), 'gen:1')).toEqual(e)), { seed: 1169, numRuns: 2000 });
});

describe('malformed lines give located errors', () => {
  // Columns counted by hand from the line text.
  test.each([
    ['TRACE 1', 1, 'not a -jv trace line'],
    ['[TRACE   1 loop.lua:3 loop', 27, "expected ']'"],
    ['[TRACE   1 f.lua:3 loop]x', 26, "expected ']'"],
    ['[TRACE 1 loop.lua:3 loop]', 8, "exact format: v.lua prints this line as '[TRACE   1 loop.lua:3 loop]'"],
    ['[TRACE   x f.lua:3 loop]', 8, "expected a trace number or '---'"],
    ['[TRACE   1 (2/x) f.lua:3 -> 1]', 12, "expected '(parent/exit) '"],
    ['[TRACE   1 (2/1)f.lua:3 -> 1]', 12, "expected '(parent/exit) '"],
    ['[TRACE   1 f.lua loop]', 12, "expected the start location 'file:line'"],
    ['[TRACE   1 loop.lua:3 lop]', 23, "unknown link 'lop'"],
    ['[TRACE   2 (1/5) f.lua:5 -> x]', 26, "unknown link '-> x'"],
    ['[TRACE   2 (1/5) f.lua:5 -> 3 root]', 26, "unknown link '-> 3 root'"],
    ['[TRACE   1 f.lua:03 loop]', 18, 'exact format'],
    ['[TRACE   1 f.lua:3  loop]', 20, "unknown link ' loop'"],
    ['[TRACE --- f.lua:5 NYI]', 12, "followed by ' -- '"],
    ['[TRACE --- f.lua:5 -- ]', 23, 'expected the abort reason'],
  ])('%s', (line, col, message) => {
    let error: unknown;
    try {
      parseJvLine(line, 'bad.jv:4');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JvLogError);
    expect((error as JvLogError).location).toBe(`bad.jv:4:${col}`);
    expect((error as JvLogError).message).toContain(message);
  });

  test('parseJvLog locates the bad line in its file', () => {
    const text = '1\n[TRACE   1 f.lua:3 loop]\n[TRACE   2 f.lua:9 lop]\n';
    expect(() => parseJvLog(text, 'x.jv')).toThrow(expect.objectContaining({ location: 'x.jv:3:20' }));
    expect(() => parseJvLog('[TRACEfoo]\n', 'y.jv')).toThrow(expect.objectContaining({ location: 'y.jv:1:1' }));
  });
});

const statuses = (rows: ReturnType<typeof compareJvLogs>['rows']): string[] =>
  rows.map((r) => (r.status === 'differ' ? `${r.row} differ ${r.fields.join(',')}` : `${r.row} ${r.status}`));

describe('agreement metric', () => {
  test('issue1169_num17: head vs Debian disagree at trace 5 and after trace 6 (reference §7)', () => {
    // §7.2: traces 1-4 are the same in both builds; trace 5 stops `stitch math.modf` in head and
    // `down-recursion` in Debian; the (4/stitch) abort and root trace 6 are printed alike; trace 7
    // is (5/stitch) line 21 `-> 6` in head, (5/1) line 7 `stitch math.modf` in Debian, which
    // crashes before head's traces 8-11.
    const head = entries('issue1169_num17.head.jv');
    const debian = entries('issue1169_num17.jv');
    const expected = ['1 agree', '2 agree', '3 agree', '4 agree', '5 differ link,target', '6 agree', '7 agree', '8 differ start,exit,link,target', '9 missing', '10 missing', '11 missing', '12 missing'];
    const result = compareJvLogs(head, debian);
    expect(statuses(result.rows)).toEqual(expected);
    expect(result.summary).toEqual({ agreed: 6, total: 12, identical: false });
    const reverse = compareJvLogs(debian, head);
    expect(statuses(reverse.rows)).toEqual(expected.map((s) => s.replace('missing', 'extra')));
    expect(reverse.summary).toEqual(result.summary);
  });

  test.each(LOGS)('%s compared with itself agrees 100%%', (name) => {
    const log = entries(name);
    expect(compareJvLogs(log, log).summary).toEqual({ agreed: log.length, total: log.length, identical: true });
  });

  test.each(PROGRAMS)('%s: Debian vs head rows agree exactly where the two lines are the same text', (program) => {
    const debianText = read(`${program}.jv`).trimEnd().split('\n');
    const headText = read(`${program}.head.jv`).trimEnd().split('\n');
    const { rows, summary } = compareJvLogs(entries(`${program}.jv`), entries(`${program}.head.jv`));
    expect(rows.length).toBe(Math.max(debianText.length, headText.length));
    for (const [i, r] of rows.entries()) {
      const sameText = debianText[i] !== undefined && debianText[i] === headText[i];
      expect([i + 1, r.status === 'agree']).toEqual([i + 1, sameText]);
    }
    expect(rows.filter((r) => r.status === 'missing').length).toBe(Math.max(0, debianText.length - headText.length));
    expect(rows.filter((r) => r.status === 'extra').length).toBe(Math.max(0, headText.length - debianText.length));
    expect(summary.identical).toBe(read(`${program}.jv`) === read(`${program}.head.jv`));
  });

  // One change per case, with the field it must be reported under (none: not a compared field).
  const base = parseJvLine('[TRACE   7 (5/stitch) f.lua:21 -> 6]', 'x:1');
  const abort = parseJvLine('[TRACE --- (4/stitch) f.lua:10 -- down-recursion, restarting at f.lua:7]', 'x:2');
  test.each<[string, string, JvField[]]>([
    ['trace number', '[TRACE   8 (5/stitch) f.lua:21 -> 6]', ['trace']],
    ['start line', '[TRACE   7 (5/stitch) f.lua:22 -> 6]', ['start']],
    ['chunk name only', '[TRACE   7 (5/stitch) g.lua:21 -> 6]', []],
    ['parent', '[TRACE   7 (4/stitch) f.lua:21 -> 6]', ['parent']],
    ['exit', '[TRACE   7 (5/0) f.lua:21 -> 6]', ['exit']],
    ['root instead of side', '[TRACE   7 f.lua:21 -> 6]', ['parent', 'exit']],
    ['link kind, same target', '[TRACE   7 (5/stitch) f.lua:21 -> 6 loop]', ['link']],
    ['link target', '[TRACE   7 (5/stitch) f.lua:21 -> 5]', ['target']],
    ['stitch callee', '[TRACE   7 (5/stitch) f.lua:21 stitch print]', ['link', 'target']],
    ['abort instead of trace', '[TRACE --- (5/stitch) f.lua:21 -- trace too long]', ['kind']],
  ])('trace line, %s', (_, line, fields) => {
    const [row] = compareJvLogs([base], [parseJvLine(line, 'y:1')]).rows;
    expect(row.status === 'differ' ? row.fields : []).toEqual(fields);
    expect(row.status).toBe(fields.length ? 'differ' : 'agree');
  });

  test.each<[string, string, JvField[]]>([
    ['reason', '[TRACE --- (4/stitch) f.lua:10 -- call unroll limit reached at f.lua:7]', ['reason']],
    ['where it stopped', '[TRACE --- (4/stitch) f.lua:10 -- down-recursion, restarting at f.lua:8]', []],
    ['start and origin', '[TRACE --- f.lua:11 -- down-recursion, restarting at f.lua:7]', []],
    ['flush instead of abort', '[TRACE flush]', ['kind']],
  ])('abort line, %s', (_, line, fields) => {
    const [row] = compareJvLogs([abort], [parseJvLine(line, 'y:1')]).rows;
    expect(row.status === 'differ' ? row.fields : []).toEqual(fields);
  });

  test('empty logs are identical; deterministic results', () => {
    expect(compareJvLogs([], [])).toEqual({ rows: [], summary: { agreed: 0, total: 0, identical: true } });
    const a = entries('rec_fib.jv');
    const b = entries('rec_fib.head.jv');
    expect(JSON.stringify(compareJvLogs(a, b))).toBe(JSON.stringify(compareJvLogs(a, b)));
  });
});
