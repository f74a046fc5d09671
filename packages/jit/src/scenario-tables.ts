// A trace file's scenario tables in the replay machine's memory: each header (written by lua's
// writeTableHeader, as the interpreter writes its tables'), each array slot's TValue and each
// node's key and value (machine's TABLE_NODE), before the run. Each node's next word chains it
// after the node at its key's main position (machine's table-hash.ts), so the inline HREF finds
// it: a key may sit away from its main position only when that node is free or holds a key of
// its own main position, as lj_tab_newkey leaves a hash part. Afterwards the array slots and
// node values are read back, so a replay's stores can be compared with the reference
// interpreter's (ir's TableMemoryModel). The replay writes its model strings' GCstr headers with
// lua's writeStringHeader.
import type { Memory } from '@tracesim/cpu-sim';
import { luaValueWords, type LuaValue, type TableContents, type TableSizes } from '@tracesim/ir';
import { NILNODE, numberHash, objectHash, REGIONS, stringHash, TABLE_NODE, type TValueWords } from '@tracesim/machine';
import { writeTableHeader } from '@tracesim/lua';
import { ReplayInputError } from './errors';

const SLOT_BYTES = 8;

/** Checks that [address, address + bytes) is an 8-byte aligned block inside the table-arrays region. */
function checkBlock(t: TableSizes, what: string, address: number, bytes: number): void {
  const region = REGIONS.tableArrays;
  if (address % SLOT_BYTES !== 0 || address < region.base || address + bytes > region.base + region.size) {
    throw new ReplayInputError('scenario', `table {0x${t.handle.toString(16)}}: ${what} 0x${address.toString(16)} must be an 8-byte aligned block inside the ${region.name} region (0x${region.base.toString(16)}, 0x${region.size.toString(16)} bytes)`);
  }
}

export function loadScenarioTables(memory: Memory, tables: readonly TableSizes[]): void {
  const put = (at: number, w: TValueWords) => memory.write64Halves(at, w.lo, w.hi);
  for (const t of tables) {
    writeTableHeader(memory, t.handle, { asize: t.asize, hmask: t.hmask, array: t.array?.address ?? 0, node: t.node?.address ?? NILNODE, meta: t.meta ?? null });
    if (t.array) {
      checkBlock(t, 'array', t.array.address, SLOT_BYTES * t.array.slots.length);
      t.array.slots.forEach((v, k) => put(t.array!.address + SLOT_BYTES * k, luaValueWords(v)));
    }
    if (t.node) {
      checkBlock(t, 'node', t.node.address, TABLE_NODE.bytes * t.node.values.length);
      const next = nodeChains(t);
      t.node.values.forEach((v, k) => {
        const at = t.node!.address + TABLE_NODE.bytes * k;
        put(at + TABLE_NODE.value, luaValueWords(v));
        put(at + TABLE_NODE.key, luaValueWords(t.node!.keys[k]));
        memory.write64(at + TABLE_NODE.next, next[k] < 0 ? 0n : BigInt(t.node!.address + TABLE_NODE.bytes * next[k]));
      });
    }
  }
}

/** A scenario key's main position in a hash part of `hmask` (undefined for a free node's nil key). */
function mainPosition(key: LuaValue, hmask: number): number | undefined {
  switch (key.kind) {
    case 'nil':
      return undefined;
    case 'false':
      return 0;
    case 'true':
      return 1 & hmask;
    case 'num':
      return numberHash(key.value) & hmask;
    case 'gc':
      return (key.type === 'str' ? stringHash(key.text.slice(1, -1)) : objectHash(luaValueWords(key).lo)) & hmask;
    case 'raw':
      throw new ReplayInputError('scenario', 'a raw value cannot be a table key');
  }
}

/** Each node's successor in its chain (-1 at the end): the nodes away from their main position, in node order, after it. */
function nodeChains(t: TableSizes): number[] {
  const keys = t.node!.keys;
  const home = keys.map((key) => mainPosition(key, t.hmask));
  const next = keys.map(() => -1);
  const last = keys.map((_, k) => k);
  home.forEach((m, k) => {
    if (m === undefined || m === k) return;
    if (m >= keys.length || (home[m] !== undefined && home[m] !== m)) {
      throw new ReplayInputError('scenario', `table {0x${t.handle.toString(16)}}: node ${k}'s key belongs in node ${m}, its main position, which holds a key of another main position; lj_tab_newkey leaves no such hash part`);
    }
    next[last[m]] = k;
    last[m] = k;
  });
  return next;
}

/** Each table's array slots, then its node values, as ir's TableMemoryModel lists them. */
export function readScenarioTables(memory: Memory, tables: readonly TableSizes[]): TableContents[] {
  const get = (at: number): TValueWords => ({ lo: memory.read32(at), hi: memory.read32(at + 4) });
  return tables.flatMap((t) => {
    const slots = [
      ...(t.array?.slots.map((_, k) => get(t.array!.address + SLOT_BYTES * k)) ?? []),
      ...(t.node?.values.map((_, k) => get(t.node!.address + TABLE_NODE.bytes * k + TABLE_NODE.value)) ?? []),
    ];
    return slots.length > 0 ? [{ handle: t.handle, slots }] : [];
  });
}
