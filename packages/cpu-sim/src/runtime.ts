// Helpers that translated blocks call for the operations too long to inline: 64-bit
// multiply, divide, shifts and rotates on int32 halves, float<->int conversions with x86
// rounding and NaN rules, and the faults blocks raise. Results that are more than one
// number come back in the scratch array `T`.
import { BreakpointFault, DivideErrorFault, GeneralProtectionFault, InvalidOpcodeFault } from './faults';

const TWO32 = 4294967296;

/** Multi-value results: T[0] = lo, T[1] = hi, T[2] = CF, T[3] = OF. */
export const T = new Int32Array(4);

/** PF for each low byte: 1 when the byte has an even number of set bits. */
export const PARITY = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    let bits = 0;
    for (let x = b; x; x >>= 1) bits += x & 1;
    table[b] = bits % 2 === 0 ? 1 : 0;
  }
  return table;
})();

const big = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const bigSigned = (lo: number, hi: number): bigint => BigInt.asIntN(64, big(lo, hi));
function setT(value: bigint): void {
  const u = BigInt.asUintN(64, value);
  T[0] = Number(u & 0xffffffffn) | 0;
  T[1] = Number(u >> 32n) | 0;
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit values. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = ((low >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) | 0;
}

/** Low 64 bits of a 64x64 product into T[0..1]. */
export function mulLow64(al: number, ah: number, bl: number, bh: number): void {
  T[0] = Math.imul(al, bl);
  T[1] = (mulHigh32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** Whether the signed 64x64 product does not fit in 64 bits (imul's CF/OF). */
export function imulOverflows64(al: number, ah: number, bl: number, bh: number): number {
  if (ah === al >> 31 && bh === bl >> 31) return 0; // two int32 values: |product| <= 2^62
  const p = bigSigned(al, ah) * bigSigned(bl, bh);
  return p === BigInt.asIntN(64, p) ? 0 : 1;
}

/**
 * One-operand mul/imul at width w: the double-width product of the accumulator and
 * `src`. T[0..1] = low half, T[2..3] = high half (each as a w-bit value in lo/hi halves
 * for w = 64, else in T[0] and T[2]); returns CF/OF.
 */
export function widen(signed: boolean, w: number, accLo: number, accHi: number, srcLo: number, srcHi: number): number {
  const toBig = (lo: number, hi: number) => {
    const v = w === 64 ? big(lo, hi) : BigInt(lo >>> 0) & ((1n << BigInt(w)) - 1n);
    return signed ? BigInt.asIntN(w, v) : v;
  };
  const product = toBig(accLo, accHi) * toBig(srcLo, srcHi);
  const bw = BigInt(w);
  const low = BigInt.asUintN(w, product);
  const high = BigInt.asUintN(w, product >> bw);
  const fits = signed ? BigInt.asIntN(w, product) === product : product >> bw === 0n;
  setT(low);
  const lowLo = T[0], lowHi = T[1];
  setT(high);
  T[2] = T[0];
  T[3] = T[1];
  T[0] = lowLo;
  T[1] = lowHi;
  return fits ? 0 : 1;
}

/**
 * div/idiv at width w: dividend high:low, divisor `d` (each as lo/hi halves for w = 64,
 * else in the lo argument). T[0..1] = quotient, T[2..3] = remainder. Throws #DE.
 */
export function divide(signed: boolean, w: number, lowLo: number, lowHi: number, highLo: number, highHi: number, dLo: number, dHi: number): void {
  const bw = BigInt(w);
  const part = (lo: number, hi: number) => (w === 64 ? big(lo, hi) : BigInt(lo >>> 0) & ((1n << bw) - 1n));
  let dividend = (part(highLo, highHi) << bw) | part(lowLo, lowHi);
  let divisor = part(dLo, dHi);
  if (divisor === 0n) throw new DivideErrorFault('division by zero');
  if (signed) {
    dividend = BigInt.asIntN(2 * w, dividend);
    divisor = BigInt.asIntN(w, divisor);
  }
  const quotient = dividend / divisor;
  const remainder = dividend % divisor;
  const fits = signed ? BigInt.asIntN(w, quotient) === quotient : quotient >> bw === 0n;
  if (!fits) throw new DivideErrorFault(`quotient ${quotient} does not fit in ${w} bits`);
  setT(remainder);
  const rLo = T[0], rHi = T[1];
  setT(quotient);
  T[2] = rLo;
  T[3] = rHi;
}

export type ShiftKind = 'shl' | 'shr' | 'sar' | 'rol' | 'ror';

/**
 * A shift or rotate of the w-bit value hi:lo (for w < 64 only lo, zero-extended) by a
 * count already masked to 5 or 6 bits and non-zero. T[0..1] = result, T[2] = CF, T[3] = OF
 * (OF as the SDM defines it for a count of 1).
 */
export function shift(kind: ShiftKind, w: number, lo: number, hi: number, count: number): void {
  if (w === 64) shift64(kind, lo, hi, count);
  else if (w === 32) shift32(kind, lo, count);
  else shiftNarrow(kind, w, lo, count);
}

function shift32(kind: ShiftKind, a: number, c: number): void {
  let r: number;
  let cf: number;
  let of: number;
  switch (kind) {
    case 'shl': r = a << c; cf = (a >>> (32 - c)) & 1; of = (r >>> 31) ^ cf; break;
    case 'shr': r = a >>> c; cf = (a >>> (c - 1)) & 1; of = a >>> 31; break;
    case 'sar': r = a >> c; cf = (a >> (c - 1)) & 1; of = 0; break;
    case 'rol': r = (a << c) | (a >>> (32 - c)); cf = r & 1; of = (r >>> 31) ^ cf; break;
    case 'ror': r = (a >>> c) | (a << (32 - c)); cf = r >>> 31; of = ((r >>> 31) ^ (r >>> 30)) & 1; break;
  }
  T[0] = r;
  T[1] = 0;
  T[2] = cf;
  T[3] = of;
}

function shift64(kind: ShiftKind, lo: number, hi: number, c: number): void {
  let cf: number;
  let of: number;
  switch (kind) {
    case 'shl':
      cf = c <= 32 ? (hi >>> (32 - c)) & 1 : (lo >>> (64 - c)) & 1;
      shl64(lo, hi, c);
      of = (T[1] >>> 31) ^ cf;
      break;
    case 'shr':
    case 'sar': {
      const fill = kind === 'sar' ? hi >> 31 : 0;
      cf = c <= 32 ? (lo >>> (c - 1)) & 1 : ((kind === 'sar' ? hi >> (c - 33) : hi >>> (c - 33)) & 1);
      if (c < 32) {
        T[0] = (lo >>> c) | (hi << (32 - c));
        T[1] = kind === 'sar' ? hi >> c : hi >>> c;
      } else {
        T[0] = kind === 'sar' ? hi >> (c - 32) : hi >>> (c - 32);
        T[1] = fill;
      }
      of = kind === 'shr' ? hi >>> 31 : 0;
      break;
    }
    case 'rol':
      ror64(lo, hi, 64 - c);
      cf = T[0] & 1;
      of = (T[1] >>> 31) ^ cf;
      break;
    case 'ror':
      ror64(lo, hi, c);
      cf = T[1] >>> 31;
      of = ((T[1] >>> 31) ^ (T[1] >>> 30)) & 1;
      break;
  }
  T[2] = cf;
  T[3] = of;
}

/** 8- and 16-bit shifts and rotates, where counts may exceed the width (BigInt, rare). */
function shiftNarrow(kind: ShiftKind, w: number, lo: number, count: number): void {
  const bw = BigInt(w);
  const mask = (1n << bw) - 1n;
  const value = BigInt(lo >>> 0) & mask;
  const bit = (v: bigint, i: bigint) => Number((v >> i) & 1n);
  const c = BigInt(count);
  let result: bigint;
  let cf: number;
  let of: number;
  switch (kind) {
    case 'shl':
      result = (value << c) & mask;
      cf = c <= bw ? bit(value, bw - c) : 0;
      of = bit(result, bw - 1n) ^ cf;
      break;
    case 'shr':
      result = value >> c;
      cf = bit(value, c - 1n);
      of = bit(value, bw - 1n);
      break;
    case 'sar': {
      const signed = BigInt.asIntN(w, value);
      result = BigInt.asUintN(w, signed >> c);
      cf = Number((signed >> (c - 1n)) & 1n);
      of = 0;
      break;
    }
    case 'rol': {
      const r = c % bw;
      result = ((value << r) | (value >> (bw - r))) & mask;
      cf = bit(result, 0n);
      of = bit(result, bw - 1n) ^ cf;
      break;
    }
    case 'ror': {
      const r = c % bw;
      result = ((value >> r) | (value << (bw - r))) & mask;
      cf = bit(result, bw - 1n);
      of = bit(result, bw - 1n) ^ bit(result, bw - 2n);
      break;
    }
  }
  setT(result);
  T[2] = cf;
  T[3] = of;
}

/** 64-bit shift left of hi:lo by a constant 1..63 into T[0..1] (no flags). */
export function shl64(lo: number, hi: number, c: number): void {
  if (c < 32) {
    T[1] = (hi << c) | (lo >>> (32 - c));
    T[0] = lo << c;
  } else {
    T[1] = lo << (c - 32);
    T[0] = 0;
  }
}

/** 64-bit rotate right of hi:lo by 0..63 into T[0..1] (rorx; no flags). */
export function ror64(lo: number, hi: number, c: number): void {
  if (c >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    c -= 32;
  }
  if (c === 0) {
    T[0] = lo;
    T[1] = hi;
  } else {
    T[0] = (lo >>> c) | (hi << (32 - c));
    T[1] = (hi >>> c) | (lo << (32 - c));
  }
}

/** hi:lo + bl:bh (64-bit, wrapping) into T[0..1]. */
export function add64(al: number, ah: number, bl: number, bh: number): void {
  const low = (al >>> 0) + (bl >>> 0);
  T[0] = low | 0;
  T[1] = (ah + bh + (low > 0xffffffff ? 1 : 0)) | 0;
}

/** A 64-bit address hi:lo as a JS number; addresses at or above 2^53 become unreachable. */
export function address(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

// ---- floating point --------------------------------------------------------------------

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Word = new Int32Array(f32.buffer);

const isNaN64 = (lo: number, hi: number) => (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;

/**
 * The NaN an SSE binary scalar operation produces when its result is NaN: the first
 * operand's NaN (quieted), else the second's, else the default NaN. Into T[0..1].
 */
export function nanResult64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (isNaN64(aLo, aHi)) {
    T[0] = aLo;
    T[1] = aHi | 0x80000;
  } else if (isNaN64(bLo, bHi)) {
    T[0] = bLo;
    T[1] = bHi | 0x80000;
  } else {
    T[0] = 0;
    T[1] = 0xfff80000 | 0;
  }
}

/** double → int at width 32 or 64 with x86 rounding (mode 0 nearest-even, 1 down, 2 up, 3 truncate); into T[0..1]. */
export function doubleToInt(x: number, w: number, mode: number): void {
  const r = roundDouble(x, mode);
  const limit = w === 64 ? 2 ** 63 : 2 ** 31;
  if (!(r >= -limit && r < limit)) {
    T[0] = w === 64 ? 0 : 0x80000000 | 0;
    T[1] = w === 64 ? 0x80000000 | 0 : 0;
    return;
  }
  const hi = Math.floor(r / TWO32);
  T[0] = (r - hi * TWO32) | 0;
  T[1] = w === 64 ? hi | 0 : 0;
}

/** Rounds a double to an integral double in an x86 rounding mode (see doubleToInt). */
export function roundDouble(x: number, mode: number): number {
  switch (mode & 3) {
    case 0: {
      const r = Math.round(x);
      return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case 1: return Math.floor(x);
    case 2: return Math.ceil(x);
    default: return Math.trunc(x);
  }
}

/** roundsd: rounds the double with bits hi:lo; NaNs are quieted. Into T[0..1]. */
export function roundsd(lo: number, hi: number, mode: number): void {
  if (isNaN64(lo, hi)) {
    T[0] = lo;
    T[1] = hi | 0x80000;
    return;
  }
  f64Words[0] = lo;
  f64Words[1] = hi;
  f64[0] = roundDouble(f64[0], mode);
  T[0] = f64Words[0];
  T[1] = f64Words[1];
}

/** cvtsd2ss: the float bits of the double hi:lo (NaN payload truncated and quieted). */
export function doubleToFloatBits(lo: number, hi: number): number {
  if (isNaN64(lo, hi)) return (hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29);
  f64Words[0] = lo;
  f64Words[1] = hi;
  f32[0] = f64[0];
  return f32Word[0];
}

/** cvtss2sd: the double bits of the float `bits` into T[0..1] (NaN payload kept, quieted). */
export function floatBitsToDouble(bits: number): void {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    T[1] = (bits & 0x80000000) | 0x7ff80000 | ((bits & 0x7fffff) >>> 3);
    T[0] = (bits & 7) << 29;
    return;
  }
  f32Word[0] = bits;
  f64[0] = f32[0];
  T[0] = f64Words[0];
  T[1] = f64Words[1];
}

// ---- faults raised from blocks ------------------------------------------------------------

export function misaligned(addr: number): never {
  throw new GeneralProtectionFault(`16-byte operand at ${'0x' + addr.toString(16)} is not 16-byte aligned`, addr);
}

export function breakpoint(): never {
  throw new BreakpointFault();
}

export function undefinedInstruction(): never {
  throw new InvalidOpcodeFault(new Uint8Array([0x0f, 0x0b]), 'ud2');
}
