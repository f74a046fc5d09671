// `tracesim demo` as a process: the #1169 demo must show the drift the contract predicts
// (rsp too high by the parent's 0x10-byte frame after one self-link, 0x20 after two) and a
// clean run once the side trace's tail goes to exit_interp instead of its own start.
import { execFileSync, spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test('the default demo catches #1169 lap by lap and the fixed link runs clean', () => {
  const r = spawnSync('node', [BIN, 'demo'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const sideEntries = r.stdout.split('\n').filter((l) => l.startsWith('side-entry in trace 5'));
  expect(sideEntries.map((l) => /\(delta ([+-]0x[0-9a-f]+)\)/.exec(l)?.[1])).toEqual(['+0x10', '+0x20']);
  expect(sideEntries[1]).toContain('chain 4 →exit 0→ 5 → 5 → 5');
  expect(r.stdout).toContain("side trace 5 links to itself but inherits 0x10 bytes of trace 4's frame");
  expect(r.stdout).toMatch(/Run: 0 violation\(s\), stopped at exit_interp/);
});

test('an unknown demo name is a usage error with exit code 2', () => {
  const r = spawnSync('node', [BIN, 'demo', 'nope'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('tracesim: <name>: "nope" is not one of "issue1169-mcode"\n');
});
