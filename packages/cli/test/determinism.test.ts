// Determinism under load: the same command line gives byte-identical stdout, stderr and exit
// code run after run, and also when it runs at the same time as other tracesim processes
// (the JIT's logs, -jdump with registers and exits, JSON reports, replay and lint).
import { execFileSync, spawn, spawnSync } from 'child_process';
import { join, relative } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const corpus = (name: string) => join(ROOT, 'fixtures/corpus', name);

/** Command lines that print the most state: trace logs, dumps with registers, reports. */
const COMMANDS: readonly (readonly string[])[] = [
  ['run', corpus('issue1169_num17.lua'), '-jv', '-jdump=+rsX', '--policy', 'luajit-2022', '--on-violation', 'continue'],
  ['run', corpus('nested_loops.lua'), '-jv', '-jdump=+rsX'],
  ['run', corpus('table_fill.lua'), '--json'],
  ['replay', join(ROOT, 'examples/issue1169.trace'), '--listing', '--on-violation', 'continue'],
  ['lint', join(ROOT, 'fixtures/lint/lj-1169-repro.jdump'), '--format', 'json'],
];

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

const ENV = { ...process.env, NO_COLOR: '1' };

function runNow(args: readonly string[]): Outcome {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'latin1', env: ENV, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runAsync(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: ENV });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') }));
  });
}

let sequential: Outcome[];

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  sequential = COMMANDS.map(runNow);
});

test('every command prints something and keeps the exit contract', () => {
  for (const [i, r] of sequential.entries()) {
    expect({ command: COMMANDS[i].join(' '), printed: r.stdout.length > 0, exitOk: [0, 1].includes(r.status ?? -1) }).toEqual({ command: COMMANDS[i].join(' '), printed: true, exitOk: true });
  }
});

test.each(COMMANDS.map((c, i) => [`${c[0]} ${relative(ROOT, c[1])}`, i] as const))('%s twice in a row: the same bytes', (_, i) => {
  expect(runNow(COMMANDS[i])).toEqual(sequential[i]);
});

test('all of them at once, in parallel processes: the same bytes as one at a time', async () => {
  const parallel = await Promise.all([...COMMANDS, ...COMMANDS].map(runAsync));
  parallel.forEach((r, k) => expect(r).toEqual(sequential[k % COMMANDS.length]));
});
