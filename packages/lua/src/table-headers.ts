// Each table's GCtab header in emulated memory: the asize, hmask, part addresses and metatable (its TValue, or 0) a trace's FLOADs read
// (machine's TABLE_HEADER, at tableHeaderAddress(handle)). The heap reports every change of a
// table's sizes and the interpreter writes them here; after a collection the pages that hold
// only dead tables' headers are given back (handles are never reused, so they stay dead, and a
// revived table writes its header again).
import { PAGE_SIZE, type Memory } from '@tracesim/cpu-sim';
import { REGIONS, TABLE_HEADER, TABLE_HEADER_BYTES, tableHeaderAddress } from '@tracesim/machine';
import type { LuaTable } from './table';
import { TAB_HI } from './stack';

export function mapTableHeaders(mem: Memory): void {
  const r = REGIONS.tableHeaders;
  if (!mem.isMapped(r.base)) mem.map(r.base, r.size, r.perm, r.name);
}

function writeAddress(mem: Memory, at: number, address: number): void {
  mem.write64Halves(at, address % 2 ** 32, Math.floor(address / 2 ** 32));
}

export function writeTableHeader(mem: Memory, t: LuaTable): void {
  const at = tableHeaderAddress(t.handle);
  mem.write32(at + TABLE_HEADER.asize, t.asize);
  mem.write32(at + TABLE_HEADER.hmask, t.hmask);
  writeAddress(mem, at + TABLE_HEADER.array, t.arrayAddress);
  writeAddress(mem, at + TABLE_HEADER.node, t.nodeAddress);
  const mt = t.metatable;
  mem.write64Halves(at + TABLE_HEADER.meta, mt === null ? 0 : mt.handle, mt === null ? 0 : TAB_HI);
}

/** Drops the header pages no live table's header is on. */
export function discardDeadHeaders(mem: Memory, live: readonly LuaTable[]): void {
  const pages = new Set<number>();
  for (const t of live) {
    // A header may straddle two pages.
    const at = tableHeaderAddress(t.handle);
    pages.add(Math.floor(at / PAGE_SIZE));
    pages.add(Math.floor((at + TABLE_HEADER_BYTES - 1) / PAGE_SIZE));
  }
  const r = REGIONS.tableHeaders;
  mem.discardPages(r.base, r.base + r.size, (base) => pages.has(base / PAGE_SIZE));
}
