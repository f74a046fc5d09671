// Property: the rsp the lint tracks through straight-line code equals the rsp the CPU model ends
// with after running the same instructions (assembled by the x86 package). Random sequences of
// rsp arithmetic (add, sub, lea, push, pop) mixed with instructions that only read rsp.
import fc from 'fast-check';
import { runSnippet, SANDBOX } from '@tracesim/cpu-sim';
import { lintDump } from '@tracesim/lint';
import { parseInstruction } from '@tracesim/x86';

const SEED = 0x5a11;
const hex = (n: number) => (n < 0 ? '-' : '') + '0x' + Math.abs(n).toString(16);

const INSTRUCTION = fc.oneof(
  fc.integer({ min: -8, max: 8 }).map((k) => `add rsp, ${k < 0 ? '-' : '+'}0x${Math.abs(k * 8).toString(16).padStart(2, '0')}`),
  fc.integer({ min: 1, max: 8 }).map((k) => `sub rsp, 0x${(k * 8).toString(16)}`),
  fc.integer({ min: -8, max: 8 }).map((k) => `lea rsp, [rsp${k < 0 ? '-' : '+'}${hex(Math.abs(k * 8))}]`),
  fc.constantFrom('push rax', 'push rbx', 'pop rcx', 'pop rdx', 'mov rax, rbx', 'cmp rsp, rax', 'test rsp, rsp', 'add rax, 0x10', 'lea rax, [rsp+0x8]'),
);

function dumpOf(instructions: readonly string[]): string {
  const mcode = ['mov dword [r14-0xec8], 0x1', ...instructions, 'jmp 0xdead0'].map((text, i) => `${(0x1000 + 8 * i).toString(16)}  ${text}`);
  return ['---- TRACE 1 start prop.lua:1', '---- TRACE 1 mcode 0', ...mcode, '---- TRACE 1 stop -> interpreter', ''].join('\n');
}

test(`the lint's rsp at the tail equals the CPU model's (seed ${hex(SEED)})`, () => {
  fc.assert(fc.property(fc.array(INSTRUCTION, { maxLength: 24 }), (instructions) => {
    const bytes = instructions.flatMap((text) => Array.from(parseInstruction(text).bytes));
    const run = runSnippet({ code: Uint8Array.from(bytes) });
    expect(run.fault).toBeUndefined();
    const cpuOffset = Number(run.gprs[4]) - SANDBOX.rsp;
    const tail = lintDump(dumpOf(instructions), 'prop.jdump').findings.filter((f) => f.kind === 'exit-interp');
    expect(tail.length === 0 ? 0 : tail[0].actualOffset).toBe(cpuOffset);
  }), { seed: SEED, numRuns: 300 });
});
