// The collector: mark and sweep over tables, the objects a loop makes by the million. It runs
// only where every live value sits in emulated memory, in given register words or in host
// objects (not while a trace is recorded). Marking starts from every GC handle found in the
// given memory regions (the Lua stacks, the global page, the trace constants in the mcode
// area, the host C stack's spill slots) and register words, and follows tables,
// functions, upvalues and metatables. A table not reached loses its handle and its bytes; the
// host may still hold it (a library's own table), and storing it anywhere again revives it
// (LuaStack.set), so no handle in memory ever names a swept table. Strings stay interned.
// Handles are never reused, so a run's output does not depend on when collections happen.
import type { Memory } from '@tracesim/cpu-sim';
import type { Heap } from './heap';
import { CDATA_HI, FUNC_HI, STR_HI, TAB_HI, THREAD_HI, UDATA_HI } from './stack';
import { LuaTable } from './table';
import { LuaFunction, LuaThread, LuaUserdata, type LuaObject, type LuaValue } from './value';

/** Bytes below which no collection is asked for (LuaJIT's first GC threshold is of this order). */
export const MIN_GC_THRESHOLD = 4 * 1024 * 1024;
/** The next threshold is this many times the bytes live after a collection (Lua's pause, 200%). */
const PAUSE = 2;

const GC_TAGS: ReadonlySet<number> = new Set([STR_HI, TAB_HI, FUNC_HI, THREAD_HI, CDATA_HI, UDATA_HI]);

export interface AddressRange {
  readonly start: number;
  readonly end: number;
}

/** Marks from the handles in `roots` (memory) and `words` ([lo, hi] values held elsewhere), then sweeps. */
export function collectGarbage(heap: Heap, mem: Memory, roots: readonly AddressRange[], words: readonly (readonly [number, number])[] = []): void {
  const marked = new Set<LuaObject>();
  const pending: LuaObject[] = [];
  const mark = (v: LuaValue): void => {
    if (typeof v !== 'object' || marked.has(v)) return;
    marked.add(v);
    pending.push(v);
  };
  for (const range of roots) mem.forEachWord(range.start, range.end, (lo, hi) => {
    if (GC_TAGS.has(hi)) mark(heap.objects[lo]);
  });
  for (const [lo, hi] of words) if (GC_TAGS.has(hi)) mark(heap.objects[lo]);
  mark(heap.globals);
  while (pending.length > 0) {
    const o = pending.pop()!;
    if (o instanceof LuaTable) o.forEachReference(mark);
    else if (o instanceof LuaFunction) {
      mark(o.env);
      for (const uv of o.upvalues) if (uv.closed) mark(uv.value);
    } else if (o instanceof LuaThread) {
      if (o.body) mark(o.body);
    } else if (o instanceof LuaUserdata && o.metatable) mark(o.metatable);
  }
  const kept: LuaTable[] = [];
  for (const t of heap.tables) {
    if (marked.has(t)) kept.push(t);
    else {
      t.swept = true;
      t.moveParts();
      heap.objects[t.handle] = undefined;
      heap.bytes -= t.bytes;
    }
  }
  heap.tables = kept;
  heap.threshold = Math.max(PAUSE * heap.bytes, MIN_GC_THRESHOLD);
}
