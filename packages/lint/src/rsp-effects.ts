// What one parsed mcode instruction does to the host stack pointer and to control flow. Known
// rsp arithmetic (add/sub of an immediate, lea from rsp, push, pop) is an exact adjustment;
// any other instruction that writes rsp is "unknown". The tables below are the whole rule set.
import type { InstructionInput, MemOperand, Operand } from '@tracesim/x86';

const RSP = 4;

export type Flow =
  | { readonly kind: 'next' }
  /** jmp: control goes only to the target (a rel address, or undefined when indirect). */
  | { readonly kind: 'jump'; readonly target?: number }
  /** jcc: to the target or on to the next instruction. */
  | { readonly kind: 'branch'; readonly target: number }
  | { readonly kind: 'call' }
  /** ret, ud2, int3, hlt: the path leaves trace code in a way no trace does. */
  | { readonly kind: 'end'; readonly mnemonic: string };

export type RspEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'adjust'; readonly bytes: number }
  | { readonly kind: 'unknown' };

export interface StackWrite {
  /** Displacement from rsp of the first byte written. */
  readonly disp: number;
  readonly bytes: number;
}

export interface InstructionEffect {
  readonly flow: Flow;
  readonly rsp: RspEffect;
  /** A store through `[rsp+disp]`, which must stay inside [rsp, rsp0+8). */
  readonly write?: StackWrite;
}

/** Mnemonics whose first operand is only read. */
const READS_FIRST = new Set(['cmp', 'test', 'bt', 'ucomisd', 'ucomiss', 'comisd', 'comiss', 'ptest', 'push', 'call', 'jmp']);
/** Mnemonics that end a path. */
const PATH_ENDS = new Set(['ret', 'ud2', 'int3', 'hlt']);
/** Element sizes of SSE moves that name an xmm register but move less than 16 bytes. */
const SSE_SCALAR_BYTES: Readonly<Record<string, number>> = { movsd: 8, movss: 4, movq: 8, movd: 4, cvtsd2ss: 4, cvtss2sd: 8 };

const isRsp = (op: Operand | undefined) => op?.kind === 'gpr' && op.num === RSP && op.width >= 32;
const isRspBased = (op: Operand | undefined): op is MemOperand => op?.kind === 'mem' && op.base === RSP && op.index === undefined;

function immediate(op: Operand | undefined): number | undefined {
  return op?.kind === 'imm' ? Number(op.value) : undefined;
}

function flowOf(input: InstructionInput): Flow {
  const { mnemonic, operands } = input;
  if (PATH_ENDS.has(mnemonic)) return { kind: 'end', mnemonic };
  if (mnemonic === 'call') return { kind: 'call' };
  const target = operands[0]?.kind === 'rel' ? operands[0].target : undefined;
  if (mnemonic === 'jmp') return { kind: 'jump', target };
  if (target !== undefined && mnemonic.startsWith('j')) return { kind: 'branch', target };
  return { kind: 'next' };
}

function rspOf(input: InstructionInput): RspEffect {
  const { mnemonic, operands } = input;
  const [dst, src] = operands;
  if (mnemonic === 'push') return { kind: 'adjust', bytes: -8 };
  if (mnemonic === 'pop') return isRsp(dst) ? { kind: 'unknown' } : { kind: 'adjust', bytes: 8 };
  if (mnemonic === 'xchg' && (isRsp(dst) || isRsp(src))) return { kind: 'unknown' };
  if (!isRsp(dst) || READS_FIRST.has(mnemonic)) return { kind: 'none' };
  const wide = dst?.kind === 'gpr' && dst.width === 64;
  const imm = immediate(src);
  if (wide && imm !== undefined && mnemonic === 'add') return { kind: 'adjust', bytes: imm };
  if (wide && imm !== undefined && mnemonic === 'sub') return { kind: 'adjust', bytes: -imm };
  if (wide && mnemonic === 'lea' && isRspBased(src)) return { kind: 'adjust', bytes: src.disp };
  return { kind: 'unknown' };
}

/** Bytes a store moves: the size keyword, else the register operand's width. */
function storeBytes(input: InstructionInput, mem: MemOperand): number {
  if (mem.width !== 0) return mem.width / 8;
  const scalar = SSE_SCALAR_BYTES[input.mnemonic];
  if (scalar !== undefined) return scalar;
  const reg = input.operands.find((op) => op.kind === 'gpr' || op.kind === 'xmm');
  if (reg?.kind === 'gpr') return reg.width / 8;
  return reg?.kind === 'xmm' ? 16 : 8;
}

function writeOf(input: InstructionInput): StackWrite | undefined {
  const [dst] = input.operands;
  if (!isRspBased(dst) || READS_FIRST.has(input.mnemonic) || input.mnemonic === 'lea') return undefined;
  return { disp: dst.disp, bytes: storeBytes(input, dst) };
}

export function instructionEffect(input: InstructionInput): InstructionEffect {
  const write = writeOf(input);
  return { flow: flowOf(input), rsp: rspOf(input), ...(write ? { write } : {}) };
}

/**
 * For a line the x86 parser does not know: no control flow, and "unknown" when its first
 * operand (the one x86 instructions write) is rsp or esp.
 */
export function unparsedEffect(text: string): InstructionEffect {
  const first = /^\S+\s+([^,]*)/.exec(text)?.[1].trim();
  return { flow: { kind: 'next' }, rsp: first === 'rsp' || first === 'esp' ? { kind: 'unknown' } : { kind: 'none' } };
}
