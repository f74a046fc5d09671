// `tracesim asm` and `tracesim disasm` run as processes: listings, --at, -f, and exit
// code 2 with a located message on bad input.
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');

function tracesim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Address, bytes and text of each listing line (bytes are single-spaced, then 2+ spaces). */
function columns(stdout: string): string[][] {
  return stdout.trimEnd().split('\n').map((line) => {
    const m = /^([0-9a-f]+) {2}((?:[0-9a-f]{2} )*[0-9a-f]{2}) {2,}(.+)$/.exec(line);
    if (!m) throw new Error(`not a listing line: '${line}'`);
    return [m[1], m[2], m[3]];
  });
}

let dir: string;
beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'tracesim-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('asm prints address, bytes and text per instruction; branch targets are absolute', () => {
  const r = tracesim('asm', '--at', '0x5581473f0000', 'add rsp, -0x50; cmp dword [rdx+0x4], 0xfff90000\njnb 0x5581473f004c');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(columns(r.stdout)).toEqual([
    ['5581473f0000', '48 83 c4 b0', 'add rsp,0xffffffffffffffb0'],
    ['5581473f0004', '81 7a 04 00 00 f9 ff', 'cmp DWORD PTR [rdx+0x4],0xfff90000'],
    ['5581473f000b', '73 3f', 'jae 0x5581473f004c'],
  ]);
});

test('asm -f reads a file; disasm of its bytes gives the same listing', () => {
  const file = join(dir, 'trace.s');
  writeFileSync(file, 'movsd xmm7, [rdx+0x8]\nrorx rbp, [rdx], 0x2f\nret\n');
  const asm = tracesim('asm', '--at', '4096', '-f', file);
  expect(asm.status).toBe(0);
  const lines = columns(asm.stdout);
  expect(lines.map((l) => l[1])).toEqual(['f2 0f 10 7a 08', 'c4 e3 fb f0 2a 2f', 'c3']);
  const disasm = tracesim('disasm', '--at', '0x1000', lines.map((l) => l[1]).join(' '));
  expect(disasm.status).toBe(0);
  expect(columns(disasm.stdout)).toEqual(lines);
});

const BAD_INPUT: readonly [args: string[], message: RegExp][] = [
  [['asm', 'mov rax, [rbx'], /^tracesim: line 1 col 14: expected '\+', '-' or '\]'/],
  [['asm', 'nop; frob eax'], /^tracesim: line 1 col 6: unknown mnemonic 'frob'/],
  [['asm'], /^tracesim: give the instructions as TEXT, with -f FILE or as --example/],
  [['disasm'], /^tracesim: give the machine code as HEX or ask for --example/],
  [['asm', '-f', '/nonexistent/trace.s'], /^tracesim: \/nonexistent\/trace\.s: cannot read the file/],
  [['asm', '--at', 'zz', 'nop'], /^tracesim: --at: 'zz' is not an address/],
  [['disasm', '48 83 c4 b0 0f ff'], /^tracesim: offset 0x4 \(bytes 0f ff\): opcode 0f ff is not in the instruction table/],
  [['disasm', 'f0 01 c0'], /^tracesim: offset 0x0 \(bytes f0 01 c0\): prefix f0 \(lock\) is not supported/],
  [['disasm', '4g'], /^tracesim: HEX digit 2: 'g' is not a hex digit/],
  [['disasm', '48 8b'], /^tracesim: offset 0x0 \(bytes 48 8b\): truncated instruction/],
];

test.each(BAD_INPUT)('tracesim %j exits 2 with a located message', (args, message) => {
  const r = tracesim(...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('asm --example reproduces the addresses of the LuaJIT listing it comes from', () => {
  const listing = readFileSync(join(ROOT, 'fixtures/corpus/branch_side.jdump'), 'utf8').split('\n');
  const start = listing.indexOf('---- TRACE 1 mcode 106');
  const addresses = listing.slice(start + 1, listing.indexOf('---- TRACE 1 stop -> loop'))
    .filter((line) => /^[0-9a-f]{12}  /.test(line)).map((line) => line.slice(0, 12));
  const r = tracesim('asm', '--example');
  expect(r.status).toBe(0);
  expect(columns(r.stdout).map((l) => l[0])).toEqual(addresses);
});

test('disasm --example prints what objdump prints for its bytes', () => {
  const r = tracesim('disasm', '--example');
  expect(r.status).toBe(0);
  expect(columns(r.stdout).map((l) => l[2])).toEqual([
    'mov DWORD PTR [r14-0xec8],0x1',
    'movsd xmm0,QWORD PTR [r14-0x17708]',
    'cvttsd2si ebp,QWORD PTR [rdx+0x10]',
    'cmp DWORD PTR [rdx+0xc],0xfff90000',
    'rorx rbp,QWORD PTR [rdx],0x2f',
    'addsd xmm7,xmm0',
    'add ebp,0x1',
    'ret',
  ]);
});
