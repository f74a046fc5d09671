// Table parts in emulated memory (table-arrays.ts): each array slot, and each node's value and
// key, is the TValue the Lua stack would hold, at the address the table's header names, and each
// key is found by walking the node chain from its main position, as the inline HREF walks it; blocks
// are reused once freed; a table the collector sweeps keeps its values on the host and gets
// blocks again when it is revived.

import { Memory } from '@tracesim/cpu-sim';
import { REGIONS, STRING_HEADER, TABLE_HEADER, TABLE_NODE, objectHeaderAddress } from '@tracesim/machine';
import fc from 'fast-check';
import { keyHash, LuaInterpreter, LuaString, LuaTable, stringHash, tagOf, type LuaValue } from '../src';
import { collectGarbage } from '../src/gc';

function vm(): LuaInterpreter {
  return new LuaInterpreter({ output: () => undefined, memory: new Memory() });
}

/** The TValue words at array slot k of `t`, read through its header as a trace reads them. */
function slotWords(v: LuaInterpreter, t: LuaTable, k: number): [number, number] {
  const array = Number(v.mem.read64(objectHeaderAddress(t.handle) + TABLE_HEADER.array));
  return [v.mem.read32(array + 8 * k), v.mem.read32(array + 8 * k + 4)];
}

test('array slots hold TValues where the header points, inside the table-arrays region', () => {
  const v = vm();
  const t = v.heap.table(4);
  const s = v.heap.str('x');
  t.set(1, 2.5);
  t.set(2, s);
  const array = Number(v.mem.read64(objectHeaderAddress(t.handle) + TABLE_HEADER.array));
  expect(array).toBeGreaterThanOrEqual(REGIONS.tableArrays.base);
  expect(v.mem.readF64(array + 8)).toBe(2.5);
  expect(slotWords(v, t, 2)).toEqual([s.handle, tagOf(s)]);
  expect(v.stack.get(array + 16)).toBe(s);
  expect(v.stack.get(array)).toBeUndefined();
  expect(v.mem.read32(objectHeaderAddress(t.handle) + TABLE_HEADER.asize)).toBe(4);
});

/**
 * The value cell of `key` in `t`'s hash part, found as LuaJIT's HREF finds it: read hmask and the
 * node block from the header, start at the key's main position, follow next words until a node's
 * key TValue equals the key's. Undefined when the chain ends first.
 */
function chainLookup(v: LuaInterpreter, t: LuaTable, key: Exclude<LuaValue, undefined>): number | undefined {
  const header = objectHeaderAddress(t.handle);
  const hmask = v.mem.read32(header + TABLE_HEADER.hmask);
  const base = Number(v.mem.read64(header + TABLE_HEADER.node));
  if (hmask === 0) return undefined;
  const scratch = REGIONS.luaStack.base;
  v.stack.set(scratch, key);
  const wanted = v.mem.read64(scratch);
  let node = base + TABLE_NODE.bytes * (keyHash(key) & hmask);
  for (let steps = 0; steps <= hmask; steps++) {
    if (v.mem.read64(node + TABLE_NODE.key) === wanted) return node + TABLE_NODE.value;
    node = Number(v.mem.read64(node + TABLE_NODE.next));
    if (node === 0) return undefined;
  }
  throw new Error('a chain longer than the hash part: the links loop');
}

test('hash nodes hold value and key TValues where the header points, chained from each key\'s main position', () => {
  const v = vm();
  const t = v.heap.table(0, 2);
  const [a, b, c] = [v.heap.str('a'), v.heap.str('b'), v.heap.str('c')];
  t.set(a, 1);
  t.set(b, a);
  t.set(a, 3);
  const node = Number(v.mem.read64(objectHeaderAddress(t.handle) + TABLE_HEADER.node));
  expect(node).toBe(t.nodeAddress);
  expect(node).toBeGreaterThanOrEqual(REGIONS.tableArrays.base);
  expect(v.stack.get(chainLookup(v, t, a)!)).toBe(3);
  expect(v.stack.get(chainLookup(v, t, b)!)).toBe(a);
  expect(chainLookup(v, t, c)).toBeUndefined();
  expect(chainLookup(v, t, a)).toBe(node + TABLE_NODE.bytes * t.nodeOf(a)! + TABLE_NODE.value);
  expect(t.nodeOf(c)).toBeUndefined();
});

/** Keys of every type a table takes: small and large integers, fractions, -0, strings, booleans, tables. */
const keyRecipe = fc.oneof(
  fc.integer({ min: -4, max: 40 }),
  fc.integer({ min: 2 ** 20, max: 2 ** 20 + 8 }),
  fc.constantFrom(0.5, -0, 1e300, -2.25),
  fc.constantFrom('a', 'b', 'k1', 'k2', 'longer key', ''),
  fc.boolean(),
  fc.constantFrom({ table: 0 }, { table: 1 }),
);

test('property: after any stores and deletions, every key is found by walking its chain in memory, and next() visits exactly the live keys', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(keyRecipe, fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined })), { maxLength: 60 }), (ops) => {
      const v = vm();
      const t = v.heap.table(0, 0);
      const tables = [v.heap.table(0, 0), v.heap.table(0, 0)];
      const keyOf = (r: (typeof ops)[number][0]): Exclude<LuaValue, undefined> =>
        typeof r === 'string' ? v.heap.str(r) : typeof r === 'object' ? tables[r.table] : r;
      const model = new Map<Exclude<LuaValue, undefined>, number>();
      for (const [r, value] of ops) {
        const key = keyOf(r);
        const k = key === 0 ? 0 : key;
        t.set(k, value);
        if (value === undefined) model.delete(k);
        else model.set(k, value);
      }
      for (const [key, value] of model) {
        expect(t.get(key)).toBe(value);
        const inArray = typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < t.asize;
        if (!inArray) expect(v.stack.get(chainLookup(v, t, key)!)).toBe(value);
      }
      const seen = new Map<LuaValue, LuaValue>();
      for (let p = t.nextFrom(0); p !== undefined; p = t.nextFrom(p[0] + 1)) seen.set(p[1], p[2]);
      expect(seen).toEqual(model);
    }),
    { seed: 1169, numRuns: 300 },
  );
});

test('a rehash moves the array part to a new block, keeping every value; freed blocks are reused', () => {
  const v = vm();
  const t = v.heap.table(2);
  t.set(1, 10);
  const first = t.arrayAddress;
  for (let k = 2; k <= 9; k++) t.set(k, k * 10);
  expect(t.asize).toBeGreaterThan(9);
  expect(t.arrayAddress).not.toBe(first);
  for (let k = 1; k <= 9; k++) expect(t.get(k)).toBe(k * 10);
  // The two-slot block is free again: the next table of that size takes it.
  expect(v.heap.table(2).arrayAddress).toBe(first);
});

test('a swept table keeps its values on the host; revived, they are back in memory', () => {
  const v = vm();
  const t = v.heap.table(3, 1);
  const s = v.heap.str('kept');
  t.set(1, s);
  t.set(2, true);
  t.set(s, 8);
  t.set(s, 9);
  const before = v.heap.arrays.highWater;
  collectGarbage(v.heap, v.mem, []);
  expect(t.swept).toBe(true);
  expect(t.get(1)).toBe(s);
  expect(t.get(2)).toBe(true);
  t.set(0, 5);
  v.heap.revive(t);
  expect(t.swept).toBe(false);
  expect(v.heap.arrays.highWater).toBe(before);
  expect(v.stack.get(t.arrayAddress + 8)).toBe(s);
  expect([t.get(0), t.get(1), t.get(2), t.get(s)]).toEqual([5, s, true, 9]);
  expect(v.stack.get(chainLookup(v, t, s)!)).toBe(9);
  expect(s).toBeInstanceOf(LuaString);
});

test('every interned string has a GCstr header: its length and its lj_str_new hash', () => {
  const v = vm();
  for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'hello world', '\u00ff\u0000x']) {
    const s = v.heap.str(text);
    const at = objectHeaderAddress(s.handle);
    expect(v.mem.read32(at + STRING_HEADER.len)).toBe(text.length);
    expect(v.mem.read32(at + STRING_HEADER.hash)).toBe(stringHash(text));
  }
  // lj_str_new's hash: 0 for the empty string; short strings mix their first, middle and last
  // bytes (so "ab" and "abc", whose length and middle bytes cancel alike, collide), longer ones
  // whole 32-bit words.
  expect(stringHash('')).toBe(0);
  expect(stringHash('ab')).toBe(stringHash('abc'));
  expect(stringHash('ab')).not.toBe(stringHash('ba'));
  expect(stringHash('abcd')).not.toBe(stringHash('abdc'));
  for (const text of ['x', 'hello', 'a longer string of text']) expect(stringHash(text)).toBe(stringHash(text) >>> 0);
});
