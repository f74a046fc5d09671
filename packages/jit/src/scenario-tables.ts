// A scenario's tables in the replay machine's memory: each header (asize, hmask and the array
// part's address, machine's TABLE_HEADER) and each array slot's TValue, written before the run;
// afterwards the array parts are read back, so a replay's stores can be compared with the
// reference interpreter's (ir's TableMemoryModel).
import type { Memory } from '@tracesim/cpu-sim';
import { luaValueWords, type TableContents, type TableSizes } from '@tracesim/ir';
import { REGIONS, TABLE_HEADER, tableHeaderAddress } from '@tracesim/machine';
import { ReplayInputError } from './errors';

const SLOT_BYTES = 8;

export function loadScenarioTables(memory: Memory, tables: readonly TableSizes[]): void {
  const region = REGIONS.tableArrays;
  for (const t of tables) {
    const header = tableHeaderAddress(t.handle);
    memory.write32(header + TABLE_HEADER.asize, t.asize);
    memory.write32(header + TABLE_HEADER.hmask, t.hmask);
    if (!t.array) continue;
    const { address, slots } = t.array;
    if (address % SLOT_BYTES !== 0 || address < region.base || address + SLOT_BYTES * slots.length > region.base + region.size) {
      throw new ReplayInputError('scenario', `table {0x${t.handle.toString(16)}}: array 0x${address.toString(16)} must be an 8-byte aligned block inside the ${region.name} region (0x${region.base.toString(16)}, 0x${region.size.toString(16)} bytes)`);
    }
    memory.write64(header + TABLE_HEADER.array, BigInt(address));
    slots.forEach((v, k) => {
      const w = luaValueWords(v);
      memory.write64Halves(address + SLOT_BYTES * k, w.lo, w.hi);
    });
  }
}

export function readScenarioTables(memory: Memory, tables: readonly TableSizes[]): TableContents[] {
  return tables.flatMap((t) =>
    t.array ? [{ handle: t.handle, slots: t.array.slots.map((_, k) => ({ lo: memory.read32(t.array!.address + SLOT_BYTES * k), hi: memory.read32(t.array!.address + SLOT_BYTES * k + 4) })) }] : [],
  );
}
