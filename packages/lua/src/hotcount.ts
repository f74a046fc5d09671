// The 64 hot counters of lj_dispatch.h: uint16 each, indexed by (address of the next
// instruction >> 2) & 63. A loop op subtracts 2, a FUNCF 1; a borrow (going below zero)
// fires, and the counter restarts at 2*hotloop. All start at 2*hotloop-1.

export const HOTCOUNT_SIZE = 64;
export const HOTCOUNT_LOOP = 2;
export const HOTCOUNT_CALL = 1;

export class HotCounters {
  readonly counts = new Uint16Array(HOTCOUNT_SIZE);
  private hotloop = 56;

  constructor(hotloop: number) {
    this.reset(hotloop);
  }

  /** lj_dispatch_init_hotcount: every counter to 2*hotloop-1. */
  reset(hotloop: number): void {
    this.hotloop = hotloop;
    this.counts.fill((hotloop * 2 - 1) & 0xffff);
  }

  static slot(nextPcAddress: number): number {
    return (nextPcAddress >>> 2) & (HOTCOUNT_SIZE - 1);
  }

  /** Subtracts `delta` at `slot`; true when it borrowed (the op became hot). */
  tick(slot: number, delta: number): boolean {
    const c = this.counts[slot] - delta;
    if (c < 0) {
      this.counts[slot] = (this.hotloop * 2) & 0xffff;
      return true;
    }
    this.counts[slot] = c;
    return false;
  }

  /** Sets a counter (penalties write their value here). */
  set(slot: number, value: number): void {
    this.counts[slot] = value & 0xffff;
  }
}
