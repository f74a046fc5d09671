// 64-bit integer cdata as LuaJIT's ffi computes with them (lj_carith.c): how they print, how
// numbers convert to them, the type an operation works in (uint64_t if either side is, else
// int64_t), and the operations with LuaJIT's results for division by zero, INT64_MIN / -1 and
// negative powers.
import { INT64, UINT64, wrap } from '../ctype';
import type { CType } from '../ctype';
import { LuaCdata, typeName } from '../value';
import type { LuaValue } from '../value';

/** tostring of a cdata: `5LL`, `5ULL`, or `ctype<int64_t>` for a ctype object. */
export function cdataToString(c: LuaCdata): string {
  if (c.isCtype) return `ctype<${c.ctype.name}>`;
  return `${c.value}${c.ctype.unsigned ? 'ULL' : 'LL'}`;
}

/**
 * A double converted to a 64-bit integer as LuaJIT's conversions give it: int64_t as x86's
 * cvttsd2si (out of range and NaN give -2^63); uint64_t through int64 for values from 2^63 on
 * (lj_num2u64's n - 2^64), with 2^63 for NaN, for everything out of range and for values <= -1.
 */
export function numberToInt64(ctype: CType, n: number): bigint {
  const indefinite = 1n << 63n;
  const cvttsd2si = (d: number): bigint | undefined => (Number.isNaN(d) || d >= 2 ** 63 || d < -(2 ** 63) ? undefined : BigInt(Math.trunc(d)));
  if (!ctype.unsigned) return cvttsd2si(n) ?? -indefinite;
  if (n >= 2 ** 63) return BigInt.asUintN(64, cvttsd2si(n - 2 ** 64) ?? indefinite);
  const v = cvttsd2si(n);
  return v === undefined || v < 0n ? indefinite : v;
}

/** How an operand names itself in cdata errors: its C type, or its Lua type. */
export function operandName(v: LuaValue): string {
  return v instanceof LuaCdata ? (v.isCtype ? 'ctype' : v.ctype.name) : typeName(v);
}

/** The two operands of a cdata operation in their common integer type, or undefined if one is not a number. */
export function int64Operands(a: LuaValue, b: LuaValue): { ctype: CType; x: bigint; y: bigint } | undefined {
  const isInt = (v: LuaValue) => (v instanceof LuaCdata && !v.isCtype) || typeof v === 'number';
  if (!isInt(a) || !isInt(b)) return undefined;
  const unsigned = (a instanceof LuaCdata && a.ctype.unsigned) || (b instanceof LuaCdata && b.ctype.unsigned);
  const ctype = unsigned ? UINT64 : INT64;
  const value = (v: LuaValue) => (typeof v === 'number' ? numberToInt64(ctype, v) : wrap(ctype, (v as LuaCdata).value));
  return { ctype, x: value(a), y: value(b) };
}

const SIGN_BIT = 1n << 63n;
const INT64_MAX = SIGN_BIT - 1n;

function powUnsigned(x: bigint, k: bigint): bigint {
  let result = 1n;
  let base = BigInt.asUintN(64, x);
  for (let e = BigInt.asUintN(64, k); e > 0n; e >>= 1n) {
    if (e & 1n) result = BigInt.asUintN(64, result * base);
    base = BigInt.asUintN(64, base * base);
  }
  return result;
}

/** The integer operations behind the cdata metamethods, in the operands' common type. */
export const INT64_OPS: Readonly<Record<string, (ctype: CType, x: bigint, y: bigint) => bigint>> = {
  __add: (t, x, y) => wrap(t, x + y),
  __sub: (t, x, y) => wrap(t, x - y),
  __mul: (t, x, y) => wrap(t, x * y),
  __div: (t, x, y) => {
    if (y === 0n || (!t.unsigned && x === -SIGN_BIT && y === -1n)) return wrap(t, SIGN_BIT);
    return wrap(t, x / y);
  },
  __mod: (t, x, y) => {
    if (y === 0n) return wrap(t, SIGN_BIT);
    if (!t.unsigned && x === -SIGN_BIT && y === -1n) return 0n;
    return wrap(t, x % y);
  },
  __pow: (t, x, k) => {
    if (t.unsigned || k >= 0n) return wrap(t, powUnsigned(x, k));
    if (x === 0n) return INT64_MAX;
    if (x === 1n) return 1n;
    if (x === -1n) return k & 1n ? -1n : 1n;
    return 0n;
  },
  __unm: (t, x) => wrap(t, -x),
};

/** The comparisons behind __eq, __lt and __le. */
export const INT64_COMPARE: Readonly<Record<string, (x: bigint, y: bigint) => boolean>> = {
  __eq: (x, y) => x === y,
  __lt: (x, y) => x < y,
  __le: (x, y) => x <= y,
};
