// `tracesim run` with the tracing JIT, as a process: -jv lines on stderr as LuaJIT prints them
// (compared with the recorded fixtures/corpus/*.head.jv), and LuaJIT #1169 from Lua source:
// exit 1 with the monitor's report under --policy luajit-2022, the program's output and exit 0
// under the default policy. -jdump writes dump.lua's sections to stdout; a bad flag exits 2.
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

test('-jdump prints dump.lua\'s default sections (tbim) on stdout, among the program\'s output', () => {
  const r = tracesim('run', 'loop_sum.lua', '-jdump');
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines[0]).toBe('---- TRACE 1 start loop_sum.lua:3');
  expect(lines.slice(1, 3)).toEqual(['0006  ADDVV    0   0   4', '0007  FORL     1 => 0006']);
  expect(lines).toContain('---- TRACE 1 IR');
  expect(lines.some((l) => /^---- TRACE 1 mcode \d+$/.test(l))).toBe(true);
  expect(lines).toContain('---- TRACE 1 stop -> loop');
  expect(lines.some((l) => l.includes('SNAP'))).toBe(false);
  // The program's own output is still all there, in order.
  const out = readFileSync(join(CORPUS, 'loop_sum.out'), 'latin1').trimEnd().split('\n');
  expect(lines.filter((l) => out.includes(l))).toEqual(out);
});

test('-jdump=tX: trace lines and every exit with 16 GPRs and 16 xmm values', () => {
  const r = tracesim('run', 'loop_sum.lua', '-jdump=tX');
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n');
  const exit = lines.findIndex((l) => /^---- TRACE \d+ exit \d+$/.test(l));
  expect(exit).toBeGreaterThan(0);
  lines.slice(exit + 1, exit + 5).forEach((l) => expect(l).toMatch(/^( [0-9a-f]{16}){4}$/));
  lines.slice(exit + 5, exit + 9).forEach((l) => expect(l).toMatch(/^( {0,16}[+-][0-9.e+-]+){4}$/));
});

test('-jdump with an unknown flag: exit 2 and a message naming it', () => {
  const r = tracesim('run', 'loop_sum.lua', '-jdump=tq');
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe("tracesim: -jdump=tq: unknown flag 'q'; the flags are t, b, i, r, s, m, x, X\n");
});

test('a reader that stops early (| head) ends the run quietly, without a stack trace', () => {
  const r = spawnSync('bash', ['-c', `node ${BIN} run while_collatz.lua -jdump | head -1`], { cwd: CORPUS, encoding: 'utf8' });
  expect(r.stdout).toBe('---- TRACE 1 start while_collatz.lua:4\n');
  expect(r.stderr).toBe('');
});

test('-jdump with --json is a usage error (exit 2): the dump is text on stdout', () => {
  const r = tracesim('run', 'loop_sum.lua', '-jdump', '--json');
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe('tracesim: -jdump and --json cannot be combined (-jdump writes text to stdout; give it a file: -jdump=FLAGS,FILE)\n');
});
