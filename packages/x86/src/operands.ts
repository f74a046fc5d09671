// The operand and instruction model shared by the encoder, decoder, printer, parser and
// the CPU model. Registers are numbered as in the ModRM/REX encoding (rax=0 … r15=15).

/** Operand widths in bits. 128 is used only by xmm registers and 128-bit memory operands. */
export type Width = 8 | 16 | 32 | 64 | 128;

/** A general-purpose register at a width. `high8` marks ah/ch/dh/bh (num 4..7 without REX). */
export interface GprOperand {
  readonly kind: 'gpr';
  readonly num: number;
  readonly width: 8 | 16 | 32 | 64;
  readonly high8?: boolean;
}

/** An SSE register xmm0..xmm15. */
export interface XmmOperand {
  readonly kind: 'xmm';
  readonly num: number;
}

/**
 * A memory operand. `width` is the access size in bits (0 for `lea`, which does not
 * access memory). `base` is a GPR number, 'rip' for RIP-relative, or undefined for an
 * absolute disp32. For RIP-relative operands `disp` is relative to the next instruction.
 */
export interface MemOperand {
  readonly kind: 'mem';
  readonly width: 0 | Width;
  readonly base?: number | 'rip';
  readonly index?: number;
  readonly scale: 1 | 2 | 4 | 8;
  readonly disp: number;
  /**
   * Forces the displacement field's size where the shortest encoding would use a smaller
   * one (set by the decoder for such bytes and by the parser for an explicit `+0x0`).
   */
  readonly dispWidth?: 8 | 32;
}

/**
 * An immediate. `value` is the value as written (sign-extended where the form sign-extends);
 * decoded and resolved instructions hold it canonical: signed at the operation width, or
 * unsigned 0..255 for unsigned byte operands (shift counts, rorx, roundsd). `width` is the
 * encoded immediate's size.
 */
export interface ImmOperand {
  readonly kind: 'imm';
  readonly value: bigint;
  readonly width: 8 | 16 | 32 | 64;
}

/** A relative branch target, held as the absolute target address. */
export interface RelOperand {
  readonly kind: 'rel';
  readonly target: number;
  readonly width: 8 | 32;
}

export type Operand = GprOperand | XmmOperand | MemOperand | ImmOperand | RelOperand;

/**
 * A decoded (or parsed) instruction. `mnemonic` is objdump's spelling (`je`, `cmovne`,
 * `setb`, `movsd`, `nop`); for the condition-code families (jcc, setcc, cmovcc) `cond`
 * is the 4-bit condition number (0 = o … 15 = g). `formId` indexes the form table.
 */
export interface Instruction {
  readonly mnemonic: string;
  readonly formId: number;
  readonly operands: readonly Operand[];
  readonly cond?: number;
  /** Address of the first byte (0 when assembled without an address). */
  readonly address: number;
  /** Encoded length in bytes (0 before encoding). */
  readonly length: number;
}
