// The register allocator skeleton: LuaJIT-style backwards linear scan over a trace's values.
// Walking from the last instruction to the first, a value's register is taken at its last use
// and released at its definition. When a class runs out of registers the value defined
// earliest is evicted (LuaJIT's ra_evict cost): it gets a spill slot (frame.ts), is stored
// there at its definition and reloaded into the evicted register right after the instruction
// that needed the room. `regs` caps the allocatable registers per class (`--regs N`).

import { AsmError, AsmRangeError } from './errors';
import { SpillSlots } from './frame';

export type RegClass = 'gpr' | 'fpr';

/**
 * Allocatable registers per class in the order they are handed out, by register id (0-15 the
 * GPRs, 16-31 xmm0-15, as in the -jdump `r` column). Never allocated: rsp (4), BASE = rdx (2)
 * and DISPATCH = r14 (14). Callee-saved registers come first, as LuaJIT prefers them.
 */
export const ALLOCATION_ORDER = {
  gpr: [5, 3, 15, 12, 13, 7, 6, 0, 1, 8, 9, 10, 11],
  fpr: [23, 22, 21, 20, 19, 18, 17, 16, 31, 30, 29, 28, 27, 26, 25, 24],
} as const satisfies Record<RegClass, readonly number[]>;

/** One instruction as the allocator sees it: what it defines and which earlier values it reads. */
export interface AllocIns {
  /** Class of the defined value; undefined when the instruction defines none (guards, LOOP). */
  readonly cls?: RegClass;
  /** A 64-bit value (takes a spill-slot pair). */
  readonly wide: boolean;
  /** Indices of earlier instructions whose values this one reads, in operand order. */
  readonly uses: readonly number[];
}

export interface Reload {
  readonly value: number;
  readonly reg: number;
  readonly slot: number;
}

export interface InsAllocation {
  /** Register the result is computed into; undefined for no result or a dead value. */
  readonly dest?: number;
  /** Register of each use, parallel to AllocIns.uses. */
  readonly operands: readonly number[];
  /** The result is also stored to this spill slot right after it is computed. */
  readonly spillStore?: number;
  /** Evicted values reloaded from their slots right after this instruction. */
  readonly reloadsAfter: readonly Reload[];
}

export interface Allocation {
  readonly ins: readonly InsAllocation[];
  /** Spill slot of every value that was spilled. */
  readonly spillSlots: ReadonlyMap<number, number>;
  readonly evenspill: number;
  readonly spadjust: number;
}

export interface AllocOptions {
  /** Allocatable registers per class (the `--regs N` cap); default: all of them. */
  readonly regs?: number;
  /** Names instruction `index` in errors, e.g. `trace 3 ref 0007`. */
  readonly location: (index: number) => string;
}

interface MutableIns {
  dest?: number;
  operands: number[];
  spillStore?: number;
  reloadsAfter: Reload[];
}

/** The minimum `regs` cap: a two-operand instruction needs both operands in registers. */
export const MIN_REGS = 2;

export function allocateRegisters(program: readonly AllocIns[], opts: AllocOptions): Allocation {
  const regs = opts.regs ?? Math.max(ALLOCATION_ORDER.gpr.length, ALLOCATION_ORDER.fpr.length);
  if (!Number.isInteger(regs) || regs < MIN_REGS) {
    throw new AsmRangeError('--regs', `the register budget must be an integer >= ${MIN_REGS}, got ${regs}`);
  }
  const allowed: Record<RegClass, readonly number[]> = {
    gpr: ALLOCATION_ORDER.gpr.slice(0, regs),
    fpr: ALLOCATION_ORDER.fpr.slice(0, regs),
  };
  const regOf = new Map<number, number>();
  const owner = new Map<number, number>();
  const spillSlots = new Map<number, number>();
  const slots = new SpillSlots();
  const result: MutableIns[] = program.map(() => ({ operands: [], reloadsAfter: [] }));

  const release = (reg: number): void => {
    regOf.delete(owner.get(reg)!);
    owner.delete(reg);
  };
  const assign = (value: number, reg: number): number => {
    regOf.set(value, reg);
    owner.set(reg, value);
    return reg;
  };
  /** A register of `cls` for `value` at instruction `at`, evicting if none is free. */
  const take = (cls: RegClass, value: number, at: number, pinned: ReadonlySet<number>): number => {
    const free = allowed[cls].find((r) => !owner.has(r));
    if (free !== undefined) return assign(value, free);
    let victim: number | undefined;
    for (const r of allowed[cls]) {
      if (pinned.has(r)) continue;
      if (victim === undefined || owner.get(r)! < owner.get(victim)!) victim = r;
    }
    if (victim === undefined) {
      throw new AsmRangeError(opts.location(at), `needs more than ${regs} ${cls} registers at once; raise --regs`);
    }
    const evicted = owner.get(victim)!;
    if (!spillSlots.has(evicted)) spillSlots.set(evicted, slots.allocate(program[evicted].wide, opts.location(evicted)));
    result[at].reloadsAfter.push({ value: evicted, reg: victim, slot: spillSlots.get(evicted)! });
    release(victim);
    return assign(value, victim);
  };

  for (let at = program.length - 1; at >= 0; at--) {
    const ins = program[at];
    const out = result[at];
    if (ins.cls !== undefined) {
      // Definition: a value kept only in its slot below still needs a register to be computed in.
      let dest = regOf.get(at);
      if (dest === undefined && spillSlots.has(at)) dest = take(ins.cls, at, at, new Set());
      if (dest !== undefined) {
        out.dest = dest;
        release(dest);
      }
      out.spillStore = spillSlots.get(at);
    }
    const pinned = new Set<number>();
    for (const use of ins.uses) {
      const cls = use >= 0 && use < at ? program[use].cls : undefined;
      if (cls === undefined) {
        throw new AsmError(opts.location(at), `operand ${use} is not an earlier instruction with a value`);
      }
      const reg = regOf.get(use) ?? take(cls, use, at, pinned);
      pinned.add(reg);
      out.operands.push(reg);
    }
  }
  return { ins: result, spillSlots, evenspill: slots.evenspill, spadjust: slots.spadjust };
}
