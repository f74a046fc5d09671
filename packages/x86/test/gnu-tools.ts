// Batch runners for the GNU binutils oracles (as, objcopy, nm, objdump): one process per
// batch, in a temporary directory; a missing tool fails the test with a clear message.
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${tool} (GNU binutils) is required by this test but was not found on PATH`);
    throw new Error(`${tool} ${args.join(' ')} failed:\n${(e.stderr ?? '').slice(0, 4000)}`);
  }
}

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tracesim-x86-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Assembles `cases` (one Intel-syntax line each) with one `as` run and returns the bytes GNU
 * as produced for each case and the case's address in .text.
 */
export function assembleWithGnuAs(cases: readonly string[]): { address: number; bytes: Uint8Array }[] {
  return withTempDir((dir) => {
    const source = cases.map((text, i) => `c${i}:\n\t${text}`).join('\n') + `\nc${cases.length}:\n`;
    writeFileSync(join(dir, 'cases.s'), source);
    run('as', ['--64', '-msyntax=intel', '-mnaked-reg', '-o', join(dir, 'cases.o'), join(dir, 'cases.s')]);
    run('objcopy', ['-O', 'binary', '--only-section=.text', join(dir, 'cases.o'), join(dir, 'cases.bin')]);
    const text = readFileSync(join(dir, 'cases.bin'));
    const labels = new Map<number, number>();
    for (const line of run('nm', ['-n', join(dir, 'cases.o')]).split('\n')) {
      const m = /^([0-9a-f]+) t c(\d+)$/.exec(line);
      if (m) labels.set(Number(m[2]), parseInt(m[1], 16));
    }
    return cases.map((_, i) => {
      const start = labels.get(i)!;
      return { address: start, bytes: new Uint8Array(text.subarray(start, labels.get(i + 1)!)) };
    });
  });
}

/** objdump -d -M intel over raw bytes placed at address 0: instruction text per address. */
export function disassembleWithObjdump(bytes: Uint8Array): Map<number, string> {
  if (bytes.length === 0) return new Map();
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'code.bin'), bytes);
    const out = run('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', join(dir, 'code.bin')]);
    const listing = new Map<number, string>();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
      if (m) listing.set(parseInt(m[1], 16), m[2]);
    }
    return listing;
  });
}

/**
 * The documented normalisation of objdump's text (see README): mnemonic padding collapsed
 * to one space, the `# address` comment after RIP-relative operands and `<symbol>` dropped.
 */
export function normaliseObjdump(text: string): string {
  return text.replace(/\s*#.*$/, '').replace(/\s*<[^>]*>$/, '').replace(/\s+/g, ' ').trim();
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
