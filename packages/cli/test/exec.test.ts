// `tracesim exec` runs as a process: final state as JSON and text, faults (exit 1 with a
// `fault` field), usage errors (exit 2 with a located message). Expected values are worked
// out by hand from the instruction semantics in the Intel SDM.
import { execFileSync, spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');

function tracesim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, 'exec', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
});

test('add rax, rbx with --json: registers, flags and the documented fields', () => {
  // 48 01 d8 = add rax, rbx; 0xffffffffffffffff + 2 = 1 with a carry out
  const r = tracesim('--hex', '4801d8', '--reg', 'rax=-1', '--reg', 'rbx=2', '--json');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out)).toEqual(['gpr', 'flags', 'rflags', 'xmm', 'buffer', 'rip', 'steps']);
  expect(out.gpr.rax).toBe('0x0000000000000001');
  expect(out.gpr.rbx).toBe('0x0000000000000002');
  expect(out.gpr.rdi).toBe('0x0000000010000000'); // the scratch buffer
  expect(out.flags).toEqual({ CF: 1, PF: 0, AF: 1, ZF: 0, SF: 0, OF: 0 });
  expect(out.steps).toBe(1);
  expect(out.rip).toBe('0x10020003');
});

test('--mem-reg, --mem and --xmm: a store to the buffer and an SSE add', () => {
  // 48 89 06 = mov [rsi], rax; f2 0f 58 c1 = addsd xmm0, xmm1 (1.5 + 2.25 = 3.75)
  const r = tracesim('--hex', '488906f20f58c1', '--mem-reg', 'rsi', '--mem', 'ffff', '--reg', 'rax=0x1122334455667788',
    '--xmm', '0=0x3ff8000000000000', '--xmm', '1=0xabcd4002000000000000', '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.gpr.rsi).toBe('0x0000000010000000');
  expect(out.buffer.bytes.slice(0, 20)).toBe('8877665544332211' + '0000');
  expect(out.xmm.xmm0).toEqual({ lo: '0x400e000000000000', hi: '0x0000000000000000' });
  expect(out.xmm.xmm1).toEqual({ lo: '0x4002000000000000', hi: '0x000000000000abcd' });
});

test('text output lists registers, flags, xmm and the buffer', () => {
  const r = tracesim('--hex', '31c0', '--reg', 'rax=5'); // xor eax, eax
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('rax 0x0000000000000000');
  expect(r.stdout).toContain('flags CF=0 PF=1 AF=0 ZF=1 SF=0 OF=0');
  expect(r.stdout).toContain(' xmm15 0x0000000000000000 0x0000000000000000'.slice(1));
  expect(r.stdout).toContain('buffer at 0x10000000:');
});

test.each([
  ['a read of unmapped memory', ['--hex', '488b042500000000'], '#PF', '0x10020000', '0x0'],
  ['a division by zero', ['--hex', '48f7f1'], '#DE', '0x10020000', null],
  ['undecodable bytes', ['--hex', '0f04'], '#UD', '0x10020000', null],
  ['an exhausted step budget', ['--hex', 'ebfe', '--steps', '50'], 'budget', '0x10020000', null],
])('%s prints a fault and exits 1', (_what, args, kind, rip, address) => {
  const r = tracesim(...args, '--json');
  expect(r.status).toBe(1);
  const out = JSON.parse(r.stdout);
  expect(out.fault.kind).toBe(kind);
  expect(out.fault.rip).toBe(rip);
  expect(out.fault.address).toBe(address);
});

test.each([
  [['--hex', '48zz'], 'tracesim: --hex: '],
  [['--hex', '90', '--reg', 'rzx=1'], "tracesim: --reg rzx=1: 'rzx' is not a 64-bit register"],
  [['--hex', '90', '--reg', 'eax=1'], "tracesim: --reg eax=1: 'eax' is not a 64-bit register"],
  [['--hex', '90', '--xmm', '16=0'], 'tracesim: --xmm 16=0: '],
  [['--hex', '90', '--reg', 'rax=0x1ffffffffffffffff'], 'does not fit in 64 bits'],
  [['--reg', 'rax=1'], 'Missing required argument: hex'],
])('usage error %j exits 2', (args, message) => {
  const r = tracesim(...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(message);
});
