// Tables' parts in emulated memory (machine's `table arrays` region): a table's array part is a
// block of asize 8-byte TValues, its hash part a block of Nodes (machine's TABLE_NODE: value,
// key, and the address of the next node of its chain), coded as the Lua stack codes them; the header's
// array and node pointers name the blocks, so compiled traces load and store the values
// themselves (AREF/ALOAD/ASTORE, HREFK/HLOAD/HSTORE). Blocks come in power-of-two sizes, from a free list per size
// or past the highest block yet, so the region grows only with the most blocks of each size live
// at once, whatever a program allocates and drops. A TablePart is one such part of one table. A
// swept table parks its values on the host side (ParkedSlots) and frees its block until it is revived.
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
    private readonly mem: Memory,
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

  writeWord(address: number, word: number): void {
    this.mem.write64Halves(address, word >>> 0, Math.floor(word / 2 ** 32));
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

/** One part of a table: `size` TValue slots in a block of the region, or parked on the host. */
export class TablePart {
  private store: ArraySlots;
  /** The block's address (0 while the part is empty or parked). */
  at = 0;
  size = 0;

  constructor(private readonly arrays: TableArrays) {
    this.store = arrays;
  }

  read(i: number): LuaValue {
    return this.store.read(this.at + SLOT_BYTES * i);
  }

  write(i: number, v: LuaValue): void {
    this.store.write(this.at + SLOT_BYTES * i, v);
  }

  /** Slot `i` gets a raw 64-bit word (a node's next address), unless the part is parked. */
  writeWord(i: number, word: number): void {
    if (this.store === this.arrays) this.arrays.writeWord(this.at + SLOT_BYTES * i, word);
  }

  /** Every slot's value, in order. */
  values(): LuaValue[] {
    return Array.from({ length: this.size }, (_, i) => this.read(i));
  }

  /** Becomes `size` slots holding `values` (nil past them), in a new block or, when `parked`, on the host; the old block is freed. */
  reset(size: number, values: readonly LuaValue[], parked: boolean): void {
    if (this.size > 0 && this.store === this.arrays) this.arrays.release(this.at, this.size);
    this.size = size;
    this.at = 0;
    if (parked) {
      const held = values.slice(0, size);
      held.length = size;
      this.store = new ParkedSlots(held);
      return;
    }
    this.store = this.arrays;
    if (size > 0) this.at = this.arrays.allocate(size);
    for (let i = 0; i < Math.min(size, values.length); i++) if (values[i] !== undefined) this.write(i, values[i]);
  }

  /** Moves the values to the host (`parked`) or back into the region. */
  move(parked: boolean): void {
    if (this.size > 0) this.reset(this.size, this.values(), parked);
  }
}
