// The instruction-selection tables: which x86 instruction computes each IR arithmetic op, and
// for each comparison guard which flags hold when the guard passes (so the exit branch takes
// the opposite condition). Condition numbers are x86's (o=0 … g=15).

import type { ArithOp, ComparisonOp } from '@tracesim/ir';

export const COND = { o: 0, no: 1, b: 2, ae: 3, e: 4, ne: 5, be: 6, a: 7, s: 8, ns: 9, p: 10, np: 11, l: 12, ge: 13, le: 14, g: 15 } as const;

/** The condition that is false exactly when `cond` is true. */
export function negate(cond: number): number {
  return cond ^ 1;
}

/** int arithmetic: the two-operand x86 op, and whether the result must fit (the guard exits on `jo`). */
export const INT_ARITH: Partial<Record<ArithOp, { readonly mnemonic: 'add' | 'sub' | 'imul'; readonly overflowGuard: boolean }>> = {
  ADD: { mnemonic: 'add', overflowGuard: false },
  SUB: { mnemonic: 'sub', overflowGuard: false },
  MUL: { mnemonic: 'imul', overflowGuard: false },
  ADDOV: { mnemonic: 'add', overflowGuard: true },
  SUBOV: { mnemonic: 'sub', overflowGuard: true },
  MULOV: { mnemonic: 'imul', overflowGuard: true },
};

/** int MIN/MAX: keep the first operand unless this condition holds after `cmp a, b`, then take b. */
export const INT_MINMAX: Partial<Record<ArithOp, number>> = { MIN: COND.g, MAX: COND.l };

/** num arithmetic: the scalar SSE2 op (minsd/maxsd keep the second operand when unordered, as LuaJIT's). */
export const NUM_ARITH: Partial<Record<ArithOp, string>> = {
  ADD: 'addsd',
  SUB: 'subsd',
  MUL: 'mulsd',
  DIV: 'divsd',
  MIN: 'minsd',
  MAX: 'maxsd',
};

/** int comparisons: the condition after `cmp a, b` under which the guard passes. */
export const INT_COMPARE: Record<ComparisonOp, number> = {
  LT: COND.l, GE: COND.ge, LE: COND.le, GT: COND.g,
  ULT: COND.b, UGE: COND.ae, ULE: COND.be, UGT: COND.a,
  EQ: COND.e, NE: COND.ne, ABC: COND.a,
};

/**
 * num comparisons via `ucomisd`: `swap` compares (b, a) instead of (a, b); the guard passes when
 * `holds`. Unordered operands set ZF, PF and CF, so the ordered forms fail on NaN and the U forms
 * pass. EQ and NE also need PF and are emitted specially.
 */
export const NUM_COMPARE: Record<Exclude<ComparisonOp, 'EQ' | 'NE'>, { readonly swap: boolean; readonly holds: number }> = {
  LT: { swap: true, holds: COND.a },
  GT: { swap: false, holds: COND.a },
  GE: { swap: false, holds: COND.ae },
  LE: { swap: true, holds: COND.ae },
  ULT: { swap: false, holds: COND.b },
  UGT: { swap: true, holds: COND.b },
  ULE: { swap: false, holds: COND.be },
  UGE: { swap: true, holds: COND.be },
  ABC: { swap: true, holds: COND.b },
};

/** Bit masks num NEG and ABS apply with xorpd / andpd (16-byte constants). */
export const SIGN_MASK = 0x8000_0000_0000_0000n;
export const ABS_MASK = 0x7fff_ffff_ffff_ffffn;
