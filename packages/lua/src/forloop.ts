// A numeric for loop's control slots (index, stop, step at ra, ra+8, ra+16) as the VM reads
// them: the loop counts up unless the step's sign bit is set (so a step of -0 counts down), as
// vm_x64's FORI/FORL and rec_for_direction decide. The interpreter and the recorder share these.
import type { Memory } from '@tracesim/cpu-sim';

/** Whether the loop counts up (the step's sign bit is clear). */
export const forCountsUp = (mem: Memory, ra: number): boolean => mem.read32(ra + 20) >>> 31 === 0;

/** FORI: whether the body runs at all, from the index as it is. */
export function forEnters(mem: Memory, ra: number): boolean {
  const idx = mem.readF64(ra), stop = mem.readF64(ra + 8);
  return forCountsUp(mem, ra) ? idx <= stop : idx >= stop;
}

/** FORL: whether the loop goes on after its index has been stepped. */
export function forContinues(mem: Memory, ra: number): boolean {
  const next = mem.readF64(ra) + mem.readF64(ra + 16), stop = mem.readF64(ra + 8);
  return forCountsUp(mem, ra) ? next <= stop : next >= stop;
}
