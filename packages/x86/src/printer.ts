// The Intel-syntax printer in objdump's style: `mov rax,QWORD PTR [rdx+0x8]`,
// immediates in hex unsigned at the operation width, branch targets as absolute hex.
// (Differences from objdump's own text are listed in the README's normalisation.)
import { INSTRUCTION_FORMS, type Form, type OperandKind } from './forms';
import { immediateText, isImmediateKind } from './immediates';
import type { Instruction, MemOperand, Operand } from './operands';
import { gprName, GPR64_NAMES, xmmName } from './registers';

const SIZE_KEYWORDS: Record<number, string> = { 8: 'BYTE PTR ', 16: 'WORD PTR ', 32: 'DWORD PTR ', 64: 'QWORD PTR ', 128: 'XMMWORD PTR ' };

function hex(value: number | bigint): string {
  return '0x' + value.toString(16);
}

/** Whether the encoding of `mem` carries a displacement field (objdump then prints +0x0). */
function hasDisplacementField(mem: MemOperand): boolean {
  if (mem.base === undefined || mem.base === 'rip') return true;
  return mem.disp !== 0 || mem.dispWidth !== undefined || (mem.base & 7) === 5;
}

export function formatMemory(mem: MemOperand): string {
  const size = SIZE_KEYWORDS[mem.width] ?? '';
  if (mem.base === undefined && mem.index === undefined) {
    return `${size}ds:${hex(BigInt.asUintN(64, BigInt(mem.disp)))}`;
  }
  const parts: string[] = [];
  if (mem.base === 'rip') parts.push('rip');
  else if (mem.base !== undefined) parts.push(GPR64_NAMES[mem.base]);
  if (mem.index !== undefined) parts.push(`${GPR64_NAMES[mem.index]}*${mem.scale}`);
  let text = parts.join('+');
  if (mem.base === 'rip') text += '+' + hex(BigInt.asUintN(64, BigInt(mem.disp)));
  else if (mem.disp < 0) text += '-' + hex(-mem.disp);
  else if (hasDisplacementField(mem)) text += '+' + hex(mem.disp);
  return `${size}[${text}]`;
}

export function formatOperand(op: Operand, kind?: OperandKind, form?: Form): string {
  switch (op.kind) {
    case 'gpr': return gprName(op);
    case 'xmm': return xmmName(op);
    case 'mem': return formatMemory(op);
    case 'rel': return hex(BigInt.asUintN(64, BigInt(op.target)));
    case 'imm':
      if (kind === 'one') return '1';
      if (kind && form && isImmediateKind(kind)) return immediateText(kind, form, op.value);
      return op.value < 0n ? '-' + hex(-op.value) : hex(op.value);
  }
}

/** The instruction as objdump -d -M intel prints it (single space after the mnemonic). */
export function formatInstruction(instr: Pick<Instruction, 'mnemonic' | 'operands' | 'formId'>): string {
  const form: Form | undefined = INSTRUCTION_FORMS[instr.formId];
  const operands = instr.operands.map((op, i) => formatOperand(op, form?.operands[i], form)).join(',');
  const head = form?.prefixText ? `${form.prefixText} ${instr.mnemonic}` : instr.mnemonic;
  return operands ? `${head} ${operands}` : head;
}
