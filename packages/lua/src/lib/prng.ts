// LuaJIT 2.1's math.random generator (lib_math.c): four Tausworthe LFSRs combined into a
// combined-xor generator (Tausworthe 223), whose 52 random bits make a double in [1, 2).
// randomseed(d) derives the four states from d exactly as LuaJIT does, so seeded sequences
// are LuaJIT's; an unseeded generator starts as randomseed(0) would.

const MASK64 = (1n << 64n) - 1n;
/** Per generator: k (state bits), q, s of the recurrence. */
const GENERATORS: readonly (readonly [k: bigint, q: bigint, s: bigint])[] = [[63n, 31n, 18n], [58n, 19n, 28n], [55n, 24n, 7n], [47n, 21n, 8n]];
const MANTISSA = (1n << 52n) - 1n;
const ONE_BITS = 0x3ff0000000000000n;
const WARMUP_STEPS = 10;

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (d: number): bigint => (view.setFloat64(0, d), view.getBigUint64(0));
const doubleOf = (u: bigint): number => (view.setBigUint64(0, u), view.getFloat64(0));

export class LuaJitRandom {
  private readonly gen: bigint[] = [0n, 0n, 0n, 0n];
  private valid = false;

  /** random_init: each state from d ← d·π + e, with its top k bits made non-zero. */
  seed(d: number): void {
    GENERATORS.forEach(([k], i) => {
      d = d * 3.14159265358979323846 + 2.7182818284590452354;
      let u = bitsOf(d);
      const m = 1n << (64n - k);
      if (u < m) u += m;
      this.gen[i] = u;
    });
    this.valid = true;
    for (let i = 0; i < WARMUP_STEPS; i++) this.step();
  }

  /** One step: the bits of a double in [1, 2). */
  private step(): bigint {
    let r = 0n;
    GENERATORS.forEach(([k, q, s], i) => {
      let z = this.gen[i];
      z = ((((z << q) & MASK64) ^ z) >> (k - s)) ^ (((z & ((MASK64 << (64n - k)) & MASK64)) << s) & MASK64);
      r ^= z;
      this.gen[i] = z;
    });
    return (r & MANTISSA) | ONE_BITS;
  }

  /** A double in [0, 1). */
  next(): number {
    if (!this.valid) this.seed(0);
    return doubleOf(this.step()) - 1;
  }
}
