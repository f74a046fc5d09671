// Architectural state of the modelled CPU: 16 GPRs held as int32 halves (lo at 2n, hi at
// 2n+1), rip, the arithmetic flags CF PF AF ZF SF OF plus DF as one 0/1 slot each,
// xmm0-15 as four int32 dwords each (with float64/float32 views of the same bytes) and
// MXCSR. Translated blocks read and write these typed arrays directly.

/** Slot of each flag in `CpuState.flags`, and its bit in RFLAGS. */
export const FLAGS = [
  { name: 'CF', slot: 0, bit: 0 },
  { name: 'PF', slot: 1, bit: 2 },
  { name: 'AF', slot: 2, bit: 4 },
  { name: 'ZF', slot: 3, bit: 6 },
  { name: 'SF', slot: 4, bit: 7 },
  { name: 'OF', slot: 5, bit: 11 },
  { name: 'DF', slot: 6, bit: 10 },
] as const;
export type FlagName = (typeof FLAGS)[number]['name'];
export const FLAG_SLOT = Object.fromEntries(FLAGS.map((f) => [f.name, f.slot])) as Record<FlagName, number>;
/** The six arithmetic flags, in the order the CLI and the differential test print them. */
export const ARITHMETIC_FLAGS = ['CF', 'PF', 'AF', 'ZF', 'SF', 'OF'] as const;

export const RSP = 4;
const TWO32 = 4294967296;

export class CpuState {
  readonly gpr = new Int32Array(32);
  readonly flags = new Int32Array(8);
  readonly xmm = new Int32Array(64);
  readonly xmmF64 = new Float64Array(this.xmm.buffer);
  readonly xmmF32 = new Float32Array(this.xmm.buffer);
  rip = 0;
  /** MXCSR; only the rounding control (bits 13-14) affects results. */
  mxcsr = 0x1f80;

  /** The 64-bit register `n` as an unsigned bigint. */
  reg(n: number): bigint {
    return (BigInt(this.gpr[2 * n + 1] >>> 0) << 32n) | BigInt(this.gpr[2 * n] >>> 0);
  }

  setReg(n: number, value: bigint): void {
    const u = BigInt.asUintN(64, value);
    this.gpr[2 * n] = Number(u & 0xffffffffn) | 0;
    this.gpr[2 * n + 1] = Number(u >> 32n) | 0;
  }

  /** The 64-bit register `n` as a JS number (exact below 2^53: addresses, small integers). */
  regNumber(n: number): number {
    return (this.gpr[2 * n + 1] >>> 0) * TWO32 + (this.gpr[2 * n] >>> 0);
  }

  /** Sets register `n` from a non-negative integer below 2^53 or a negative one above -2^53. */
  setRegNumber(n: number, value: number): void {
    const hi = Math.floor(value / TWO32);
    this.gpr[2 * n] = (value - hi * TWO32) | 0;
    this.gpr[2 * n + 1] = hi | 0;
  }

  get rsp(): number {
    return this.regNumber(RSP);
  }

  set rsp(value: number) {
    this.setRegNumber(RSP, value);
  }

  flag(name: FlagName): number {
    return this.flags[FLAG_SLOT[name]];
  }

  setFlag(name: FlagName, value: boolean | number): void {
    this.flags[FLAG_SLOT[name]] = value ? 1 : 0;
  }

  /** RFLAGS as the hardware lays it out (bit 1 always set). */
  get rflags(): number {
    let bits = 2;
    for (const f of FLAGS) if (this.flags[f.slot]) bits |= 1 << f.bit;
    return bits;
  }

  set rflags(bits: number) {
    for (const f of FLAGS) this.flags[f.slot] = (bits >> f.bit) & 1;
  }

  /** xmm register `n` as its low and high 64-bit halves. */
  xmmHalves(n: number): { lo: bigint; hi: bigint } {
    const q = (i: number) => (BigInt(this.xmm[4 * n + i + 1] >>> 0) << 32n) | BigInt(this.xmm[4 * n + i] >>> 0);
    return { lo: q(0), hi: q(2) };
  }

  setXmmHalves(n: number, lo: bigint, hi: bigint): void {
    for (const [i, v] of [[0, lo], [2, hi]] as const) {
      const u = BigInt.asUintN(64, v);
      this.xmm[4 * n + i] = Number(u & 0xffffffffn) | 0;
      this.xmm[4 * n + i + 1] = Number(u >> 32n) | 0;
    }
  }

  xmmDouble(n: number): number {
    return this.xmmF64[2 * n];
  }

  /** Sets the low double of xmm `n`, leaving the upper half alone. */
  setXmmDouble(n: number, value: number): void {
    this.xmmF64[2 * n] = value;
  }
}
