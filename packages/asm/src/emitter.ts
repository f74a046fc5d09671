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
  private readonly chunks: number[] = [];
  readonly lines: EmittedLine[] = [];
  private pendingLabel?: string;

  constructor(readonly address: number) {}

  get here(): number {
    return this.address + this.chunks.length;
  }

  /** Emits one instruction; `long` forces the rel32 branch forms LuaJIT patches. */
  emit(mnemonic: string, operands: readonly (Operand | RipRef)[], opts: { long?: boolean; note?: Note; cond?: number } = {}): Instruction {
    const at = this.here;
    const where = { address: at, long: opts.long };
    const input = (resolveRip: (r: RipRef) => number): InstructionInput => ({
      mnemonic,
      ...(opts.cond === undefined ? {} : { cond: opts.cond }),
      operands: operands.map((op): Operand => (op.kind === 'riprel' ? { kind: 'mem', width: op.width, base: 'rip', scale: 1, disp: resolveRip(op) } : op)),
    });
    let ripRelative = false;
    for (const op of operands) if (op.kind === 'riprel') ripRelative = true;
    let encoded: { instr: Instruction; bytes: Uint8Array };
    if (ripRelative) {
      // A RIP-relative displacement is always 32 bits, so the length found with 0 holds.
      const end = at + resolveShared(input(() => 0), where).bytes.length;
      encoded = resolveShared(input((r) => r.address - end), where);
    } else {
      encoded = resolveShared(opts.cond === undefined ? { mnemonic, operands: operands as readonly Operand[] } : { mnemonic, cond: opts.cond, operands: operands as readonly Operand[] }, where);
    }
    const { instr, bytes } = encoded;
    for (let k = 0; k < bytes.length; k++) this.chunks.push(bytes[k]);
    const line: { instr: Instruction; note?: Note; label?: string } = { instr };
    if (opts.note !== undefined) line.note = opts.note;
    if (this.pendingLabel) line.label = this.pendingLabel;
    this.lines.push(line);
    this.pendingLabel = undefined;
    return instr;
  }

  /** Appends an already encoded sequence (heads and tails from heads-tails.ts) at the current address. */
  append(seq: CodeSequence, note?: Note): void {
    seq.instructions.forEach((instr, k) => {
      const last = k === seq.instructions.length - 1;
      this.lines.push({ instr, ...(last && note !== undefined ? { note } : {}), ...(k === 0 && this.pendingLabel ? { label: this.pendingLabel } : {}) });
      if (k === 0) this.pendingLabel = undefined;
    });
    this.chunks.push(...seq.bytes);
  }

  /** Names the next instruction's address in the listing (`->LOOP:`). */
  label(name: string): number {
    this.pendingLabel = name;
    return this.here;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}
