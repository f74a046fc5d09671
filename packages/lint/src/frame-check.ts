// Cross-checks a trace's frame, as its code sets it up, against the spill slots its IR `r`
// column shows, by LuaJIT's frame formula (asm_stack_adjust): the slots must fit the frame.
import { FRAME_RULES, stackAdjust } from '@tracesim/asm';
import type { SpillUse } from './dump-reader';

/** evenspill for the slots shown: one past the highest slot used, rounded up to a pair. */
export function evenspillOf(spills: readonly SpillUse[]): number {
  let end: number = FRAME_RULES.firstSlot;
  for (const s of spills) end = Math.max(end, Math.ceil((s.offset + s.bytes) / FRAME_RULES.slotBytes));
  return end + (end & 1);
}

/** The frame LuaJIT would give the trace: its own need, and never less than the parent's. */
export function frameFromSpills(spills: readonly SpillUse[], parentAdjust: number | undefined): number {
  const own = stackAdjust(evenspillOf(spills));
  return parentAdjust === undefined ? own : Math.max(own, parentAdjust);
}
