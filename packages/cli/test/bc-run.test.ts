// `tracesim bc` and `tracesim run` as processes: listings identical to the recorded
// `luajit -bl` output, program output identical to lua5.1's, and exit code 2 with a
// located message for syntax errors, runtime errors, unsupported features and bad -O items.
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const CORPUS = join(ROOT, 'fixtures/corpus');
const LISTINGS = join(ROOT, 'packages/lua/test/fixtures/bytecode/corpus');

function tracesim(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args], { cwd, encoding: 'latin1', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'tracesim-lua-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, source: string): string {
  writeFileSync(join(dir, name), source, 'latin1');
  return name;
}

test.each(['rec_fib', 'ipairs_pairs', 'while_collatz'])('bc %s.lua prints what luajit -bl prints', (name) => {
  const r = tracesim(CORPUS, 'bc', `${name}.lua`);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(LISTINGS, `${name}.bl`), 'latin1'));
});

test.each(['loop_sum', 'string_concat', 'func_entry'])('run %s.lua --jit off prints its .out', (name) => {
  const r = tracesim(CORPUS, 'run', `${name}.lua`, '--jit', 'off');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(CORPUS, `${name}.out`), 'latin1'));
});

test('run accepts -O items and --jit on (interpreter with hot counters)', () => {
  const r = tracesim(CORPUS, 'run', 'rec_fib.lua', '--jit', 'on', '-O', 'hotloop=1,hotexit=2', '-O', '3');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(CORPUS, 'rec_fib.out'), 'latin1'));
});

test('output printed before a runtime error is kept; the error is located; exit 2', () => {
  const r = tracesim(dir, 'run', program('rt.lua', 'print("before")\nlocal t\nprint(t.x)\n'));
  expect(r.stdout).toBe('before\n');
  expect(r.stderr).toBe("tracesim: rt.lua:3: attempt to index local 't' (a nil value)\n");
  expect(r.status).toBe(2);
});

test.each([
  ['syntax.lua', 'x = = 1\n', /^tracesim: syntax\.lua:1:5: .+\n$/],
  ['overflow.lua', 'local function f()\n  return 1 + f()\nend\nf()\n', /^tracesim: overflow\.lua:2: stack overflow\n$/],
  ['complex.lua', 'local x = 1\nlocal z = 2i\n', /^tracesim: complex\.lua:2: not supported: complex numbers \(imaginary literals\)\n$/],
  ['module.lua', 'local m = require("nosuch")\n', /^tracesim: module\.lua:1: not supported: module nosuch\n$/],
  ['missing.lua', null, /^tracesim: missing\.lua: cannot read file: ENOENT\n$/],
])('run %s exits 2 with a located message', (name, source, message) => {
  const r = tracesim(dir, 'run', source === null ? name : program(name, source));
  expect(r.stderr).toMatch(message);
  expect(r.status).toBe(2);
});

test('a runaway loop stops at --max-steps with exit 2, in the interpreter or in its trace', () => {
  const off = tracesim(dir, 'run', '--jit', 'off', program('spin.lua', 'while true do end\n'), '--max-steps', '100000');
  expect(off.stderr).toBe('tracesim: spin.lua:1: instruction budget of 100000 bytecodes exhausted (runaway program?)\n');
  expect(off.status).toBe(2);
  const on = tracesim(dir, 'run', program('spin.lua', 'while true do end\n'), '--max-steps', '100000');
  expect(on.stderr).toBe('tracesim: spin.lua:1: instruction budget of 100000 machine instructions exhausted in trace 1 (runaway program?)\n');
  expect(on.status).toBe(2);
});

test('a bad -O item is a located usage error', () => {
  const r = tracesim(CORPUS, 'run', 'loop_sum.lua', '-O', 'hotloop=x');
  expect(r.stderr).toBe("tracesim: -O: unknown or malformed optimization flag 'hotloop=x'\n");
  expect(r.status).toBe(2);
});

test('bc reports syntax errors with exit 2', () => {
  const r = tracesim(dir, 'bc', program('bad.lua', 'local = 1\n'));
  expect(r.stderr).toMatch(/^tracesim: bad\.lua:1:7: /);
  expect(r.status).toBe(2);
});
