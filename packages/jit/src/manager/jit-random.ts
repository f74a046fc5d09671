// The trace manager's one pseudo-random source (LuaJIT draws from g->prng), built on machine's
// seededRandom so that penalties and quick retries depend only on the seed, which stays visible.
import { seededRandom } from '@tracesim/machine';

export class JitRandom {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }

  /** The low `n` bits of the next 32-bit draw, as LuaJIT's `lj_prng_u64(...) & ((1<<n)-1)`. */
  bits(n: number): number {
    return (this.next() * 0x100000000) & ((1 << n) - 1);
  }
}
