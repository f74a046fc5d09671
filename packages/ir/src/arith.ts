// Semantics of int/num arithmetic, comparisons and number<->int conversion, as LuaJIT's x64
// backend executes them (int32 wrap-around, x86 cvttsd2si, SSE min/max operand order, unordered
// FP compares). Constant folding and the reference interpreter both evaluate through here.

import { luaPow } from '@tracesim/machine';
import { luaModInt, luaModNum } from './calls';
import type { ArithOp, ComparisonOp } from './opcodes';
import type { FpmathName } from './literals';
import type { NumericType } from './types';

/** x86 cvttsd2si: truncate toward zero; NaN and out-of-range give 0x80000000. */
export function truncateToInt(n: number): number {
  return Number.isNaN(n) || n >= 2 ** 31 || n <= -(2 ** 31) - 1 ? -(2 ** 31) : Math.trunc(n) | 0;
}

/** CONV int.num with a check: the int, or undefined when n is not exactly an int32 (-0 passes). */
export function checkedNumToInt(n: number): number | undefined {
  const i = truncateToInt(n);
  return i === n ? i : undefined;
}

/** Result of an arithmetic op: a value, an overflow (ADDOV/SUBOV/MULOV guard fails), or undefined behaviour. */
export type ArithResult = { readonly value: number } | { readonly overflow: true } | { readonly error: string };

function intResult(op: ArithOp, exact: number, wrapped: number): ArithResult {
  if (op === 'ADDOV' || op === 'SUBOV' || op === 'MULOV') {
    // An int32 has no -0: -1 * 0 is 0.
    return exact === (exact | 0) ? { value: exact | 0 } : { overflow: true };
  }
  return { value: wrapped };
}

export function evalArith(op: ArithOp, type: NumericType, a: number, b: number): ArithResult {
  if (type === 'int') {
    switch (op) {
      case 'ADD':
      case 'ADDOV':
        return intResult(op, a + b, (a + b) | 0);
      case 'SUB':
      case 'SUBOV':
        return intResult(op, a - b, (a - b) | 0);
      case 'MUL':
      case 'MULOV':
        return intResult(op, a * b, Math.imul(a, b));
      case 'MIN':
        return { value: Math.min(a, b) };
      case 'MAX':
        return { value: Math.max(a, b) };
      case 'MOD':
        return b === 0 ? { error: 'int MOD by zero' } : { value: luaModInt(a, b) };
      default:
        return { error: `int ${op} is not modelled (LuaJIT emits it only for numbers)` };
    }
  }
  switch (op) {
    case 'ADD':
      return { value: a + b };
    case 'SUB':
      return { value: a - b };
    case 'MUL':
      return { value: a * b };
    case 'DIV':
      return { value: a / b };
    case 'MOD':
      return { value: luaModNum(a, b) };
    case 'POW':
      return { value: luaPow(a, b) };
    // SSE minsd/maxsd: the second operand wins when unordered or both are zero.
    case 'MIN':
      return { value: a < b ? a : b };
    case 'MAX':
      return { value: a > b ? a : b };
    default:
      return { error: `num ${op} is not modelled (overflow checks are integer-only)` };
  }
}

export function evalNeg(type: NumericType, a: number): number {
  return type === 'int' ? (-a | 0) : -a;
}

export function evalAbs(type: NumericType, a: number): number {
  return type === 'int' ? (Math.abs(a) | 0) : Math.abs(a);
}

/** A comparison guard holds (the trace continues) when this is true. */
export function evalCompare(op: ComparisonOp, type: NumericType, a: number, b: number): boolean {
  if (type === 'int') {
    const ua = a >>> 0;
    const ub = b >>> 0;
    switch (op) {
      case 'LT': return a < b;
      case 'GE': return a >= b;
      case 'LE': return a <= b;
      case 'GT': return a > b;
      case 'ULT': return ua < ub;
      case 'UGE': return ua >= ub;
      case 'ULE': return ua <= ub;
      case 'UGT': case 'ABC': return ua > ub;
      case 'EQ': return a === b;
      case 'NE': return a !== b;
    }
  }
  // Ordered compares are false on NaN; the U forms are "unordered or ...".
  switch (op) {
    case 'LT': return a < b;
    case 'GE': return a >= b;
    case 'LE': return a <= b;
    case 'GT': return a > b;
    case 'ULT': return !(a >= b);
    case 'UGE': return !(a < b);
    case 'ULE': return !(a > b);
    case 'UGT': case 'ABC': return !(a <= b);
    case 'EQ': return a === b;
    case 'NE': return a !== b;
  }
}

export function evalFpmath(fn: FpmathName, a: number): number | undefined {
  switch (fn) {
    case 'floor': return Math.floor(a);
    case 'ceil': return Math.ceil(a);
    case 'trunc': return Math.trunc(a);
    case 'sqrt': return Math.sqrt(a);
    case 'log': return Math.log(a);
    case 'log2': return Math.log2(a);
    default: return undefined;
  }
}

/** int bit ops as x86 executes them on 32-bit registers (shift counts masked to 5 bits). */
export function evalBitop(op: string, a: number, b: number): number | undefined {
  const s = b & 31;
  switch (op) {
    case 'BAND': return a & b;
    case 'BOR': return a | b;
    case 'BXOR': return a ^ b;
    case 'BSHL': return a << s;
    case 'BSHR': return (a >>> s) | 0;
    case 'BSAR': return a >> s;
    case 'BROL': return ((a << s) | (a >>> ((32 - s) & 31))) | 0;
    case 'BROR': return ((a >>> s) | (a << ((32 - s) & 31))) | 0;
    case 'BNOT': return ~a;
    case 'BSWAP': return ((a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) | 0;
    default: return undefined;
  }
}

/** i64/u64 ADD, SUB and MUL: two's-complement wrap-around (the same bits for both types); undefined for other ops. */
export function evalInt64Arith(op: ArithOp, type: 'i64' | 'u64', a: bigint, b: bigint): bigint | undefined {
  const r = op === 'ADD' ? a + b : op === 'SUB' ? a - b : op === 'MUL' ? a * b : undefined;
  if (r === undefined) return undefined;
  return type === 'i64' ? BigInt.asIntN(64, r) : BigInt.asUintN(64, r);
}

/** A 64-bit comparison: LT/GE/LE/GT compare signed, the U forms unsigned (as x86's jl/jb after cmp). */
export function evalInt64Compare(op: ComparisonOp, a: bigint, b: bigint): boolean {
  const unsigned = op.startsWith('U') || op === 'ABC';
  const [x, y] = unsigned ? [BigInt.asUintN(64, a), BigInt.asUintN(64, b)] : [BigInt.asIntN(64, a), BigInt.asIntN(64, b)];
  switch (op) {
    case 'LT': case 'ULT': return x < y;
    case 'GE': case 'UGE': return x >= y;
    case 'LE': case 'ULE': return x <= y;
    case 'GT': case 'UGT': case 'ABC': return x > y;
    case 'EQ': return x === y;
    case 'NE': return x !== y;
  }
}

/** CONV i64.num: truncation, with x86's integer indefinite (-2^63) for NaN and out-of-range values. */
export function numToInt64(n: number): bigint {
  return Number.isNaN(n) || n >= 2 ** 63 || n < -(2 ** 63) ? -(1n << 63n) : BigInt(Math.trunc(n));
}
