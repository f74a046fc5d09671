// The project's one seeded random source (mulberry32): every generator of test inputs, and
// later the JIT's penalty randomisation, draws from it so a run depends only on its seed.

/** Returns a generator of uniform numbers in [0, 1) determined entirely by `seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
