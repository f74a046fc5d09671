// `tracesim replay` and `tracesim check` as processes. Oracles: the reference IR interpreter's
// values for sum-side.trace (sum 1..10 = 55, doubled by the side trace), the host-stack
// contract for a #1169-shaped file (a side trace that inherits a spilled frame and links
// down-recursion to itself), an XML well-formedness checker and the TAP 13 grammar (with
// js-yaml for the diagnostic blocks).
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const SUM_SIDE = join(ROOT, 'packages/ir/examples/sum-side.trace');
const yaml = require('js-yaml') as { load(text: string): unknown };

const tracesim = (...args: string[]) => spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** Trace 1 keeps four numbers live at exit 1 (spills under --regs 2); side trace 2 links down-recursion to itself. */
const DRIFT = readFileSync(join(__dirname, '../../../examples/spilling-parent-drift.trace'), 'utf8');

let dir: string;
let drift: string;
let broken: string;
let quoted: string;

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'tracesim-replay-'));
  drift = join(dir, 'drift.trace');
  writeFileSync(drift, DRIFT);
  broken = join(dir, 'broken.trace');
  writeFileSync(broken, readFileSync(SUM_SIDE, 'utf8').replace('0006       >  int LE     0005  +10 ', '0006       >  int FROB   0005  +10 '));
  // A file name with characters XML and TAP must escape.
  quoted = join(dir, 'a&b <"#1">.trace');
  writeFileSync(quoted, readFileSync(SUM_SIDE, 'utf8'));
});

describe('replay', () => {
  test('sum-side.trace: the side trace doubles the sum the root computed; exit 0', () => {
    const r = tracesim('replay', SUM_SIDE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^enter 1 rsp=0x[0-9a-f]+$/);
    expect(lines[1]).toMatch(/^side 1\/3 #1 -> 2 rsp=0x[0-9a-f]+$/);
    expect(lines[2]).toMatch(/^interpreter 2 \(interpreter\) rsp=0x[0-9a-f]+ base=2 restored #2=110 #3=11$/);
    expect(tracesim('replay', SUM_SIDE).stdout).toBe(r.stdout); // deterministic
  });

  test('--listing prints each trace\'s IR and its mcode, -jdump style', () => {
    const r = tracesim('replay', SUM_SIDE, '--listing');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    for (const n of [1, 2]) {
      const mcode = lines.findIndex((l) => new RegExp(`^---- TRACE ${n} mcode \\d+$`).test(l));
      expect(lines.indexOf(`---- TRACE ${n} IR`)).toBeGreaterThanOrEqual(0);
      expect(mcode).toBeGreaterThan(lines.indexOf(`---- TRACE ${n} IR`));
      expect(lines[mcode + 1]).toMatch(/^[0-9a-f]+ {2}mov dword \[r14-0xec8\], 0x/); // the head's vmstate store
    }
    expect(lines).toContain('---- TRACE 2 start 1/3 sum.lua:4');
  });

  test('--json: file, policy, notes and the engine\'s result', () => {
    const r = tracesim('replay', SUM_SIDE, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['file', 'policy', 'notes', 'events', 'violations', 'base', 'stack']);
    expect(out.policy).toBe('fixed');
    expect(out.events.map((e: { kind: string }) => e.kind)).toEqual(['enter', 'side', 'interpreter']);
    expect(out.events[2].restored.map((s: { slot: number; value: string }) => [s.slot, s.value])).toEqual([[2, '110'], [3, '11']]);
    expect(out.stack).toHaveLength(16);
  });

  test('a #1169 drift is exit 1; the fixed policy notes the down-recursion side trace, luajit-2022 does not', () => {
    const r = tracesim('replay', drift, '--regs', '2');
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('policy: side trace 2 (1/1) stops with down-recursion; fixed LuaJIT (cae36118) never lets a side trace stop with down-recursion');
    expect(lines.filter((l) => l.startsWith('violation '))).toHaveLength(1); // stop mode
    expect(r.stdout).toMatch(/violation side-entry in trace 2 .*\(delta \+0x20\); chain 1 →exit 1→ 2 → 2/);
    const old = tracesim('replay', drift, '--regs', '2', '--policy', 'luajit-2022');
    expect(old.status).toBe(1);
    expect(old.stdout).not.toContain('policy:');
    const go = tracesim('replay', drift, '--regs', '2', '--on-violation', 'continue');
    expect(go.status).toBe(1);
    expect(go.stdout.split('\n').filter((l) => l.startsWith('violation side-entry')).map((l) => /delta (\+0x[0-9a-f]+)/.exec(l)?.[1])).toEqual(['+0x20', '+0x40']);
    // With enough registers the parent has no frame, the self-link does not drift.
    expect(tracesim('replay', drift).status).toBe(0);
  });

  test.each([
    ['a malformed trace file', () => [broken], /^tracesim: .*broken\.trace:\d+:\d+: /],
    ['a missing file', () => [join(dir, 'nope.trace')], /^tracesim: .*nope\.trace: cannot read file: ENOENT/],
    ['a register budget below the minimum', () => [SUM_SIDE, '--regs', '1'], /^tracesim: --regs: /],
    ['an unknown policy', () => [SUM_SIDE, '--policy', 'lax'], /^tracesim: --policy: "lax" is not one of "fixed", "luajit-2022"\n$/],
  ])('%s is bad input: exit 2 with a located message', (_what, args, message) => {
    const r = tracesim('replay', ...args());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  /** A one-trace file whose second instruction line is `line2` (and whose first may be edited). */
  const badFile = (name: string, line2: string, edit: (text: string) => string = (t) => t): string => {
    const text = edit(`---- TRACE 1 start x.lua:1
---- TRACE 1 IR
....              SNAP   #0   [ ---- ---- ]
0001       >  num SLOAD  #2    T
${line2}
---- TRACE 1 stop -> interpreter

---- SCENARIO
enter 1
`);
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  test.each([
    ['an unknown opcode', () => badFile('op.trace', '0002          num FROB   0001  0001'), /^tracesim: .*op\.trace:5:19: unknown IR opcode `FROB`\n$/],
    ['a ref out of range', () => badFile('ref.trace', '0002          num ADD    0001  0007'), /^tracesim: .*ref\.trace: trace 1 ref 0002: operand 2 of ADD refers to 0007, which is not defined before 0002\n$/],
    ['a type mismatch', () => badFile('type.trace', '0002          int ADD    0001  0001'), /^tracesim: .*type\.trace: trace 1 ref 0002: type mismatch: operand 1 of ADD is num \(0001\), expected int\n$/],
    ['a guard with no snapshot', () => badFile('nosnap.trace', '0002          num ADD    0001  0001', (t) => t.replace('....              SNAP   #0   [ ---- ---- ]\n', '')), /^tracesim: .*nosnap\.trace: trace 1 ref 0001: guard SLOAD has no snapshot in force/],
    ['a side trace without a parent', () => badFile('orphan.trace', '0002          num ADD    0001  0001', (t) => t.replace('start x.lua:1', 'start 7/0 x.lua:1')), /^tracesim: .*orphan\.trace: trace 1: side trace names parent trace 7, which is not in the trace set\n$/],
  ])('a trace file with %s: exit 2 and a located message', (_what, file, message) => {
    const r = tracesim('replay', file());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('--help documents the options and the policy', () => {
    const r = tracesim('replay', '--help');
    expect(r.status).toBe(0);
    for (const text of ['--listing', '--json', '--on-violation', '--regs', 'luajit-2022', 'cae36118', 'Exit status']) expect(r.stdout).toContain(text);
  });
});

// ---- a minimal XML 1.0 well-formedness checker ----------------------------------------------

interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

function parseXml(doc: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at offset ${at}: ${why}`);
  };
  const checkText = (text: string) => {
    if (/[<]/.test(text)) fail('raw < in text');
    for (const m of text.matchAll(/&([^;]*);?/g)) if (!/^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-f]+);$/i.test(m[0])) fail(`bad entity ${m[0]}`);
  };
  const decl = /^<\?xml version="1\.0"( encoding="[A-Za-z0-9._-]+")?\?>\s*/.exec(doc);
  if (decl) at = decl[0].length;
  const NAME = '[A-Za-z_][A-Za-z0-9._:-]*';
  const element = (): XmlElement => {
    const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`).exec(doc.slice(at)) ?? fail('expected a start tag');
    at += open[0].length;
    const attrs: Record<string, string> = {};
    for (const m of open[2].matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (m[1] in attrs) fail(`duplicate attribute ${m[1]}`);
      checkText(m[2]);
      attrs[m[1]] = m[2];
    }
    const node: XmlElement = { name: open[1], attrs, children: [], text: '' };
    if (open[3] === '/') return node;
    for (;;) {
      const text = /^[^<]*/.exec(doc.slice(at))![0];
      checkText(text);
      node.text += text;
      at += text.length;
      if (doc.startsWith('</', at)) {
        const close = new RegExp(`^</(${NAME})\\s*>`).exec(doc.slice(at)) ?? fail('bad end tag');
        if (close[1] !== node.name) fail(`</${close[1]}> closes <${node.name}>`);
        at += close[0].length;
        return node;
      }
      if (at >= doc.length) fail(`<${node.name}> is never closed`);
      node.children.push(element());
    }
  };
  const root = element();
  if (doc.slice(at).trim() !== '') fail('content after the root element');
  return root;
}

test('the XML checker rejects what is not well-formed', () => {
  for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&nope;</a>', '<a>1 < 2</a>', '<a/><b/>', '<a>']) expect(() => parseXml(bad)).toThrow(/not well-formed/);
  expect(parseXml('<a x="&amp;">t<b/></a>').children[0].name).toBe('b');
});

// ---- TAP version 13 grammar -----------------------------------------------------------------

interface TapTest { ok: boolean; number: number; description: string; diagnostic: unknown }

function parseTap(text: string): TapTest[] {
  const lines = text.replace(/\n$/, '').split('\n');
  expect(lines[0]).toBe('TAP version 13');
  const plan = /^1\.\.(\d+)$/.exec(lines[1]);
  expect(plan).not.toBeNull();
  const tests: TapTest[] = [];
  for (let i = 2; i < lines.length; i++) {
    const m = /^(ok|not ok) (\d+)(?: - ((?:[^#\\]|\\.)*))?$/.exec(lines[i]);
    if (!m) throw new Error(`line ${i + 1} is not a TAP test line: ${lines[i]}`);
    let diagnostic: unknown;
    if (lines[i + 1] === '  ---') {
      const end = lines.indexOf('  ...', i + 2);
      expect(end).toBeGreaterThan(i);
      const block = lines.slice(i + 2, end);
      for (const l of block) expect(l.startsWith('  ')).toBe(true);
      diagnostic = yaml.load(block.map((l) => l.slice(2)).join('\n'));
      i = end;
    }
    tests.push({ ok: m[1] === 'ok', number: Number(m[2]), description: m[3] ?? '', diagnostic });
  }
  expect(tests.map((t) => t.number)).toEqual(tests.map((_t, k) => k + 1));
  expect(tests).toHaveLength(Number(plan![1]));
  return tests;
}

describe('check', () => {
  const files = () => [SUM_SIDE, drift, broken, join(dir, 'nope.trace'), quoted];

  test('text: one result per file and a summary; bad input wins the exit code (2)', () => {
    const r = tracesim('check', ...files(), '--regs', '2');
    expect(r.status).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`PASS ${SUM_SIDE}`);
    expect(lines[1]).toBe(`FAIL ${drift}: 1 violation`);
    expect(lines[2]).toMatch(/^ {2}side-entry in trace 2 /);
    expect(lines).toContain(`PASS ${quoted}`);
    expect(lines.find((l) => l.startsWith(`ERROR ${broken}: `))).toMatch(/broken\.trace:\d+:\d+: /);
    expect(r.stdout).toContain('5 files: 2 passed, 1 failed, 2 errors');
  });

  test('exit 1 when the worst is a violation, 0 when everything passes', () => {
    expect(tracesim('check', SUM_SIDE, drift, '--regs', '2').status).toBe(1);
    expect(tracesim('check', SUM_SIDE, drift).status).toBe(0);
  });

  test('json: a record per file and the counts', () => {
    const r = tracesim('check', ...files(), '--regs', '2', '--format', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual({ files: 5, passed: 2, failed: 1, errors: 2 });
    expect(out.files.map((f: { status: string }) => f.status)).toEqual(['passed', 'failed', 'error', 'error', 'passed']);
    expect(out.files[1].violations[0]).toMatchObject({ kind: 'side-entry', trace: 2, delta: '+0x20' });
    expect(out.files[3].error).toEqual({ location: join(dir, 'nope.trace'), message: 'cannot read file: ENOENT' });
  });

  test('junit: well-formed XML with one testcase per file, failures and errors', () => {
    const r = tracesim('check', ...files(), '--regs', '2', '--format', 'junit');
    expect(r.status).toBe(2);
    const root = parseXml(r.stdout);
    expect(root.name).toBe('testsuites');
    const [suite] = root.children;
    expect(suite.name).toBe('testsuite');
    expect(suite.attrs).toEqual({ name: 'tracesim check', tests: '5', failures: '1', errors: '2' });
    expect(suite.children.map((c) => [c.name, c.attrs.classname, c.attrs.name])).toEqual(files().map((f) => ['testcase', 'tracesim.check', xmlEscaped(f)]));
    expect(suite.children.map((c) => c.children.map((k) => k.name))).toEqual([[], ['failure'], ['error'], ['error'], []]);
    expect(suite.children[1].children[0].attrs.message).toBe('1 violation: side-entry in trace 2');
    expect(suite.children[1].children[0].text).toContain('chain 1 →exit 1→ 2 → 2');
  });

  test('tap: TAP version 13 with a YAML diagnostic per failing file', () => {
    const r = tracesim('check', ...files(), '--regs', '2', '--format', 'tap');
    expect(r.status).toBe(2);
    const tests = parseTap(r.stdout);
    expect(tests.map((t) => t.ok)).toEqual([true, false, false, false, true]);
    expect(tests[0].description).toBe(SUM_SIDE);
    expect(tests[4].description).toBe(quoted.replace(/#/g, '\\#'));
    expect(tests[1].diagnostic).toMatchObject({ severity: 'fail', violations: [{ kind: 'side-entry', trace: 2, delta: '+0x20' }] });
    expect(tests[3].diagnostic).toEqual({ message: 'cannot read file: ENOENT', severity: 'error', location: join(dir, 'nope.trace') });
  });

  test('--help lists the formats and the exit status', () => {
    const r = tracesim('check', '--help');
    expect(r.status).toBe(0);
    for (const text of ['junit', 'tap', 'json', 'Exit status']) expect(r.stdout).toContain(text);
  });
});

/** The attribute value as the document spells it (the checker keeps entities as written). */
function xmlEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
