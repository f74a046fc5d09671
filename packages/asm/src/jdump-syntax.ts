// Prints an x86 instruction and an mcode listing line the way LuaJIT's dis_x64 and dump.lua do:
// condition names o/no/b/nb/z/nz/be/a/s/ns/pe/po/l/ge/le/g, memory sizes (`dword`) only when no
// register operand gives the size, a displacement whenever the encoding has one (`[rbp+0x0]`),
// imm8 sign-extended to a wider operation as `+0x05`/`-0x0c`, unsigned imm8 as `0x09`, a negative imm32 of a 64-bit
// operation as `-0xa8`, other immediates as unsigned hex at the operation width; movabs is `mov`.

import { gprName, INSTRUCTION_FORMS, xmmName, type Instruction, type MemOperand, type Operand } from '@tracesim/x86';

/** dis_x64's condition-code names, indexed by the 4-bit condition number. */
const JDUMP_CONDITIONS = ['o', 'no', 'b', 'nb', 'z', 'nz', 'be', 'a', 's', 'ns', 'pe', 'po', 'l', 'ge', 'le', 'g'] as const;

const SIZE_NAMES: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword', 128: 'oword' };

const RBP = 5;
const R13 = 13;

function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

function signedHex(value: bigint, digits: number): string {
  const magnitude = (value < 0n ? -value : value).toString(16).padStart(digits, '0');
  return `${value < 0n ? '-' : '+'}0x${magnitude}`;
}

function formatMemory(mem: MemOperand, withSize: boolean): string {
  const parts: string[] = [];
  if (mem.base === 'rip') parts.push('rip');
  else if (mem.base !== undefined) parts.push(gprName({ kind: 'gpr', num: mem.base, width: 64 }));
  if (mem.index !== undefined) {
    const index = gprName({ kind: 'gpr', num: mem.index, width: 64 });
    parts.push(mem.scale === 1 ? index : `${index}*${mem.scale}`);
  }
  let text = parts.join('+');
  // A displacement field is printed whenever the encoding has one (rbp/r13 bases always do).
  const hasDispField = mem.disp !== 0 || mem.dispWidth !== undefined || mem.base === RBP || mem.base === R13;
  if (hasDispField || parts.length === 0) {
    if (parts.length === 0) text = hex(mem.disp >>> 0);
    else text += mem.disp < 0 ? `-${hex(-mem.disp)}` : `+${hex(mem.disp)}`;
  }
  const size = withSize && mem.width !== 0 ? `${SIZE_NAMES[mem.width]} ` : '';
  return `${size}[${text}]`;
}

function formatImmediate(instr: Instruction, k: number, value: bigint, width: number): string {
  const form = INSTRUCTION_FORMS[instr.formId];
  // imm8 sign-extended to a wider operation; an 8-bit operation's imm8 prints unsigned.
  if (form.operands[k] === 'imm8' && form.operationWidth > 8) return signedHex(value, 2);
  if (form.operands[k] === 'u8') return `0x${value.toString(16).padStart(2, '0')}`;
  const bits = BigInt(form.operationWidth);
  if (width === 32 && bits === 64n && value < 0n) return signedHex(value, 1);
  return hex(value < 0n ? value + (1n << bits) : value);
}

export function formatJdumpInstruction(instr: Instruction): string {
  const mnemonic = instr.cond !== undefined
    ? INSTRUCTION_FORMS[instr.formId].mnemonic + JDUMP_CONDITIONS[instr.cond]
    : instr.mnemonic === 'movabs' ? 'mov' : instr.mnemonic;
  const hasRegister = instr.operands.some((op) => op.kind === 'gpr' || op.kind === 'xmm');
  const text = instr.operands.map((op: Operand, k): string => {
    switch (op.kind) {
      case 'gpr': return gprName(op);
      case 'xmm': return xmmName(op);
      case 'mem': return formatMemory(op, !hasRegister);
      case 'imm': return formatImmediate(instr, k, op.value, op.width);
      case 'rel': return hex(op.target);
    }
  });
  return text.length === 0 ? mnemonic : `${mnemonic} ${text.join(', ')}`;
}

/**
 * One line of a `-jdump` mcode listing: hex address, two spaces, the instruction, and for
 * branches to exit stubs, the loop label or helpers, a tab and `->N` / `->LOOP` / `->name`.
 */
export function formatMcodeLine(instr: Instruction, target?: number | 'LOOP' | string): string {
  const note = target === undefined ? '' : `\t->${target}`;
  return `${instr.address.toString(16)}  ${formatJdumpInstruction(instr)}${note}`;
}
