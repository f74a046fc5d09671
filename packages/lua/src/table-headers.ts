// Each table's GCtab header in emulated memory: the asize, hmask and array address a trace's FLOADs read
// (machine's TABLE_HEADER, at tableHeaderAddress(handle)). The heap reports every change of a
// table's sizes and the interpreter writes them here; after a collection the pages that hold
// only dead tables' headers are given back (handles are never reused, so they stay dead, and a
// revived table writes its header again).
import { PAGE_SIZE, type Memory } from '@tracesim/cpu-sim';
import { REGIONS, TABLE_HEADER, tableHeaderAddress } from '@tracesim/machine';
import type { LuaTable } from './table';

export function mapTableHeaders(mem: Memory): void {
  const r = REGIONS.tableHeaders;
  if (!mem.isMapped(r.base)) mem.map(r.base, r.size, r.perm, r.name);
}

export function writeTableHeader(mem: Memory, t: LuaTable): void {
  const at = tableHeaderAddress(t.handle);
  mem.write32(at + TABLE_HEADER.asize, t.asize);
  mem.write32(at + TABLE_HEADER.hmask, t.hmask);
  mem.write64Halves(at + TABLE_HEADER.array, t.arrayAddress % 2 ** 32, Math.floor(t.arrayAddress / 2 ** 32));
}

/** Drops the header pages no live table's header is on. */
export function discardDeadHeaders(mem: Memory, live: readonly LuaTable[]): void {
  const pages = new Set<number>();
  for (const t of live) pages.add(Math.floor(tableHeaderAddress(t.handle) / PAGE_SIZE));
  const r = REGIONS.tableHeaders;
  mem.discardPages(r.base, r.base + r.size, (base) => pages.has(base / PAGE_SIZE));
}
