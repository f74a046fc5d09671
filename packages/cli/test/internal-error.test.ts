// The internal-error contract, in a process: an unexpected error, thrown or rejected past every
// handler, prints one line (the command, the error, "a tracesim bug") and exits 3; its
// JavaScript stack appears only with TRACESIM_DEBUG=1.
import { execFileSync, spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'packages/cli/dist/main.js');

/** Starts the CLI's main on `--version`, then throws `how` outside any command. */
function crash(how: 'throw' | 'reject', debug: boolean): { status: number | null; stderr: string } {
  const script = `require(${JSON.stringify(MAIN)}).main(['--version']);
setTimeout(() => { ${how === 'throw' ? "throw new TypeError('boom')" : "Promise.reject(new TypeError('boom'))"}; }, 0);`;
  const r = spawnSync('node', ['-e', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TRACESIM_DEBUG: debug ? '1' : '' } });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test.each(['throw', 'reject'] as const)('an uncaught %s is one line and exit 3', (how) => {
  const r = crash(how, false);
  expect(r.stderr).toBe('tracesim: internal error in `tracesim --version`: TypeError: boom (this is a tracesim bug; TRACESIM_DEBUG=1 prints its stack)\n');
  expect(r.status).toBe(3);
});

test('TRACESIM_DEBUG=1 adds the stack', () => {
  const r = crash('throw', true);
  expect(r.stderr.split('\n')[1]).toBe('TypeError: boom');
  expect(r.stderr).toContain('    at ');
  expect(r.status).toBe(3);
});
