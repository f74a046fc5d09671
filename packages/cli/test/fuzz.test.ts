// The CLI fuzz harness (packages/cli/fuzz) in the suite: one harness process runs a seeded batch
// of generated command lines over every command, in-process, with one case in 25 also run as a
// real `tracesim` process. Every case must exit 0, 1 or 2 within its time bound, print no
// JavaScript stack, and print the same bytes when run again; a `run` that ends normally or with
// a Lua error must print with the JIT on what it prints with --jit off. FUZZ_SEED and FUZZ_CASES override
// the batch; `npm run fuzz` runs a larger one with a fresh seed.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const HARNESS = join(ROOT, 'packages/cli/fuzz/harness.js');
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
const HARNESS_TIMEOUT_MS = 280_000;

interface Summary {
  seed: number;
  cases: number;
  spawned: number;
  jitCompared: number;
  groups: Record<string, { cases: number; exits: Record<string, number> }>;
  failures: { index: number; group: string; kind: string; argv: string[]; folder: string }[];
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test(`seed ${SEED}: ${CASES} generated command lines keep the exit contract`, () => {
  const out = mkdtempSync(join(tmpdir(), 'tracesim-fuzz-test-'));
  const r = spawnSync(process.execPath, [HARNESS, '--seed', String(SEED), '--cases', String(CASES), '--out', out], {
    encoding: 'utf8',
    timeout: HARNESS_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const current = join(out, 'current.json');
  if (r.error || r.signal) {
    const hung = existsSync(current) ? readFileSync(current, 'utf8') : '(no case was running)';
    throw new Error(`fuzz harness (seed ${SEED}) did not finish in ${HARNESS_TIMEOUT_MS} ms; the case running was ${hung}`);
  }
  if (r.status === 2) throw new Error(`fuzz harness could not start: ${r.stderr}`);
  const summary = JSON.parse(r.stdout) as Summary;
  const failures = summary.failures.map((f) => `#${f.index} ${f.group} ${f.kind}: ${f.argv.join(' ')} (saved in ${f.folder})`);
  expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
  expect(summary.cases).toBe(CASES);
  expect(summary.spawned).toBeGreaterThan(CASES / 50);
  // Runs that ended normally or with a Lua error were run again with --jit off and compared.
  expect(summary.jitCompared).toBeGreaterThan(CASES / 10);
  // Every command was reached, and each one both accepted and rejected some of its inputs.
  for (const group of ['run', 'bc', 'replay', 'check', 'lint', 'asm', 'disasm', 'exec', 'demo', 'argv']) {
    const exits = summary.groups[group]?.exits ?? {};
    expect({ group, accepted: (exits['0'] ?? 0) + (exits['1'] ?? 0) > 0, rejected: (exits['2'] ?? 0) > 0 }).toEqual({ group, accepted: true, rejected: true });
  }
});
