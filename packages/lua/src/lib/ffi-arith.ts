// 64-bit integer cdata as LuaJIT's ffi computes with them (lj_carith.c): how they print, how
// numbers convert to them, and their arithmetic and comparisons.
import { wrap } from '../ctype';
import type { CType } from '../ctype';
import type { LuaCdata } from '../value';

/** tostring of a cdata: `5LL`, `5ULL`, or `ctype<int64_t>` for a ctype object. */
export function cdataToString(c: LuaCdata): string {
  if (c.isCtype) return `ctype<${c.ctype.name}>`;
  return `${c.value}${c.ctype.unsigned ? 'ULL' : 'LL'}`;
}

/** A double converted to a 64-bit integer as x86's cvttsd2si does (out of range and NaN give 2^63). */
export function numberToInt64(ctype: CType, n: number): bigint {
  if (Number.isNaN(n) || n >= 2 ** 64 || n < -(2 ** 63)) return wrap(ctype, 1n << 63n);
  if (ctype.unsigned && n >= 2 ** 63) return BigInt(Math.trunc(n));
  if (n >= 2 ** 63) return wrap(ctype, 1n << 63n);
  return wrap(ctype, BigInt(Math.trunc(n)));
}
