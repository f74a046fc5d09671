// GC object headers in emulated memory (machine's `object headers` region, at
// objectHeaderAddress(handle)): a table's GCtab fields (TABLE_HEADER: asize, hmask, the parts'
// addresses, the metatable's TValue or 0) and a string's GCstr fields (STRING_HEADER: its length
// and hash), which traces read with FLOAD. The heap writes a table's header whenever its sizes,
// parts or metatable change and a string's when it is interned; after a collection the pages
// that hold no live object's header are given back (handles are never reused, so they stay
// dead, and a revived table writes its header again).
import { PAGE_SIZE, type Memory } from '@tracesim/cpu-sim';
import { FUNC_HEADER, NILNODE, REGIONS, STRING_HEADER, stringHash, TABLE_HEADER, objectHeaderAddress } from '@tracesim/machine';
import type { LuaTable } from './table';
import { TAB_HI } from './stack';

export function mapObjectHeaders(mem: Memory): void {
  const r = REGIONS.objectHeaders;
  if (!mem.isMapped(r.base)) mem.map(r.base, r.size, r.perm, r.name);
}

function writeAddress(mem: Memory, at: number, address: number): void {
  mem.write64Halves(at, address % 2 ** 32, Math.floor(address / 2 ** 32));
}

/** What a table's header holds: its sizes, its parts' addresses (0 for none) and its metatable's handle (null for none). */
export interface TableHeaderFields {
  readonly asize: number;
  readonly hmask: number;
  readonly array: number;
  readonly node: number;
  readonly meta: number | null;
}

/** A table's header (the replay writes a trace file's scenario tables with it too). */
export function writeTableHeader(mem: Memory, handle: number, f: TableHeaderFields): void {
  const at = objectHeaderAddress(handle);
  mem.write32(at + TABLE_HEADER.asize, f.asize);
  mem.write32(at + TABLE_HEADER.hmask, f.hmask);
  writeAddress(mem, at + TABLE_HEADER.array, f.array);
  writeAddress(mem, at + TABLE_HEADER.node, f.node);
  mem.write64Halves(at + TABLE_HEADER.meta, f.meta === null ? 0 : f.meta, f.meta === null ? 0 : TAB_HI);
}

/** A function's header: its environment table (FLOAD func.env). */
export function writeFunctionHeader(mem: Memory, handle: number, env: LuaTable): void {
  mem.write64Halves(objectHeaderAddress(handle) + FUNC_HEADER.env, env.handle, TAB_HI);
}

export function tableHeaderFields(t: LuaTable): TableHeaderFields {
  // A table without a hash part points at g->nilnode, as in LuaJIT.
  return { asize: t.asize, hmask: t.hmask, array: t.arrayAddress, node: t.hmask === 0 ? NILNODE : t.nodeAddress, meta: t.metatable?.handle ?? null };
}

/** A string's GCstr header: its length and hash (the replay writes its model strings' with it too). */
export function writeStringHeader(mem: Memory, handle: number, text: string): void {
  const at = objectHeaderAddress(handle);
  mem.write32(at + STRING_HEADER.len, text.length);
  mem.write32(at + STRING_HEADER.hash, stringHash(text));
}

/** Drops the header pages that hold no header of the objects with these handles (a header never straddles pages). */
export function discardDeadHeaders(mem: Memory, live: Iterable<number>): void {
  const pages = new Set<number>();
  for (const handle of live) pages.add(Math.floor(objectHeaderAddress(handle) / PAGE_SIZE));
  const r = REGIONS.objectHeaders;
  mem.discardPages(r.base, r.base + r.size, (base) => pages.has(base / PAGE_SIZE));
}
