// Lua tables on the host side, shaped as LuaJIT's GCtab: an array part of `asize` slots for the
// integer keys 0..asize-1 and a hash part of hmask+1 nodes (none when hmask is 0), both sized as
// lj_tab.c sizes them. The hash part is LuaJIT's chained scatter table: a key's main position is
// its hash (machine's table-hash.ts) masked with hmask; lj_tab_newkey puts a new key there, or,
// when a live key holds it, takes the highest free node below the free top, moving the holder
// there if the holder is not in its own main position, else chaining the new key after it. A
// dead key (stored nil) keeps its node until a rehash, or until a new key whose main position it
// is takes it over. A key that finds no free node rehashes the table (rehashtab): the integer keys
// are counted and the array part becomes the largest power of two plus one that is more than half
// full, the rest go to a new hash part, re-inserted from the first old node to the last. So
// next()/ITERN walk both parts by one numeric index as lj_tab_next does: array slots first, then
// nodes in node order. Both parts live in emulated memory (table-arrays.ts), where traces load and
// store them: array slot k at the array block's slot k; node i's value, key and next word (the
// address of the next node of its chain, or 0) at the node block's slots 3i, 3i+1 and 3i+2 (a Node
// is 24 bytes, as LuaJIT's), which the inline HREF walks. The host mirrors each node's key and
// next link and keeps a key-to-node map to find nodes fast. The JIT reads asize, hmask and the
// parts' addresses from the table's header (heap.ts).
import { numberHash, objectHash, TABLE_NODE } from '@tracesim/machine';
import { LuaString, type LuaValue } from './value';
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
const NEXT_SLOT = TABLE_NODE.next / SLOT_BYTES;
/** The end of a chain. */
const NO_NODE = -1;

/** The empty hash part every table shares until it gets nodes (never written). */
const NO_KEYS: (Key | undefined)[] = [];
const NO_LINKS: number[] = [];
const NO_INDEX = new Map<Key, number>();

/** -0 is stored as +0 (lj_tab_newkey). */
const normalized = (key: Key): Key => (key === 0 ? 0 : key);

/** hashkey: the hash of a key of any type. */
export function keyHash(key: Key): number {
  if (typeof key === 'number') return numberHash(key);
  if (typeof key === 'boolean') return key ? 1 : 0;
  if (key instanceof LuaString) return key.hash;
  return objectHash(key.handle);
}

export class LuaTable {
  /** Array part: t[k] for 0 <= k < asize is its slot k. */
  private readonly array: TablePart;
  /** Hash part: node i's value, key and next word at slots 3i, 3i+1, 3i+2; keys[i] (undefined: free), links[i] and index mirror them. */
  private readonly nodes: TablePart;
  private keys: (Key | undefined)[] = NO_KEYS;
  private links: number[] = NO_LINKS;
  private index: Map<Key, number> = NO_INDEX;
  /** lj_tab_newkey's free top: every node at or above it has a key. */
  private freeTop = 0;
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

  /** Whether `key` is an index of the array part. */
  private inArray(key: Key): key is number {
    return typeof key === 'number' && key >= 0 && key < this.array.size && Number.isInteger(key);
  }

  /** Raw set (lj_tab_set); the caller has rejected nil and NaN keys. Storing nil under a new key makes a dead node. */
  set(key: Key, value: LuaValue): void {
    if (this.inArray(key)) {
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

  /**
   * lj_tab_newkey for NEWREF: the address of the value cell (nil) of `key`, which the table lacks,
   * after a rehash if there was no free node (then it may be an array slot).
   */
  newKeyCell(key: Key): number {
    const k = normalized(key);
    this.set(k, undefined);
    if (this.inArray(k)) return this.arrayAddress + SLOT_BYTES * k;
    return this.nodeAddress + NODE_BYTES * this.index.get(k)! + TABLE_NODE.value;
  }

  /** lj_tab_newkey: the key's main position, or a free node (none left: rehash and store again). */
  private newKey(key: Key, value: LuaValue): void {
    if (this.hmask === 0) {
      this.rehash(key);
      this.set(key, value);
      return;
    }
    let n = this.mainPosition(key);
    if (this.nodeValue(n) !== undefined) {
      let free = this.freeTop;
      do {
        if (free === 0) {
          this.rehash(key);
          this.set(key, value);
          return;
        }
      } while (this.keys[--free] !== undefined);
      this.freeTop = free;
      const holder = this.keys[n]!;
      let previous = this.mainPosition(holder);
      if (previous !== n) {
        // The holder is not in its main position: it moves to the free node, the key takes its place.
        while (this.links[previous] !== n) previous = this.links[previous];
        this.link(previous, free);
        this.placeKey(free, holder, this.nodeValue(n));
        this.link(free, this.links[n]);
        this.link(n, NO_NODE);
        this.keys[n] = undefined;
      } else {
        // The holder is in its main position: the key goes to the free node, chained after it.
        this.link(free, this.links[n]);
        this.link(n, free);
        n = free;
      }
    }
    // A dead key in the node gives way to the new one.
    const dead = this.keys[n];
    if (dead !== undefined) this.index.delete(dead);
    this.placeKey(n, key, value);
  }

  private mainPosition(key: Key): number {
    return keyHash(key) & this.hmask;
  }

  /** Node `i` gets `key` and `value`. */
  private placeKey(i: number, key: Key, value: LuaValue): void {
    this.index.set(key, i);
    this.keys[i] = key;
    this.nodes.write(NODE_SLOTS * i + KEY_SLOT, key);
    this.nodes.write(NODE_SLOTS * i + VALUE_SLOT, value);
  }

  /** Node `i`'s next word names node `next` (or ends the chain). */
  private link(i: number, next: number): void {
    this.links[i] = next;
    this.writeLink(i);
  }

  private writeLink(i: number): void {
    const next = this.links[i];
    this.nodes.writeWord(NODE_SLOTS * i + NEXT_SLOT, next === NO_NODE ? 0 : this.nodes.at + NODE_BYTES * next);
  }

  /** Every node's next word, written again (the node block moved). */
  private writeLinks(): void {
    for (let i = 0; i < this.hsize; i++) this.writeLink(i);
  }

  /** rehashtab: count the live integer keys (and the new one) and resize both parts. */
  private rehash(extra: Key): void {
    const census = new KeyCensus();
    let total = 1;
    for (let k = 0; k < this.array.size; k++) if (this.slot(k) !== undefined && census.count(k)) total++;
    for (let i = 0; i < this.hsize; i++) {
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
    const oldVals = oldKeys.map((k, i) => (k === undefined ? undefined : this.nodeValue(i)));
    const hsize = hbits > 0 ? 2 ** hbits : 0;
    const grown = SLOT_BYTES * (asize - oldN) + NODE_BYTES * (hsize - this.hsize);
    // A swept table's bytes are counted again when it comes back (heap.revive).
    if (!this.swept) this.account.charge(grown);
    this.bytes += grown;
    const old = this.array.values();
    this.array.reset(asize, old, this.swept);
    this.nodes.reset(NODE_SLOTS * hsize, [], this.swept);
    this.hmask = hsize === 0 ? 0 : hsize - 1;
    this.keys = hsize === 0 ? NO_KEYS : new Array<Key | undefined>(hsize).fill(undefined);
    this.links = hsize === 0 ? NO_LINKS : new Array<number>(hsize).fill(NO_NODE);
    this.index = hsize === 0 ? NO_INDEX : new Map();
    this.freeTop = hsize;
    this.writeLinks();
    for (let k = asize; k < oldN; k++) if (old[k] !== undefined) this.set(k, old[k]);
    for (let i = 0; i < oldKeys.length; i++) if (oldVals[i] !== undefined) this.set(oldKeys[i]!, oldVals[i]);
    this.account.reshaped(this);
  }

  /** Moves both parts where the table's state wants them: to the host once swept, back into the arrays region once revived (the heap then writes the header). */
  moveParts(): void {
    this.array.move(this.swept);
    this.nodes.move(this.swept);
    if (!this.swept) this.writeLinks();
  }

  /** lj_tab_reasize: the array part grown to hold keys up to `n` (the template of a constructor). */
  reasize(n: number): void {
    this.resize(n + 1, this.hmask > 0 ? fls(this.hmask) + 1 : 0);
  }

  /** lj_tab_dup: this table becomes a copy of `template`, parts of the same sizes. */
  copyFrom(template: LuaTable): void {
    this.resize(template.array.size, template.hmask > 0 ? fls(template.hmask) + 1 : 0);
    for (let k = 0; k < template.array.size; k++) this.setSlot(k, template.slot(k));
    for (let i = 0; i < template.hsize; i++) {
      const key = template.keys[i];
      if (key !== undefined) this.placeKey(i, key, template.nodeValue(i));
      this.link(i, template.links[i]);
    }
    this.freeTop = template.freeTop;
  }

  /** Calls `visit` with every key, value and the metatable (the collector's mark phase). */
  forEachReference(visit: (v: LuaValue) => void): void {
    for (let k = 0; k < this.array.size; k++) visit(this.slot(k));
    for (let i = 0; i < this.hsize; i++) {
      if (this.keys[i] === undefined) continue;
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
    for (let h = Math.max(from - n, 0); h < this.hsize; h++) {
      const key = this.keys[h];
      if (key === undefined) continue;
      const v = this.nodeValue(h);
      if (v !== undefined) return [n + h, key, v];
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
