// Multi-byte nops of every length 1..11 in the forms GNU as `.nops` emits (Intel's
// recommended 0F 1F /0 sequences; 10 and 11 bytes add cs and data16 prefixes).
import { formMnemonic, INSTRUCTION_FORMS } from './forms';
import type { Instruction, MemOperand, Operand } from './operands';

const AT_RAX = { kind: 'mem', base: 0, scale: 1, disp: 0 } as const;
const AT_RAX_RAX = { kind: 'mem', base: 0, index: 0, scale: 1, disp: 0 } as const;

/** Per length 1..11: the legacy prefixes of the form, and the nop's memory operand. */
const NOP_SHAPES = [
  { prefixes: '', mem: undefined },
  { prefixes: '66', mem: undefined }, // xchg ax,ax
  { prefixes: '', mem: AT_RAX },
  { prefixes: '', mem: { ...AT_RAX, dispWidth: 8 } },
  { prefixes: '', mem: { ...AT_RAX_RAX, dispWidth: 8 } },
  { prefixes: '66', mem: { ...AT_RAX_RAX, dispWidth: 8 } },
  { prefixes: '', mem: { ...AT_RAX, dispWidth: 32 } },
  { prefixes: '', mem: { ...AT_RAX_RAX, dispWidth: 32 } },
  { prefixes: '66', mem: { ...AT_RAX_RAX, dispWidth: 32 } },
  { prefixes: '66 2e', mem: { ...AT_RAX_RAX, dispWidth: 32 } },
  { prefixes: '66 66 2e', mem: { ...AT_RAX_RAX, dispWidth: 32 } },
] as const;

/** The `length`-byte nop (1..11) as an instruction; encode it with `{ keepForm: true }`. */
export function nopInstruction(length: number, address = 0): Instruction {
  if (!Number.isInteger(length) || length < 1 || length > 11) throw new RangeError(`nop length ${length} is not 1..11`);
  const shape = NOP_SHAPES[length - 1];
  const mnemonic = shape.mem === undefined && shape.prefixes ? 'xchg' : 'nop';
  const form = INSTRUCTION_FORMS.find((f) => f.mnemonic === mnemonic &&
    f.prefixes.map((p) => p.toString(16)).join(' ') === shape.prefixes &&
    (f.operands.length > 0) === (mnemonic === 'xchg' || shape.mem !== undefined))!;
  const ax: Operand = { kind: 'gpr', num: 0, width: 16 };
  const operands: Operand[] = mnemonic === 'xchg' ? [ax, ax]
    : shape.mem ? [{ ...shape.mem, width: form.prefixes.includes(0x66) ? 16 : 32 } as MemOperand] : [];
  return { mnemonic: formMnemonic(form, undefined), formId: form.id, operands, address, length };
}
