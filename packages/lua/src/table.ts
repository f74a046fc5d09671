// Lua tables on the host side, shaped as LuaJIT's GCtab: an array part of `asize` slots for the
// integer keys 0..asize-1 and a hash part of hmask+1 nodes (none when hmask is 0), both sized as
// lj_tab.c sizes them. A key that finds the hash part full rehashes the table (rehashtab): the
// integer keys are counted and the array part becomes the largest power of two plus one that is
// more than half full, the rest go to a new hash part. Nodes keep insertion order and dead keys
// (stored nil) stay until the next rehash, so next()/ITERN walk both parts by one numeric index
// as lj_tab_next does: array slots first, then nodes. A node's position is its insertion order,
// not LuaJIT's hash order, and a new key always takes a free node (LuaJIT may reuse a dead main
// node). Both parts live in emulated memory (table-arrays.ts), where traces load and store them:
// array slot k at the array block's slot k, node i's value and key at the node block's slots
// 3i and 3i+1 (a Node is 24 bytes, as LuaJIT's). The host keeps each node's key and a key-to-node
// map to find nodes fast; a node's key is written once, when the node is taken. The JIT reads
// asize, hmask and the parts' addresses from the table's header (heap.ts).
import { TABLE_NODE } from '@tracesim/machine';
import type { LuaValue } from './value';
import { SLOT_BYTES, TablePart, type TableArrays } from './table-arrays';
import { arrayCandidate, fls, hsize2hbits, KeyCensus } from './table-sizing';

/** Where a table charges its growth (the Heap): 8 bytes per array slot, 24 per hash node (LuaJIT's TValue and Node). */
export interface MemoryAccount {
  charge(bytes: number): void;
  /** The table's sizes, part addresses or metatable changed (the heap writes its header). */
  reshaped(t: LuaTable): void;
  /** Where array parts are allocated. */
  readonly arrays: TableArrays;
}

type Key = Exclude<LuaValue, undefined>;

/** A GCtab's size, charged when a table is made. */
export const TABLE_BYTES = 64;
const NODE_BYTES = TABLE_NODE.bytes;
/** A node's slots in the node block: its value, its key, its next word. */
const NODE_SLOTS = NODE_BYTES / SLOT_BYTES;
const VALUE_SLOT = TABLE_NODE.value / SLOT_BYTES;
const KEY_SLOT = TABLE_NODE.key / SLOT_BYTES;

/** The empty hash part every table shares until it gets nodes (never written). */
const NO_KEYS: Key[] = [];
const NO_INDEX = new Map<Key, number>();

/** -0 is stored as +0 (lj_tab_newkey). */
const normalized = (key: Key): Key => (key === 0 ? 0 : key);

export class LuaTable {
  /** Array part: t[k] for 0 <= k < asize is its slot k. */
  private readonly array: TablePart;
  /** Hash part: node i's value and key at slots 3i and 3i+1; keys[i] and index mirror the keys taken so far. */
  private readonly nodes: TablePart;
  private keys: Key[] = NO_KEYS;
  private index: Map<Key, number> = NO_INDEX;
  /** Hash part mask: nodes - 1, or 0 without a hash part. */
  hmask = 0;
  private meta: LuaTable | null = null;
  /** Bytes this table is charged: its header, its slots and its nodes. */
  bytes = TABLE_BYTES;
  /** Swept by the collector (gc.ts): its handle is free until the table is stored somewhere again. */
  swept = false;

  constructor(
    readonly handle: number,
    private readonly account: MemoryAccount,
    asize = 0,
    hbits = 0,
  ) {
    this.array = new TablePart(account.arrays);
    this.nodes = new TablePart(account.arrays);
    if (asize > 0 || hbits > 0) this.resize(asize, hbits);
  }

  /** setmetatable's table, or null; a change is written to the table's header (FLOAD tab.meta). */
  get metatable(): LuaTable | null {
    return this.meta;
  }

  set metatable(mt: LuaTable | null) {
    this.meta = mt;
    this.account.reshaped(this);
  }

  /** Array slots (keys 0..asize-1). */
  get asize(): number {
    return this.array.size;
  }

  /** The array part's address in the table-arrays region (0 without one). */
  get arrayAddress(): number {
    return this.array.at;
  }

  /** The hash part's first node's address in the table-arrays region (0 without one). */
  get nodeAddress(): number {
    return this.nodes.at;
  }

  private slot(k: number): LuaValue {
    return this.array.read(k);
  }

  private setSlot(k: number, v: LuaValue): void {
    this.array.write(k, v);
  }

  private nodeValue(i: number): LuaValue {
    return this.nodes.read(NODE_SLOTS * i + VALUE_SLOT);
  }

  /** Which node holds `key` (dead or alive), if any: the node HREFK names for a constant key. */
  nodeOf(key: Key): number | undefined {
    return this.index.get(normalized(key));
  }

  /** Nodes in the hash part. */
  get hsize(): number {
    return this.hmask === 0 ? 0 : this.hmask + 1;
  }

  get(key: LuaValue): LuaValue {
    if (typeof key === 'number') {
      if (key >= 0 && key < this.array.size && Number.isInteger(key)) return this.slot(key);
      if (key === 0) key = 0;
    }
    if (key === undefined) return undefined;
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.nodeValue(slot);
  }

  getInt(n: number): LuaValue {
    return n >= 0 && n < this.array.size ? this.slot(n) : this.get(n);
  }

  /** Whether `key` has a node in the hash part, dead or alive (lj_tab_get finds it; otherwise niltv). */
  hasNode(key: Key): boolean {
    return this.index.has(normalized(key));
  }

  /** Raw set (lj_tab_set); the caller has rejected nil and NaN keys. Storing nil under a new key makes a dead node. */
  set(key: Key, value: LuaValue): void {
    if (typeof key === 'number' && key >= 0 && key < this.array.size && Number.isInteger(key)) {
      this.setSlot(key, value);
      return;
    }
    const k = normalized(key);
    const slot = this.index.get(k);
    if (slot !== undefined) {
      this.nodes.write(NODE_SLOTS * slot + VALUE_SLOT, value);
      return;
    }
    this.newKey(k, value);
  }

  /** lj_tab_newkey: a free node, or (none left) rehash and store again. */
  private newKey(key: Key, value: LuaValue): void {
    if (this.keys.length >= this.hsize) {
      this.rehash(key);
      this.set(key, value);
      return;
    }
    this.takeNode(key, value);
  }

  /** The next free node gets `key` and `value`. */
  private takeNode(key: Key, value: LuaValue): void {
    const i = this.keys.length;
    this.index.set(key, i);
    this.keys.push(key);
    this.nodes.write(NODE_SLOTS * i + KEY_SLOT, key);
    this.nodes.write(NODE_SLOTS * i + VALUE_SLOT, value);
  }

  /** rehashtab: count the live integer keys (and the new one) and resize both parts. */
  private rehash(extra: Key): void {
    const census = new KeyCensus();
    let total = 1;
    for (let k = 0; k < this.array.size; k++) if (this.slot(k) !== undefined && census.count(k)) total++;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.nodeValue(i) === undefined) continue;
      const k = this.keys[i];
      if (typeof k === 'number') census.count(arrayCandidate(k));
      total++;
    }
    if (typeof extra === 'number') census.count(arrayCandidate(extra));
    const { asize, taken } = census.best();
    this.resize(asize, hsize2hbits(total - taken));
  }

  /** resizetab: a new array part of `asize` slots and an empty hash part of 2^hbits nodes, refilled. */
  private resize(asize: number, hbits: number): void {
    const oldN = this.array.size, oldKeys = this.keys;
    const oldVals = oldKeys.map((_, i) => this.nodeValue(i));
    const hsize = hbits > 0 ? 2 ** hbits : 0;
    const grown = SLOT_BYTES * (asize - oldN) + NODE_BYTES * (hsize - this.hsize);
    // A swept table's bytes are counted again when it comes back (heap.revive).
    if (!this.swept) this.account.charge(grown);
    this.bytes += grown;
    const old = this.array.values();
    this.array.reset(asize, old, this.swept);
    this.nodes.reset(NODE_SLOTS * hsize, [], this.swept);
    this.hmask = hsize === 0 ? 0 : hsize - 1;
    this.keys = hsize === 0 ? NO_KEYS : [];
    this.index = hsize === 0 ? NO_INDEX : new Map();
    for (let k = asize; k < oldN; k++) if (old[k] !== undefined) this.set(k, old[k]);
    for (let i = 0; i < oldKeys.length; i++) if (oldVals[i] !== undefined) this.set(oldKeys[i], oldVals[i]);
    this.account.reshaped(this);
  }

  /** Moves both parts where the table's state wants them: to the host once swept, back into the arrays region once revived (the heap then writes the header). */
  moveParts(): void {
    this.array.move(this.swept);
    this.nodes.move(this.swept);
  }

  /** lj_tab_reasize: the array part grown to hold keys up to `n` (the template of a constructor). */
  reasize(n: number): void {
    this.resize(n + 1, this.hmask > 0 ? fls(this.hmask) + 1 : 0);
  }

  /** lj_tab_dup: this table becomes a copy of `template`, parts of the same sizes. */
  copyFrom(template: LuaTable): void {
    this.resize(template.array.size, template.hmask > 0 ? fls(template.hmask) + 1 : 0);
    for (let k = 0; k < template.array.size; k++) this.setSlot(k, template.slot(k));
    for (let i = 0; i < template.keys.length; i++) this.takeNode(template.keys[i], template.nodeValue(i));
  }

  /** Calls `visit` with every key, value and the metatable (the collector's mark phase). */
  forEachReference(visit: (v: LuaValue) => void): void {
    for (let k = 0; k < this.array.size; k++) visit(this.slot(k));
    for (let i = 0; i < this.keys.length; i++) {
      visit(this.keys[i]);
      visit(this.nodeValue(i));
    }
    if (this.metatable) visit(this.metatable);
  }

  /** lj_tab_len: a border, found by binary search in the array part or an unbound search past it. */
  length(): number {
    let j = this.array.size;
    if (j > 1 && this.slot(j - 1) === undefined) {
      let i = 1;
      while (j - i > 1) {
        const m = Math.floor((i + j) / 2);
        if (this.slot(m - 1) === undefined) j = m;
        else i = m;
      }
      return i - 1;
    }
    if (j > 0) j--;
    return this.hmask === 0 ? j : this.unboundSearch(j);
  }

  private unboundSearch(start: number): number {
    let i = start, j = start + 1;
    while (this.getInt(j) !== undefined) {
      i = j;
      j *= 2;
      if (j > 2 ** 31 - 3) {
        // Built to defeat the search: count up from 1 (unbound_search's fallback).
        let n = 1;
        while (this.getInt(n) !== undefined) n++;
        return n - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (this.getInt(m) === undefined) j = m;
      else i = m;
    }
    return i;
  }

  /**
   * Iteration by position (lj_tab_next's index): 0…asize-1 are the array slots, then the nodes.
   * Returns the next live [position, key, value] at or after `from`, or undefined at the end.
   */
  nextFrom(from: number): [number, Key, LuaValue] | undefined {
    const n = this.array.size;
    for (let p = from; p < n; p++) {
      const v = this.slot(p);
      if (v !== undefined) return [p, p, v];
    }
    for (let h = Math.max(from - n, 0); h < this.keys.length; h++) {
      const v = this.nodeValue(h);
      if (v !== undefined) return [n + h, this.keys[h], v];
    }
    return undefined;
  }

  /** The position just after `key` (for next(t, key)); undefined if the key is not in the table. */
  positionAfter(key: LuaValue): number | undefined {
    if (key === undefined) return 0;
    if (typeof key === 'number') {
      if (Number.isInteger(key) && key >= 0 && key < this.array.size) return key + 1;
      if (key === 0) key = 0;
    }
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.array.size + slot + 1;
  }

  /** Insert at position `pos` (1-based) shifting up, as table.insert does. */
  insert(pos: number, value: LuaValue): void {
    const n = this.length();
    for (let i = n; i >= pos; i--) this.set(i + 1, this.getInt(i));
    this.set(pos, value);
  }
}
