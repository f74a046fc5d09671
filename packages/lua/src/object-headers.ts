// GC object headers in emulated memory (machine's `object headers` region, at
// objectHeaderAddress(handle)): a table's GCtab fields (TABLE_HEADER: asize, hmask, the parts'
// addresses, the metatable's TValue or 0) and a string's GCstr fields (STRING_HEADER: its length
// and hash), which traces read with FLOAD. The heap writes a table's header whenever its sizes,
// parts or metatable change and a string's when it is interned; after a collection the pages
// that hold no live object's header are given back (handles are never reused, so they stay
// dead, and a revived table writes its header again).
import { PAGE_SIZE, type Memory } from '@tracesim/cpu-sim';
import { REGIONS, STRING_HEADER, TABLE_HEADER, objectHeaderAddress } from '@tracesim/machine';
import { stringHash } from './string-hash';
import type { LuaTable } from './table';
import type { LuaString } from './value';
import { TAB_HI } from './stack';

export function mapObjectHeaders(mem: Memory): void {
  const r = REGIONS.objectHeaders;
  if (!mem.isMapped(r.base)) mem.map(r.base, r.size, r.perm, r.name);
}

function writeAddress(mem: Memory, at: number, address: number): void {
  mem.write64Halves(at, address % 2 ** 32, Math.floor(address / 2 ** 32));
}

export function writeTableHeader(mem: Memory, t: LuaTable): void {
  const at = objectHeaderAddress(t.handle);
  mem.write32(at + TABLE_HEADER.asize, t.asize);
  mem.write32(at + TABLE_HEADER.hmask, t.hmask);
  writeAddress(mem, at + TABLE_HEADER.array, t.arrayAddress);
  writeAddress(mem, at + TABLE_HEADER.node, t.nodeAddress);
  const mt = t.metatable;
  mem.write64Halves(at + TABLE_HEADER.meta, mt === null ? 0 : mt.handle, mt === null ? 0 : TAB_HI);
}

export function writeStringHeader(mem: Memory, s: LuaString): void {
  const at = objectHeaderAddress(s.handle);
  mem.write32(at + STRING_HEADER.len, s.s.length);
  mem.write32(at + STRING_HEADER.hash, stringHash(s.s));
}

/** Drops the header pages that hold no header of the objects with these handles (a header never straddles pages). */
export function discardDeadHeaders(mem: Memory, live: Iterable<number>): void {
  const pages = new Set<number>();
  for (const handle of live) pages.add(Math.floor(objectHeaderAddress(handle) / PAGE_SIZE));
  const r = REGIONS.objectHeaders;
  mem.discardPages(r.base, r.base + r.size, (base) => pages.has(base / PAGE_SIZE));
}
