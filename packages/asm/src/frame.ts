// LuaJIT's spill-slot frame rules (x64 POSIX, GC64): 4-byte slots addressed [rsp + 4*slot],
// 64-bit values in even-aligned pairs, 32-bit values sharing a pair's odd half, the frame
// size formula of asm_stack_adjust and a side trace's inherited frame (never shrinking).

import { typeInfo, type IRTypeName } from '@tracesim/ir';
import { SpillOverflowError } from './errors';

export const FRAME_RULES = {
  /** Bytes per spill slot (sps_scale). */
  slotBytes: 4,
  /** SPS_FIXED: slots 0..1 sit in the interpreter's frame at [rsp0, rsp0+8). */
  fixedSlots: 2,
  /** SPS_FIRST: the first slot a value may be spilled to. */
  firstSlot: 2,
  /** More than this many slots aborts the trace (LJ_TRERR_SPILLOV). */
  maxSlots: 256,
} as const;

/** 64-bit IR types (num, i64, u64, p64 and every GC reference under GC64) spill to a slot pair. */
export function isWideType(type: IRTypeName): boolean {
  return typeInfo(type).size === 8;
}

/** Byte offset from rsp of a spill slot, as `-jdump=r` prints it in `[hex]`. */
export function spillOffset(slot: number): number {
  return FRAME_RULES.slotBytes * slot;
}

/**
 * The frame size in bytes for `evenspill` slots in use: 0 when only the fixed slots are used,
 * else the slots above SPS_FIXED rounded up to a multiple of 4 slots (16 bytes).
 */
export function stackAdjust(evenspill: number): number {
  if (evenspill <= FRAME_RULES.fixedSlots) return 0;
  return FRAME_RULES.slotBytes * ((evenspill - FRAME_RULES.fixedSlots + 3) & ~3);
}

/**
 * A side trace runs in its parent's frame: it lowers rsp only by `spdelta`, and a frame
 * smaller than the parent's is widened to the parent's (the frame never shrinks).
 */
export function sideTraceFrame(ownSpadjust: number, parentSpadjust: number): { spadjust: number; spdelta: number } {
  const spdelta = ownSpadjust - parentSpadjust;
  return spdelta < 0 ? { spadjust: parentSpadjust, spdelta: 0 } : { spadjust: ownSpadjust, spdelta };
}

/** Hands out spill slots in LuaJIT's order (ra_spill) and tracks evenspill. */
export class SpillSlots {
  private nextEven: number = FRAME_RULES.firstSlot;
  private pendingOdd = 0;

  /** The first slot of a fresh slot (wide: a pair) for a value; `location` names it in errors. */
  allocate(wide: boolean, location: string): number {
    if (!wide && this.pendingOdd !== 0) {
      const slot = this.pendingOdd;
      this.pendingOdd = 0;
      return slot;
    }
    const slot = this.nextEven;
    if (!wide) this.pendingOdd = slot + 1;
    this.raise(slot + 2, location);
    return slot;
  }

  /** Makes at least `evenspill` slots part of the frame (call argument areas, helper temporaries). */
  raise(evenspill: number, location: string): void {
    if (evenspill > FRAME_RULES.maxSlots) {
      throw new SpillOverflowError(location,
        `needs ${evenspill} spill slots but a trace frame holds at most ${FRAME_RULES.maxSlots}; reduce live values or raise the register budget`);
    }
    this.nextEven = Math.max(this.nextEven, evenspill + (evenspill & 1));
  }

  get evenspill(): number {
    return this.nextEven;
  }

  get spadjust(): number {
    return stackAdjust(this.nextEven);
  }
}
