// An incremental machine-code buffer for one trace: each instruction is encoded at the current
// address as it is emitted (so backward labels and RIP-relative constants resolve at once),
// and keeps a listing note (`->N` exit, `->LOOP`, `->exit_interp`, `->T` trace) for -jdump.

import { resolveShared, type Instruction, type InstructionInput, type Operand } from '@tracesim/x86';
import type { CodeSequence } from './code-sequence';

export type Note = number | 'LOOP' | string;

export const gpr = (num: number, width: 32 | 64 = 64): Operand => ({ kind: 'gpr', num, width });
export const xmm = (num: number): Operand => ({ kind: 'xmm', num: num & 15 });
export const mem = (base: number, disp: number, width: 0 | 32 | 64 | 128): Operand => ({ kind: 'mem', width, base, scale: 1, disp });
export const imm = (value: number | bigint, width: 8 | 32 | 64): Operand => ({ kind: 'imm', value: BigInt(value), width });
export const rel = (target: number, width: 8 | 32): Operand => ({ kind: 'rel', target, width });

/** A RIP-relative memory operand naming an absolute address; the emitter fixes the displacement. */
export interface RipRef {
  readonly kind: 'riprel';
  readonly address: number;
  readonly width: 32 | 64 | 128;
}
export const ripRef = (address: number, width: 32 | 64 | 128): RipRef => ({ kind: 'riprel', address, width });

export interface EmittedLine {
  readonly instr: Instruction;
  readonly note?: Note;
  /** Printed before the instruction (the `->LOOP:` label). */
  readonly label?: string;
}

export class Emitter {
  private code = new Uint8Array(1024);
  private length = 0;
  readonly lines: EmittedLine[] = [];
  private pendingLabel?: string;

  constructor(readonly address: number) {}

  get here(): number {
    return this.address + this.length;
  }

  /** Emits one instruction; `long` forces the rel32 branch forms LuaJIT patches. */
  emit(mnemonic: string, operands: readonly (Operand | RipRef)[], opts: { long?: boolean; note?: Note; cond?: number } = {}): Instruction {
    const at = this.here;
    const where = { address: at, long: opts.long };
    let encoded: { instr: Instruction; bytes: Uint8Array };
    if (operands.some((op) => op.kind === 'riprel')) {
      // A RIP-relative displacement is always 32 bits, so the length found with 0 holds.
      const end = at + resolveShared(withRip(mnemonic, opts.cond, operands, () => 0), where).bytes.length;
      encoded = resolveShared(withRip(mnemonic, opts.cond, operands, (r) => r.address - end), where);
    } else {
      encoded = resolveShared({ mnemonic, cond: opts.cond, operands: operands as readonly Operand[] }, where);
    }
    this.put(encoded.bytes);
    const line: { instr: Instruction; note?: Note; label?: string } = { instr: encoded.instr };
    if (opts.note !== undefined) line.note = opts.note;
    if (this.pendingLabel) line.label = this.pendingLabel;
    this.lines.push(line);
    this.pendingLabel = undefined;
    return encoded.instr;
  }

  /** Appends an already encoded sequence (heads and tails from heads-tails.ts) at the current address. */
  append(seq: CodeSequence, note?: Note): void {
    seq.instructions.forEach((instr, k) => {
      const last = k === seq.instructions.length - 1;
      this.lines.push({ instr, ...(last && note !== undefined ? { note } : {}), ...(k === 0 && this.pendingLabel ? { label: this.pendingLabel } : {}) });
      if (k === 0) this.pendingLabel = undefined;
    });
    this.put(seq.bytes);
  }

  /** Names the next instruction's address in the listing (`->LOOP:`). */
  label(name: string): number {
    this.pendingLabel = name;
    return this.here;
  }

  bytes(): Uint8Array {
    return this.code.slice(0, this.length);
  }

  private put(bytes: ArrayLike<number>): void {
    if (this.length + bytes.length > this.code.length) {
      const grown = new Uint8Array(Math.max(2 * this.code.length, this.length + bytes.length));
      grown.set(this.code.subarray(0, this.length));
      this.code = grown;
    }
    this.code.set(bytes, this.length);
    this.length += bytes.length;
  }
}

/** The encoder's input for an instruction with RIP-relative operands, their displacements from `disp`. */
function withRip(mnemonic: string, cond: number | undefined, operands: readonly (Operand | RipRef)[], disp: (r: RipRef) => number): InstructionInput {
  return {
    mnemonic,
    cond,
    operands: operands.map((op): Operand => (op.kind === 'riprel' ? { kind: 'mem', width: op.width, base: 'rip', scale: 1, disp: disp(op) } : op)),
  };
}
