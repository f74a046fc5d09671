// The GC64 TValue encoding: 8-byte NaN-tagged values with the itype in bits 47..63, using
// LuaJIT's itype numbers (LJ_TNIL = ~0 … LJ_TNUMX = ~13). Numbers are raw IEEE doubles.

/** LuaJIT's internal type tags, as the 32-bit values ~0 … ~13. */
export const ITYPE = {
  nil: ~0 >>> 0,
  false: ~1 >>> 0,
  true: ~2 >>> 0,
  lightud: ~3 >>> 0,
  str: ~4 >>> 0,
  upval: ~5 >>> 0,
  thread: ~6 >>> 0,
  proto: ~7 >>> 0,
  func: ~8 >>> 0,
  trace: ~9 >>> 0,
  cdata: ~10 >>> 0,
  tab: ~11 >>> 0,
  udata: ~12 >>> 0,
  numx: ~13 >>> 0,
} as const;
export type ItypeName = keyof typeof ITYPE;

/** Upper 32 bits of every number are below this (unsigned): `cmp dword [slot+4], NUMBER_HI_LIMIT; jnb ->exit`. */
export const NUMBER_HI_LIMIT = (ITYPE.numx << 15) >>> 0;

/** Largest payload (GC handle) a tagged value can carry: 47 bits. */
export const PAYLOAD_LIMIT = 2 ** 47;

/** A TValue split into its two little-endian 32-bit halves (lo at offset 0, hi at offset 4). */
export interface TValueWords {
  readonly lo: number;
  readonly hi: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Encodes a number; every NaN becomes the canonical quiet NaN, as LuaJIT keeps it. */
export function numberWords(n: number): TValueWords {
  f64[0] = Number.isNaN(n) ? NaN : n;
  return { lo: u32[0], hi: u32[1] };
}

export function wordsToNumber(w: TValueWords): number {
  u32[0] = w.lo;
  u32[1] = w.hi;
  return f64[0];
}

/** Encodes nil/false/true: the itype in the top 17 bits, every payload bit set. */
export function primitiveWords(itype: number): TValueWords {
  return { lo: 0xffffffff, hi: (((itype << 15) | 0x7fff) >>> 0) };
}

/** Encodes a GC object reference: the itype in the top 17 bits, a 47-bit handle below. */
export function gcWords(itype: number, handle: number): TValueWords {
  if (!Number.isInteger(handle) || handle < 0 || handle >= PAYLOAD_LIMIT) {
    throw new RangeError(`GC handle ${handle} does not fit in 47 bits`);
  }
  const high15 = Math.floor(handle / 2 ** 32);
  return { lo: handle >>> 0, hi: ((itype << 15) | high15) >>> 0 };
}

export function isNumberWords(w: TValueWords): boolean {
  return w.hi >>> 0 < NUMBER_HI_LIMIT;
}

/** The itype of a non-number value (the top 17 bits, as the 32-bit ~n form). */
export function itypeOf(w: TValueWords): number {
  return ((w.hi >> 15) | 0xfffe0000) >>> 0;
}

/** The 47-bit payload (GC handle) of a non-number value. */
export function payloadOf(w: TValueWords): number {
  return (w.hi & 0x7fff) * 2 ** 32 + (w.lo >>> 0);
}

export function itypeName(itype: number): ItypeName | undefined {
  return (Object.keys(ITYPE) as ItypeName[]).find((k) => ITYPE[k] === itype);
}
