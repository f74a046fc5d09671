// LuaJIT's hash of a table key (lj_tab.c hashkey, x86 variant of hashrot): a string's hash from
// its GCstr header; a number's two words through hashrot, the high word shifted left once so
// that -0 and +0 meet; false and true as 0 and 1; any other GC object by its reference, here its
// handle, through hashrot with HASH_BIAS (lj_tab.h's 32-bit hashgcref). A key's main position is
// its hash masked with the table's hmask. The interpreter's tables (lua's table.ts) and the
// backend's inline HREF (asm's hash-lookup.ts) both use these, so they agree on every chain.
import { numberWords } from './tvalue';

/** lj_tab.h's hash constants. */
export const HASH_BIAS = -0x04c11db7 >>> 0;
export const HASH_ROT1 = 14;
export const HASH_ROT2 = 5;
export const HASH_ROT3 = 13;

const rol = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** hashrot(lo, hi): the bits of two 32-bit words scrambled into one. */
export function hashrot(lo: number, hi: number): number {
  lo = (lo ^ hi) >>> 0;
  hi = rol(hi, HASH_ROT1);
  lo = (lo - hi) >>> 0;
  hi = rol(hi, HASH_ROT2);
  hi = (hi ^ lo) >>> 0;
  return (hi - rol(lo, HASH_ROT3)) >>> 0;
}

/** hashnum: a number key's hash. */
export function numberHash(n: number): number {
  const w = numberWords(n);
  return hashrot(w.lo, (w.hi << 1) >>> 0);
}

/** hashgcref: the hash of a table, function, thread, cdata or userdata key, by its handle. */
export function objectHash(handle: number): number {
  return hashrot(handle >>> 0, (handle + HASH_BIAS) >>> 0);
}
