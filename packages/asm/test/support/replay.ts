// Replays a register allocation forwards over an abstract register file and spill area: every
// operand register must hold the value the instruction reads, every reload must find its value
// in its slot, every soft use (snapshot value) must be in the home the allocation names for it —
// for a guard, the home its snapshot's exit map will use — and the label's registers must hold
// their values. The oracle for allocator tests; it knows nothing of how the allocation was made.

import type { AllocIns, Allocation } from '../../src';

/** Replays the allocation forwards; fails on the first read that finds the wrong value. */
export function replay(program: readonly AllocIns[], alloc: Allocation): void {
  const inReg = new Map<number, number>();
  const inSlot = new Map<number, number>();
  program.forEach((ins, at) => {
    const a = alloc.ins[at];
    ins.uses.forEach((use, k) => expect([at, k, inReg.get(a.operands[k])]).toEqual([at, k, use]));
    const snapshotHomes = ins.snapshot === undefined ? undefined : alloc.snapshotHomes.get(ins.snapshot);
    for (const use of ins.softUses ?? []) {
      for (const home of [a.softHomes.get(use), snapshotHomes?.get(use)]) {
        if (ins.snapshot !== undefined || home === a.softHomes.get(use)) expect(home).toBeDefined();
        if (home === undefined) continue;
        const found = home.kind === 'reg' ? inReg.get(home.reg) : inSlot.get(home.slot);
        expect(['soft use', at, use, found]).toEqual(['soft use', at, use, use]);
      }
    }
    if (ins.label) for (const [value, reg] of alloc.labelRegs) expect(['label', value, inReg.get(reg)]).toEqual(['label', value, value]);
    if (a.dest !== undefined) inReg.set(a.dest, at);
    if (a.spillStore !== undefined) {
      expect(a.dest).toBeDefined();
      inSlot.set(a.spillStore, at);
    }
    for (const r of a.reloadsAfter) {
      expect(inSlot.get(r.slot)).toBe(r.value);
      inReg.set(r.reg, r.value);
    }
  });
}
