// Constant folding for the builder: int/num arithmetic on constants (int32 wrap, overflow
// guards left in place), algebraic identities that hold bit-exactly (-0 included), constant
// comparisons (numbers; EQ/NE of any other constants) and conversions. Evaluation goes through arith.ts, as the interpreter does.

import { checkedNumToInt, evalAbs, evalArith, evalCompare, evalFpmath, evalNeg, truncateToInt } from './arith';
import type { ConstPool } from './constants';
import { decodeConv, FPMATH_NAMES } from './literals';
import { ARITH_OPS, COMPARISON_OPS, type ArithOp, type ComparisonOp, type IROpName } from './opcodes';
import { isConstRef, type Ref } from './refs';
import type { IRConst } from './trace';
import { isNumericType, type IRTypeName, type NumericType } from './types';

export type FoldOutcome =
  /** Use an existing value (identity) or a new constant instead of emitting. */
  | { readonly kind: 'ref'; readonly ref: Ref }
  /** A guard that always holds: emit nothing. */
  | { readonly kind: 'drop' }
  | undefined;

function numericConst(pool: ConstPool, ref: Ref, type: NumericType): number | undefined {
  if (!isConstRef(ref)) return undefined;
  const k = pool.get(ref);
  if (type === 'int' && k.op === 'KINT' && k.type === 'int') return k.value;
  if (type === 'num' && k.op === 'KNUM') return k.value;
  return undefined;
}

function constOf(pool: ConstPool, type: NumericType, value: number): Ref {
  const k: IRConst = type === 'int' ? { op: 'KINT', type: 'int', value } : { op: 'KNUM', type: 'num', value };
  return pool.intern(k);
}

/** x op c == x for every x (bit-exact, so num x + 0 is NOT an identity: -0 + 0 = +0). */
function isIdentity(op: ArithOp, type: NumericType, c: number, constOnRight: boolean): boolean {
  switch (op) {
    case 'ADD':
    case 'ADDOV':
      return type === 'int' ? c === 0 : Object.is(c, -0);
    case 'SUB':
    case 'SUBOV':
      return constOnRight && (type === 'int' ? c === 0 : Object.is(c, 0));
    case 'MUL':
    case 'MULOV':
      return c === 1;
    default:
      return false;
  }
}

export function foldIns(pool: ConstPool, op: IROpName, type: IRTypeName, op1: number, op2: number): FoldOutcome {
  if ((ARITH_OPS as readonly string[]).includes(op) && isNumericType(type)) {
    const arith = op as ArithOp;
    const a = numericConst(pool, op1, type);
    const b = numericConst(pool, op2, type);
    if (a !== undefined && b !== undefined) {
      const r = evalArith(arith, type, a, b);
      return 'value' in r ? { kind: 'ref', ref: constOf(pool, type, r.value) } : undefined;
    }
    if (b !== undefined && isIdentity(arith, type, b, true)) return { kind: 'ref', ref: op1 };
    if (a !== undefined && isIdentity(arith, type, a, false)) return { kind: 'ref', ref: op2 };
    if (type === 'int' && op === 'MUL' && (a === 0 || b === 0)) return { kind: 'ref', ref: constOf(pool, 'int', 0) };
    return undefined;
  }
  if ((op === 'NEG' || op === 'ABS') && isNumericType(type)) {
    const a = numericConst(pool, op1, type);
    if (a === undefined) return undefined;
    return { kind: 'ref', ref: constOf(pool, type, op === 'NEG' ? evalNeg(type, a) : evalAbs(type, a)) };
  }
  if ((COMPARISON_OPS as readonly string[]).includes(op) && isNumericType(type)) {
    const a = numericConst(pool, op1, type);
    const b = numericConst(pool, op2, type);
    if (a !== undefined && b !== undefined && evalCompare(op as ComparisonOp, type, a, b)) return { kind: 'drop' };
    return undefined;
  }
  if ((op === 'EQ' || op === 'NE') && !isNumericType(type) && isConstRef(op1) && isConstRef(op2)) {
    // Constants are interned, so two constant refs are the same value exactly when they are equal.
    return (op1 === op2) === (op === 'EQ') ? { kind: 'drop' } : undefined;
  }
  if (op === 'CONV') {
    const conv = decodeConv(op2);
    if (conv.dst === 'num' && conv.src === 'int') {
      const a = numericConst(pool, op1, 'int');
      return a === undefined ? undefined : { kind: 'ref', ref: constOf(pool, 'num', a) };
    }
    if (conv.dst === 'int' && conv.src === 'num') {
      const a = numericConst(pool, op1, 'num');
      if (a === undefined) return undefined;
      const i = conv.check === 'check' || conv.check === 'index' ? checkedNumToInt(a) : truncateToInt(a);
      return i === undefined ? undefined : { kind: 'ref', ref: constOf(pool, 'int', i) };
    }
    return undefined;
  }
  if (op === 'FPMATH' && type === 'num') {
    const a = numericConst(pool, op1, 'num');
    const r = a === undefined ? undefined : evalFpmath(FPMATH_NAMES[op2], a);
    return r === undefined ? undefined : { kind: 'ref', ref: constOf(pool, 'num', r) };
  }
  return undefined;
}
