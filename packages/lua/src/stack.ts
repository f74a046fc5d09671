// The Lua stack in the modelled machine's memory: 8-byte GC64 TValues (NaN-tagged, itype in
// bits 47-63, GC payloads are heap handles) and FR2 frames (function slot at BASE-16, frame
// link at BASE-8: the return PC for Lua frames, delta|type for C and pcall frames).
import type { Memory } from '@tracesim/cpu-sim';
import { ITYPE, NUMBER_HI_LIMIT, gcWords, primitiveWords } from '@tracesim/machine';
import type { Heap } from './heap';
import { LuaTable } from './table';
import { LuaCdata, LuaFunction, LuaString, LuaThread } from './value';
import type { LuaObject, LuaValue } from './value';

export const NUM_LIMIT = NUMBER_HI_LIMIT;
export const NIL_HI = primitiveWords(ITYPE.nil).hi;
export const FALSE_HI = primitiveWords(ITYPE.false).hi;
export const TRUE_HI = primitiveWords(ITYPE.true).hi;
export const PRI_LO = primitiveWords(ITYPE.nil).lo;
export const STR_HI = gcWords(ITYPE.str, 0).hi;
export const TAB_HI = gcWords(ITYPE.tab, 0).hi;
export const FUNC_HI = gcWords(ITYPE.func, 0).hi;
export const THREAD_HI = gcWords(ITYPE.thread, 0).hi;
export const CDATA_HI = gcWords(ITYPE.cdata, 0).hi;
export const UDATA_HI = gcWords(ITYPE.udata, 0).hi;
/** hi word of KPRI/ISEQP's primitive D operand (0 nil, 1 false, 2 true). */
export const PRI_HI = [NIL_HI, FALSE_HI, TRUE_HI] as const;

/**
 * Frame types in the low bits of a frame link (lj_frame.h): a link whose low 2 bits are 0
 * is a Lua frame's return PC; otherwise the low 3 bits are the type and the rest a delta
 * (the distance in bytes from this frame's BASE down to the frame below).
 */
export const FRAME_C = 1;
export const FRAME_CONT = 2;
export const FRAME_VARG = 3;
export const FRAME_PCALL = 6;
/** A pcall frame with an error handler (xpcall); tracesim's use of LuaJIT's FRAME_PCALLH. */
export const FRAME_PCALLH = 7;
export const FRAME_DELTA_MASK = ~7;

export const isLuaFrame = (link: number): boolean => (link & 3) === 0;
export const isPcallFrame = (link: number): boolean => (link & 6) === FRAME_PCALL;
export const frameType = (link: number): number => ((link & 3) === 0 ? 0 : link & 7);

/** hi word for a GC object (handles stay below 2^32, so the tag is the whole hi word). */
export function tagOf(v: LuaObject): number {
  if (v instanceof LuaString) return STR_HI;
  if (v instanceof LuaFunction) return FUNC_HI;
  if (v instanceof LuaTable) return TAB_HI;
  if (v instanceof LuaThread) return THREAD_HI;
  if (v instanceof LuaCdata) return CDATA_HI;
  return UDATA_HI;
}

export class LuaStack {
  constructor(readonly mem: Memory, readonly heap: Heap) {}

  get(a: number): LuaValue {
    const mem = this.mem;
    const hi = mem.read32(a + 4);
    if (hi < NUM_LIMIT) return mem.readF64(a);
    if (hi === NIL_HI) return undefined;
    if (hi === FALSE_HI) return false;
    if (hi === TRUE_HI) return true;
    return this.heap.objects[mem.read32(a)];
  }

  set(a: number, v: LuaValue): void {
    const mem = this.mem;
    if (typeof v === 'number') mem.writeF64(a, v);
    else if (v === undefined) mem.write64Halves(a, PRI_LO, NIL_HI);
    else if (v === false) mem.write64Halves(a, PRI_LO, FALSE_HI);
    else if (v === true) mem.write64Halves(a, PRI_LO, TRUE_HI);
    else {
      if (v instanceof LuaTable && v.swept) this.heap.revive(v);
      mem.write64Halves(a, v.handle, tagOf(v));
    }
  }

  setNil(a: number): void {
    this.mem.write64Halves(a, PRI_LO, NIL_HI);
  }

  copy(dst: number, src: number): void {
    const mem = this.mem;
    mem.write64Halves(dst, mem.read32(src), mem.read32(src + 4));
  }

  /** Raw 64-bit frame link at `a` as (lo, hi) — return PCs and deltas stay below 2^32. */
  link(a: number): number {
    return this.mem.read32(a);
  }

  setLink(a: number, value: number): void {
    this.mem.write64Halves(a, value, 0);
  }
}
