// LuaJIT-style option spellings on the command line: `-Ohotloop=1` attached, `-O3`, and
// repeated -O, checked against the program's lua5.1 output; a bad flag is exit 2.
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const PROGRAM = join(ROOT, 'fixtures/corpus/loop_sum.lua');
const EXPECTED = readFileSync(join(ROOT, 'fixtures/corpus/loop_sum.out'), 'utf8');

const tracesim = (...args: string[]) => spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test.each([
  [['-Ohotloop=1,hotexit=2']],
  [['-O3', '-O', 'hotloop=7']],
  [['--jit', 'on', '-O', 'hotloop=1']],
])('run %j accepts the options and prints the lua5.1 output', (options) => {
  const r = tracesim('run', ...options, PROGRAM);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(EXPECTED);
});

test('an unknown -O flag is located bad input (exit 2)', () => {
  const r = tracesim('run', '-Obogus=1', PROGRAM);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("tracesim: -O: unknown or malformed optimization flag 'bogus=1'\n");
});
