// Lua tables on the host side: an array part (keys 1..n), an insertion-ordered hash part
// whose dead keys stay in place, so next()/ITERN can walk both parts by a numeric index, and
// a metatable. Each new array slot and hash node is charged to the heap's memory budget.
import type { LuaValue } from './value';

/** Where a table charges its growth (the Heap): 8 bytes per array slot, 24 per hash node (LuaJIT's TValue and Node). */
export interface MemoryAccount {
  charge(bytes: number): void;
}

type Key = Exclude<LuaValue, undefined>;

/** A GCtab's size, charged when a table is made. */
export const TABLE_BYTES = 64;

/** The empty hash part every table shares until it stores a key there (never written). */
const NO_KEYS: Key[] = [];
const NO_VALUES: LuaValue[] = [];
const NO_INDEX = new Map<Key, number>();

export class LuaTable {
  /** Array part: arr[i] holds t[i+1]. */
  arr: LuaValue[] = [];
  // The hash part starts as the shared empty one below and gets its own on the first key
  // stored there: most tables are arrays or records never keyed, and a loop may make millions.
  private keys: Key[] = NO_KEYS;
  private vals: LuaValue[] = NO_VALUES;
  private index: Map<Key, number> = NO_INDEX;
  /** setmetatable's table, or null. */
  metatable: LuaTable | null = null;
  /** Bytes this table is charged: its header and every slot and node it grew. */
  bytes = TABLE_BYTES;
  /** Swept by the collector (gc.ts): its handle is free until the table is stored somewhere again. */
  swept = false;

  constructor(
    readonly handle: number,
    private readonly account: MemoryAccount,
  ) {}

  get(key: LuaValue): LuaValue {
    if (typeof key === 'number') {
      const i = key - 1;
      if (i >= 0 && i < this.arr.length && Number.isInteger(i)) return this.arr[i];
      if (key === 0) key = 0;
    }
    if (key === undefined) return undefined;
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.vals[slot];
  }

  /** Charges growth; a swept table's growth is charged when it comes back. */
  private grow(bytes: number): void {
    if (!this.swept) this.account.charge(bytes);
    this.bytes += bytes;
  }

  /** Calls `visit` with every key, value and the metatable (the collector's mark phase). */
  forEachReference(visit: (v: LuaValue) => void): void {
    for (const v of this.arr) visit(v);
    for (const k of this.keys) visit(k);
    for (const v of this.vals) visit(v);
    if (this.metatable) visit(this.metatable);
  }

  getInt(n: number): LuaValue {
    return n >= 1 && n <= this.arr.length ? this.arr[n - 1] : this.get(n);
  }

  /** Raw set; the caller has rejected nil and NaN keys. */
  set(key: Key, value: LuaValue): void {
    if (typeof key === 'number') {
      if (key === 0) key = 0;
      const i = key - 1;
      if (Number.isInteger(i) && i >= 0 && i <= this.arr.length) {
        if (i < this.arr.length) {
          this.arr[i] = value;
          return;
        }
        if (value === undefined) {
          this.setHash(key, value);
          return;
        }
        this.grow(8);
        this.arr.push(value);
        this.migrateFromHash();
        return;
      }
    }
    this.setHash(key, value);
  }

  private setHash(key: Key, value: LuaValue): void {
    const slot = this.index.get(key);
    if (slot !== undefined) {
      this.vals[slot] = value;
      return;
    }
    if (value === undefined) return;
    this.grow(24);
    if (this.index === NO_INDEX) {
      this.index = new Map();
      this.keys = [];
      this.vals = [];
    }
    this.index.set(key, this.keys.length);
    this.keys.push(key);
    this.vals.push(value);
  }

  /** After the array part grew, pull following integer keys out of the hash part. */
  private migrateFromHash(): void {
    if (this.index.size === 0) return;
    for (;;) {
      const next = this.arr.length + 1;
      const slot = this.index.get(next);
      if (slot === undefined || this.vals[slot] === undefined) return;
      this.arr.push(this.vals[slot]);
      this.vals[slot] = undefined;
    }
  }

  /** The border `#t` as Lua 5.1 finds it (binary search inside the array part, unbound search beyond). */
  length(): number {
    const n = this.arr.length;
    if (n > 0 && this.arr[n - 1] === undefined) {
      let lo = 0, hi = n;
      while (hi - lo > 1) {
        const m = (lo + hi) >>> 1;
        if (this.arr[m - 1] === undefined) hi = m;
        else lo = m;
      }
      return lo;
    }
    if (this.index.size === 0 || this.get(n + 1) === undefined) return n;
    let i = n + 1, j = n + 2;
    while (this.get(j) !== undefined) {
      i = j;
      j *= 2;
      if (j > 2 ** 40) break;
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (this.get(m) === undefined) j = m;
      else i = m;
    }
    return i;
  }

  /**
   * Iteration by position: position 0…arr.length-1 are the array part, then the hash part.
   * Returns the next live [position, key, value] at or after `from`, or undefined at the end.
   */
  nextFrom(from: number): [number, Key, LuaValue] | undefined {
    const n = this.arr.length;
    for (let p = from; p < n; p++) if (this.arr[p] !== undefined) return [p, p + 1, this.arr[p]];
    for (let h = Math.max(from - n, 0); h < this.keys.length; h++) {
      if (this.vals[h] !== undefined) return [n + h, this.keys[h], this.vals[h]];
    }
    return undefined;
  }

  /** The position just after `key` (for next(t, key)); undefined if the key is not in the table. */
  positionAfter(key: LuaValue): number | undefined {
    if (key === undefined) return 0;
    if (typeof key === 'number') {
      const i = key - 1;
      if (Number.isInteger(i) && i >= 0 && i < this.arr.length) return i + 1;
      if (key === 0) key = 0;
    }
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.arr.length + slot + 1;
  }

  /** Insert at position `pos` (1-based) shifting up, as table.insert does. */
  insert(pos: number, value: LuaValue): void {
    const n = this.length();
    for (let i = n; i >= pos; i--) this.set(i + 1, this.getInt(i));
    this.set(pos, value);
  }
}
