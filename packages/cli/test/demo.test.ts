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
  expect(r.stderr).toBe('tracesim: <name>: "nope" is not one of "issue1169-mcode", "issue1169"\n');
});

test('demo issue1169 tells the Lua reproducer\'s story: trace 5 links to itself in trace 4\'s frame, caught under luajit-2022, clean when fixed', () => {
  const r = spawnSync('node', [BIN, 'demo', 'issue1169'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('5. Trace 5 forms at issue1169_num17.lua:7: a side trace of trace 4\'s exit 0, frame 0xa0, link down-recursion 5.');
  expect(r.stdout).toContain('Side trace 5 stops with down-recursion and links to itself, yet it runs in trace 4\'s frame of 0xa0 bytes');
  expect(r.stdout).toContain('Under luajit-2022 the monitor stops the run: side-entry, rsp +0xa0 off');
  expect(r.stdout).toMatch(/Under the fixed policy only root traces may stop with down-recursion: no side trace does, and the run is clean\./);
  expect(r.stdout).toMatch(/^side-entry in trace 5 at .*chain 1 →exit 0→ 4 →exit 0→ 5 → 5; issue1169_num17\.lua:7$/m);
});
