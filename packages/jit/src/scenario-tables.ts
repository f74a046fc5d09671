// A scenario's tables and strings in the replay machine's memory (each string's GCstr header as
// the run's StringModel learns of it): each header (asize, hmask, the parts'
// addresses and the metatable, machine's TABLE_HEADER), each array slot's TValue and each node's key and value
// (TABLE_NODE), written before the run; afterwards the array slots and node values are read
// back, so a replay's stores can be compared with the reference interpreter's (ir's
// TableMemoryModel).
import type { Memory } from '@tracesim/cpu-sim';
import { luaValueWords, type TableContents, type TableSizes } from '@tracesim/ir';
import { gcWords, ITYPE, REGIONS, STRING_HEADER, TABLE_HEADER, TABLE_NODE, objectHeaderAddress, type TValueWords } from '@tracesim/machine';
import { stringHash } from '@tracesim/lua';
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
    const header = objectHeaderAddress(t.handle);
    memory.write32(header + TABLE_HEADER.asize, t.asize);
    memory.write32(header + TABLE_HEADER.hmask, t.hmask);
    const meta = t.meta === undefined ? { lo: 0, hi: 0 } : gcWords(ITYPE.tab, t.meta);
    put(header + TABLE_HEADER.meta, meta);
    if (t.array) {
      checkBlock(t, 'array', t.array.address, SLOT_BYTES * t.array.slots.length);
      memory.write64(header + TABLE_HEADER.array, BigInt(t.array.address));
      t.array.slots.forEach((v, k) => put(t.array!.address + SLOT_BYTES * k, luaValueWords(v)));
    }
    if (t.node) {
      checkBlock(t, 'node', t.node.address, TABLE_NODE.bytes * t.node.values.length);
      memory.write64(header + TABLE_HEADER.node, BigInt(t.node.address));
      t.node.values.forEach((v, k) => {
        put(t.node!.address + TABLE_NODE.bytes * k + TABLE_NODE.value, luaValueWords(v));
        put(t.node!.address + TABLE_NODE.bytes * k + TABLE_NODE.key, luaValueWords(t.node!.keys[k]));
      });
    }
  }
}

/** The GCstr header (length, hash) of the string with handle `handle`, which FLOAD str.len reads. */
export function writeStringHeader(memory: Memory, handle: number, text: string): void {
  const at = objectHeaderAddress(handle);
  memory.write32(at + STRING_HEADER.len, text.length);
  memory.write32(at + STRING_HEADER.hash, stringHash(text));
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
