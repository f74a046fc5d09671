// IR reference numbering: constants grow down from REF_BIAS, instructions up from REF_FIRST,
// and -jdump prints a reference as %04d relative to the bias.

export const REF_BIAS = 0x8000;
export const REF_TRUE = REF_BIAS - 3;
export const REF_FALSE = REF_BIAS - 2;
export const REF_NIL = REF_BIAS - 1;
export const REF_BASE = REF_BIAS;
export const REF_FIRST = REF_BIAS + 1;

/** A biased IR reference (instruction if >= REF_FIRST, constant if < REF_BIAS). */
export type Ref = number;

export function isConstRef(ref: Ref): boolean {
  return ref < REF_BIAS;
}

/** Instruction ref → index into Trace.ins. */
export function insIndex(ref: Ref): number {
  return ref - REF_FIRST;
}

export function insRef(index: number): Ref {
  return REF_FIRST + index;
}

/** Constant ref → index into Trace.consts (0 = nil, 1 = false, 2 = true). */
export function constIndex(ref: Ref): number {
  return REF_NIL - ref;
}

export function constRef(index: number): Ref {
  return REF_NIL - index;
}

/** `%04d` of the biased ref, as -jdump prints it. */
export function formatRef(ref: Ref): string {
  return String(ref - REF_BIAS).padStart(4, '0');
}
