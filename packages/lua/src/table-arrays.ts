// Tables' array parts in emulated memory (machine's `table arrays` region): a table with asize
// slots owns a block of asize 8-byte TValues there, coded as the Lua stack codes them, and its
// header's array pointer names the block, so compiled traces load and store the slots
// themselves (AREF/ALOAD/ASTORE). Blocks come in power-of-two sizes, from a free list per size
// or past the highest block yet, so the region grows only with the most blocks of each size live
// at once, whatever a program allocates and drops. A swept table parks its values on the host side (ParkedSlots) and frees its block until it is revived.
import type { Memory } from '@tracesim/cpu-sim';
import { REGIONS } from '@tracesim/machine';
import type { LuaStack } from './stack';
import type { LuaValue } from './value';

export const SLOT_BYTES = 8;

/** Where a table's array slots live: read and write the TValue at an address of its block. */
export interface ArraySlots {
  read(address: number): LuaValue;
  write(address: number, v: LuaValue): void;
}

/** The slots of a swept table, kept on the host until the table is stored somewhere again. */
export class ParkedSlots implements ArraySlots {
  constructor(private readonly values: LuaValue[]) {}

  /** `address` is 8 × the slot's key: a parked part has no block. */
  read(address: number): LuaValue {
    return this.values[address / SLOT_BYTES];
  }

  write(address: number, v: LuaValue): void {
    this.values[address / SLOT_BYTES] = v;
  }
}

/** log2 of the block size that holds `slots` slots. */
const sizeClass = (slots: number): number => (slots <= 1 ? 0 : 32 - Math.clz32(slots - 1));

export class TableArrays implements ArraySlots {
  private top: number = REGIONS.tableArrays.base;
  private readonly free: number[][] = [];

  constructor(
    mem: Memory,
    private readonly codec: LuaStack,
  ) {
    const r = REGIONS.tableArrays;
    if (!mem.isMapped(r.base)) mem.map(r.base, r.size, r.perm, r.name);
  }

  read(address: number): LuaValue {
    return this.codec.get(address);
  }

  write(address: number, v: LuaValue): void {
    this.codec.set(address, v);
  }

  /** A block for `slots` slots (at least one), every slot nil. */
  allocate(slots: number): number {
    const c = sizeClass(slots);
    const bytes = SLOT_BYTES * 2 ** c;
    let at = this.free[c]?.pop();
    if (at === undefined) {
      at = this.top;
      this.top += bytes;
      if (this.top > REGIONS.tableArrays.base + REGIONS.tableArrays.size) throw new RangeError('not enough memory');
    }
    for (let a = at; a < at + SLOT_BYTES * slots; a += SLOT_BYTES) this.codec.setNil(a);
    return at;
  }

  /** Gives back the block at `address` that was allocated for `slots` slots. */
  release(address: number, slots: number): void {
    (this.free[sizeClass(slots)] ??= []).push(address);
  }

  /** The highest address any block has reached (the region's high-water mark). */
  get highWater(): number {
    return this.top - REGIONS.tableArrays.base;
  }
}
