// Table parts in emulated memory (table-arrays.ts): each array slot, and each node's value and
// key, is the TValue the Lua stack would hold, at the address the table's header names; blocks
// are reused once freed; a table the collector sweeps keeps its values on the host and gets
// blocks again when it is revived.

import { Memory } from '@tracesim/cpu-sim';
import { REGIONS, STRING_HEADER, TABLE_HEADER, TABLE_NODE, objectHeaderAddress } from '@tracesim/machine';
import { LuaInterpreter, LuaString, LuaTable, stringHash, tagOf } from '../src';
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

test('hash nodes hold value and key TValues in insertion order where the header points', () => {
  const v = vm();
  const t = v.heap.table(0, 2);
  const [a, b] = [v.heap.str('a'), v.heap.str('b')];
  t.set(a, 1);
  t.set(b, a);
  t.set(a, 3);
  const node = Number(v.mem.read64(objectHeaderAddress(t.handle) + TABLE_HEADER.node));
  expect(node).toBe(t.nodeAddress);
  expect(node).toBeGreaterThanOrEqual(REGIONS.tableArrays.base);
  const at = (i: number, field: 'key' | 'value') => v.stack.get(node + TABLE_NODE.bytes * i + TABLE_NODE[field]);
  expect([at(0, 'key'), at(0, 'value'), at(1, 'key'), at(1, 'value')]).toEqual([a, 3, b, a]);
  expect([t.nodeOf(a), t.nodeOf(b), t.nodeOf(v.heap.str('c'))]).toEqual([0, 1, undefined]);
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
  expect(v.stack.get(t.nodeAddress + TABLE_NODE.key)).toBe(s);
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
