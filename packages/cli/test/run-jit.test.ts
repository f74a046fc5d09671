// `tracesim run` with the tracing JIT, as a process: -jv lines on stderr as LuaJIT prints them
// (compared with the recorded fixtures/corpus/*.head.jv), and LuaJIT #1169 from Lua source:
// exit 1 with the monitor's report under --policy luajit-2022, the program's output and exit 0
// under the default policy.
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const CORPUS = join(ROOT, 'fixtures/corpus');

function tracesim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args], { cwd: CORPUS, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test.each(['loop_sum', 'nested_loops', 'stitch_modf'])('-jv for %s prints LuaJIT head\'s trace log on stderr', (name) => {
  const r = tracesim('run', `${name}.lua`, '-jv');
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(readFileSync(join(CORPUS, `${name}.head.jv`), 'latin1'));
  expect(r.stdout).toBe(readFileSync(join(CORPUS, `${name}.out`), 'latin1'));
});

test('#1169 under --policy luajit-2022: exit 1 and the report names the trace, the drift and the cause', () => {
  const r = tracesim('run', 'issue1169_num17.lua', '--policy', 'luajit-2022');
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^tracesim: side-entry in trace 5 at 0x[0-9a-f]+ \(jmp 0x[0-9a-f]+\): rsp 0x[0-9a-f]+, expected 0x[0-9a-f]+ \(delta \+0x[0-9a-f]+\); chain 1 →exit 0→ 4 →exit 0→ 5 → 5; issue1169_num17\.lua:7\n/);
  expect(r.stderr).toContain('side trace 5 links to itself but inherits');
  expect(r.stderr).toContain('(LuaJIT #1169)');
});

test('#1169 under the default (fixed) policy: the program\'s output and exit 0', () => {
  const r = tracesim('run', 'issue1169_num17.lua');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(CORPUS, 'issue1169_num17.out'), 'latin1'));
  expect(r.stderr).toBe('');
});

test('--jit off runs the interpreter only: same output, no trace lines', () => {
  const r = tracesim('run', 'nested_loops.lua', '--jit', 'off', '-jv');
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(readFileSync(join(CORPUS, 'nested_loops.out'), 'latin1'));
});

test('--json: one object with the output, the trace graph, exits, aborts and violations', () => {
  const r = tracesim('run', 'issue1169_num17.lua', '--policy', 'luajit-2022', '--json');
  expect(r.status).toBe(1);
  const json = JSON.parse(r.stdout);
  expect(Object.keys(json)).toEqual(['file', 'policy', 'exitCode', 'output', 'traces', 'exits', 'aborts', 'violations']);
  expect(json.exitCode).toBe(1);
  const five = json.traces.find((t: { number: number }) => t.number === 5);
  expect(five).toMatchObject({ start: { kind: 'side', parent: 4, exit: 0 }, link: { kind: 'down-recursion', target: 5 } });
  const four = json.traces.find((t: { number: number }) => t.number === 4);
  expect(json.violations).toHaveLength(1);
  expect(json.violations[0]).toMatchObject({ kind: 'side-entry', trace: 5, delta: `+0x${four.spadjust.toString(16)}` });
  expect(json.exits.length).toBeGreaterThan(0);
  const fixed = JSON.parse(tracesim('run', 'issue1169_num17.lua', '--json').stdout);
  expect(fixed.output).toBe(readFileSync(join(CORPUS, 'issue1169_num17.out'), 'latin1'));
  expect(fixed.violations).toEqual([]);
});
