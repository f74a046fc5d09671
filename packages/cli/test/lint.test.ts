// `tracesim lint` and `tracesim check` on dumps, as processes: Debian's #1169 dumps exit 1 with
// the down-recursion named, clean corpus listings exit 0, bad dumps exit 2 with a `file:line`,
// and the JSON, JUnit and TAP reports carry the same findings. Oracles: the recorded Debian
// dumps and, for the frames, their own `r` columns (see packages/lint/test).
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const FFI = 'fixtures/lint/lj-1169-repro.jdump';
const NUM = 'fixtures/lint/issue1169_num17.jdump';
const CLEAN = readdirSync(join(ROOT, 'fixtures/corpus')).filter((f) => f.endsWith('.jdump') && !f.startsWith('issue1169')).sort().map((f) => `fixtures/corpus/${f}`);

const tracesim = (...args: string[]) => spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

let dir: string;
beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'tracesim-lint-'));
});

test('both Debian #1169 dumps: exit 1, side trace 5 down-recursing with its parent\'s frame as drift', () => {
  const r = tracesim('lint', FFI, NUM);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain(`FAIL ${FFI}: 1 finding`);
  expect(r.stdout).toContain('side-entry in trace 5');
  expect(r.stdout).toContain("side trace 5 links to itself by down-recursion but inherits 0x60 bytes of trace 4's frame");
  expect(r.stdout).toContain("side trace 5 links to itself by down-recursion but inherits 0x10 bytes of trace 4's frame");
  expect(r.stdout).toContain('chain 1 →exit 0→ 4 →exit 0→ 5 → 5');
  expect(r.stdout).toContain('2 files: 0 passed, 2 failed, 0 errors');
});

test('the clean corpus listings: exit 0, one PASS each', () => {
  const r = tracesim('lint', ...CLEAN);
  expect(r.status).toBe(0);
  expect(r.stdout.split('\n').filter((l) => l.startsWith('PASS '))).toHaveLength(16);
});

test('a cut dump is bad input: exit 2 with its file:line, no stack trace', () => {
  const cut = join(dir, 'cut.jdump');
  const text = readFileSync(join(ROOT, FFI), 'utf8');
  writeFileSync(cut, text.slice(0, text.indexOf('---- TRACE 2 mcode') + 200));
  const r = tracesim('lint', cut, FFI);
  expect(r.status).toBe(2);
  expect(r.stdout).toMatch(new RegExp(`ERROR ${cut}: ${cut}:\\d+: the dump is truncated`));
  expect(r.stdout + r.stderr).not.toContain('    at ');
  const missing = tracesim('lint', join(dir, 'absent.jdump'));
  expect(missing.status).toBe(2);
  expect(missing.stdout).toContain('cannot read file: ENOENT');
});

test('json, junit and tap carry the finding', () => {
  const json = JSON.parse(tracesim('lint', FFI, '--format', 'json').stdout);
  expect(json.summary).toEqual({ files: 1, passed: 0, failed: 1, errors: 0 });
  expect(json.files[0].findings[0]).toMatchObject({ kind: 'side-entry', trace: 5, exit: null, expectedRsp: 'rsp0-0x60', actualRsp: 'rsp0', delta: '+0x60', chain: '1 →exit 0→ 4 →exit 0→ 5 → 5' });
  const junit = tracesim('lint', FFI, '--format', 'junit').stdout;
  expect(junit).toContain('<testsuite name="tracesim lint" tests="1" failures="1" errors="0">');
  expect(junit).toContain('type="side-entry"');
  const tap = tracesim('lint', FFI, CLEAN[0], '--format', 'tap').stdout.split('\n');
  expect(tap.slice(0, 3)).toEqual(['TAP version 13', '1..2', `not ok 1 - ${FFI}`]);
  expect(tap).toContain(`ok 2 - ${CLEAN[0]}`);
});

test('check takes trace files and dumps in one step', () => {
  const r = tracesim('check', 'examples/issue1169-fixed.trace', CLEAN[0], FFI, '--format', 'json');
  expect(r.status).toBe(1);
  const out = JSON.parse(r.stdout);
  expect(out.files.map((f: { status: string }) => f.status)).toEqual(['passed', 'passed', 'failed']);
  expect(out.files[2].violations[0]).toMatchObject({ kind: 'side-entry', trace: 5, delta: '+0x60' });
});

test('lint --help documents the contract and the exit status', () => {
  const r = tracesim('lint', '--help');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('rsp0 - parent.spadjust');
  expect(r.stdout).toContain('Exit status: 2 if any file is bad input, else 1 if any finding, else 0.');
});

test('run -jdump=+rsm,FILE writes the dump where lint reads it: the two verdicts agree', () => {
  const file = join(dir, 'num17.jdump');
  const run = tracesim('run', 'fixtures/corpus/issue1169_num17.lua', `-jdump=+rsm,${file}`, '--policy', 'luajit-2022');
  expect(run.status).toBe(1);
  expect(run.stdout).not.toContain('---- TRACE');
  const lint = tracesim('lint', file);
  expect(lint.status).toBe(1);
  expect(lint.stdout).toContain('side trace 5 links to itself by down-recursion');
  const unwritable = tracesim('run', 'fixtures/corpus/loop_sum.lua', `-jdump=+rsm,${join(dir, 'no/such/dir.jdump')}`);
  expect(unwritable.status).toBe(2);
  expect(unwritable.stderr).toContain('cannot write the dump file: ENOENT');
});
