// Memory limits, run as a process: a program that outgrows the --max-memory budget (strings,
// tables) or the Lua stack ends with Lua's own message at its line and exit 2, with the JIT on
// and off alike and never a host stack trace; a full mcode area flushes the traces as
// LuaJIT's trace_abort does (MCODEAL), and the program's output is the interpreter's.
import { execFileSync, spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const FIXTURES = join(__dirname, 'fixtures/memory');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, 'run', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

// With the JIT on, the table case runs out inside a trace's TNEW (its lj_tab_new1 call): the trace unwinds
// to the snapshot in force (lj_trace_unwind) and the interpreter fails at the same store.
const RUNAWAYS: readonly [string, string, readonly string[], readonly string[]][] = [
  ['string_doubling.lua', 'string_doubling.lua:3: not enough memory', [], ['on', 'off']],
  ['table_growth.lua', 'table_growth.lua:5: not enough memory', ['--max-memory', '16M'], ['on', 'off']],
  ['vararg_growth.lua', 'vararg_growth.lua:2: stack overflow', [], ['on', 'off']],
];

describe.each(RUNAWAYS)('%s', (file, message, extra, modes) => {
  test.each(modes)('with the JIT %s: one located line, exit 2', (jit) => {
    const path = join(FIXTURES, file);
    const r = run(path, '--jit', jit, ...extra);
    expect(r.stderr).toBe(`tracesim: ${join(FIXTURES, message)}\n`);
    expect(r.status).toBe(2);
  });
});

test('pcall catches the memory error with Lua 5.1\'s message', () => {
  const r = run(join(FIXTURES, 'caught.lua'));
  expect(r.stdout).toBe('false\tnot enough memory\n');
  expect(r.status).toBe(0);
});

test.each(['on', 'off'])('with the JIT %s, pcall catches a store that runs out of memory inside a compiled loop', (jit) => {
  const r = run(join(FIXTURES, 'caught_in_trace.lua'), '--jit', jit, '--max-memory', '16M');
  expect(r.stdout).toBe('false\tnot enough memory\ttrue\n');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('a budget smaller than the base state fails as lua.c does when it cannot create one', () => {
  const r = run(join(FIXTURES, 'caught.lua'), '--max-memory', '64K');
  expect(r.stderr).toMatch(/^tracesim: memory budget: cannot create state: not enough memory \(the base state takes \d+ bytes\)\n$/);
  expect(r.status).toBe(2);
});

test('a bad --max-memory is bad input at the option', () => {
  const r = run(join(FIXTURES, 'caught.lua'), '--max-memory', '-3M');
  expect(r.stderr).toBe("tracesim: --max-memory: expected a memory size such as 64M or 1G, got '-3M'\n");
  expect(r.status).toBe(2);
});

test('a full mcode area aborts with MCODEAL, flushes, and the output stays the interpreter\'s', () => {
  const path = join(FIXTURES, 'many_loops.lua');
  const off = run(path, '--jit', 'off');
  const on = run(path, '-jv', '-O', 'maxmcode=2');
  expect(on.stdout).toBe(off.stdout);
  expect(on.status).toBe(0);
  const lines = on.stderr.split('\n');
  const full = lines.findIndex((l) => l.endsWith('-- failed to allocate mcode memory]'));
  expect(full).toBeGreaterThan(0);
  expect(lines[full + 1]).toBe('[TRACE flush]');
  // Trace numbers start at 1 again after the flush.
  expect(lines[full + 2]).toMatch(/^\[TRACE {3}1 /);
});
