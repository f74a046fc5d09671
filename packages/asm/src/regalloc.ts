// The register allocator: a LuaJIT-style backwards linear scan over a trace's values. Walking
// from the last instruction to the first, a value's register is taken at its last use and
// released at its definition. When a class runs out of registers the value defined earliest is
// evicted (LuaJIT's ra_evict cost: the lowest ref): it gets a spill slot (frame.ts), is stored there at its
// definition and reloaded into the evicted register right after the instruction that needed
// the room. Snapshot values are "soft" uses: they keep a register only if one is free, else
// they live in their spill slot, and every guard of one snapshot sees them in the same home.
// Calls evict the registers they clobber. `regs` caps the allocatable registers per class.

import { AsmError, AsmRangeError } from './errors';
import { SpillSlots } from './frame';

export type RegClass = 'gpr' | 'fpr';

/**
 * Allocatable registers per class in the order they are handed out, by register id (0-15 the
 * GPRs, 16-31 xmm0-15, as in the -jdump `r` column). Never allocated: rsp (4), BASE = rdx (2),
 * DISPATCH = r14 (14) and the backend's scratch registers r11 and xmm15 (SCRATCH).
 * Callee-saved registers come first, as LuaJIT prefers them.
 */
export const ALLOCATION_ORDER = {
  gpr: [5, 3, 15, 12, 13, 7, 6, 0, 1, 8, 9, 10],
  fpr: [23, 22, 21, 20, 19, 18, 17, 16, 30, 29, 28, 27, 26, 25, 24],
} as const satisfies Record<RegClass, readonly number[]>;

/** Registers the code generator uses for temporaries; the allocator never hands them out. */
export const SCRATCH = { gpr: 11, fpr: 31 } as const;

/** Where a value is at some point: a register, or its spill slot. */
export type Home = { readonly kind: 'reg'; readonly reg: number } | { readonly kind: 'spill'; readonly slot: number };

/** One instruction as the allocator sees it: what it defines and which earlier values it reads. */
export interface AllocIns {
  /** Class of the defined value; undefined when the instruction defines none (guards, LOOP). */
  readonly cls?: RegClass;
  /** A 64-bit value (takes a spill-slot pair). */
  readonly wide: boolean;
  /** Indices of earlier instructions whose values this one reads into registers, in operand order. */
  readonly uses: readonly number[];
  /** Values needed here in a register if one is free, else in their spill slot (snapshot values, tail sync, loop back-edge). */
  readonly softUses?: readonly number[];
  /** The snapshot a guard exits through: every guard of one snapshot sees its soft uses in the same homes. */
  readonly snapshot?: number;
  /** Register ids the instruction destroys (a call's caller-saved set): values live across it are spilled. */
  readonly clobbers?: readonly number[];
  /** The `->LOOP` label: the allocation records which register each live value holds here. */
  readonly label?: boolean;
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
  /** Homes of the soft uses at this instruction. */
  readonly softHomes: ReadonlyMap<number, Home>;
  /** The result is also stored to this spill slot right after it is computed. */
  readonly spillStore?: number;
  /** Evicted values reloaded from their slots right after this instruction. */
  readonly reloadsAfter: readonly Reload[];
}

export interface Allocation {
  readonly ins: readonly InsAllocation[];
  /** Spill slot of every value that was spilled. */
  readonly spillSlots: ReadonlyMap<number, number>;
  /** Per snapshot: the home of each value at every guard that exits through it. */
  readonly snapshotHomes: ReadonlyMap<number, ReadonlyMap<number, Home>>;
  /** Value → register at the instruction marked `label`. */
  readonly labelRegs: ReadonlyMap<number, number>;
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
  softHomes: Map<number, Home>;
  spillStore?: number;
  reloadsAfter: Reload[];
}

/** The minimum `regs` cap: a two-operand instruction needs both operands in registers. */
export const MIN_REGS = 2;

class Scan {
  readonly regOf = new Map<number, number>();
  readonly owner = new Map<number, number>();
  readonly spillSlots = new Map<number, number>();
  readonly slots = new SpillSlots();
  readonly result: MutableIns[];
  readonly snapshotHomes = new Map<number, Map<number, Home>>();
  labelRegs = new Map<number, number>();

  constructor(
    readonly program: readonly AllocIns[],
    readonly allowed: Record<RegClass, readonly number[]>,
    readonly regs: number,
    readonly location: (index: number) => string,
  ) {
    this.result = program.map(() => ({ operands: [], softHomes: new Map(), reloadsAfter: [] }));
  }

  release(reg: number): void {
    this.regOf.delete(this.owner.get(reg)!);
    this.owner.delete(reg);
  }

  assign(value: number, reg: number): number {
    this.regOf.set(value, reg);
    this.owner.set(reg, value);
    return reg;
  }

  slotOf(value: number): number {
    let slot = this.spillSlots.get(value);
    if (slot === undefined) {
      slot = this.slots.allocate(this.program[value].wide, this.location(value));
      this.spillSlots.set(value, slot);
    }
    return slot;
  }

  /** Moves the value in `reg` to its spill slot from instruction `at` on (it is reloaded after `at`). */
  evict(reg: number, at: number): void {
    const value = this.owner.get(reg)!;
    this.result[at].reloadsAfter.push({ value, reg, slot: this.slotOf(value) });
    this.release(reg);
  }

  free(cls: RegClass): number | undefined {
    return this.allowed[cls].find((r) => !this.owner.has(r));
  }

  /** A register of `cls` for `value` at instruction `at`, evicting if none is free. */
  take(cls: RegClass, value: number, at: number, pinned: ReadonlySet<number>): number {
    const free = this.free(cls);
    if (free !== undefined) return this.assign(value, free);
    let victim: number | undefined;
    for (const r of this.allowed[cls]) {
      if (pinned.has(r)) continue;
      if (victim === undefined || this.owner.get(r)! < this.owner.get(victim)!) victim = r;
    }
    if (victim === undefined) {
      throw new AsmRangeError(this.location(at), `needs more than ${this.regs} ${cls} registers at once; raise --regs`);
    }
    this.evict(victim, at);
    return this.assign(value, victim);
  }

  /** A soft use: the value's register if it has one, else a free register, else its spill slot. */
  softHome(value: number, want?: Home): Home {
    const cur = this.regOf.get(value);
    if (want?.kind === 'spill') return want;
    if (want?.kind === 'reg') {
      if (cur === want.reg) return want;
      if (cur === undefined && !this.owner.has(want.reg)) return { kind: 'reg', reg: this.assign(value, want.reg) };
      return { kind: 'spill', slot: this.slotOf(value) };
    }
    if (cur !== undefined) return { kind: 'reg', reg: cur };
    const free = this.free(this.program[value].cls!);
    if (free !== undefined) return { kind: 'reg', reg: this.assign(value, free) };
    return { kind: 'spill', slot: this.slotOf(value) };
  }

  step(at: number): void {
    const ins = this.program[at];
    const out = this.result[at];
    if (ins.label) this.labelRegs = new Map(this.regOf);
    if (ins.cls !== undefined) {
      // Definition: a value that lives only in its slot below is computed in the scratch
      // register and stored from there, so it evicts nothing.
      const dest = this.regOf.get(at);
      if (dest !== undefined) {
        out.dest = dest;
        this.release(dest);
      } else if (this.spillSlots.has(at)) {
        out.dest = SCRATCH[ins.cls];
      }
      out.spillStore = this.spillSlots.get(at);
    }
    for (const reg of ins.clobbers ?? []) if (this.owner.has(reg)) this.evict(reg, at);
    const pinned = new Set<number>();
    for (const use of ins.uses) {
      this.checkOperand(use, at);
      const reg = this.regOf.get(use) ?? this.take(this.program[use].cls!, use, at, pinned);
      pinned.add(reg);
      out.operands.push(reg);
    }
    const shared = ins.snapshot === undefined ? undefined : this.snapshotHomes.get(ins.snapshot);
    const homes = new Map<number, Home>();
    for (const use of ins.softUses ?? []) {
      this.checkOperand(use, at);
      homes.set(use, this.softHome(use, shared?.get(use)));
    }
    out.softHomes = homes;
    if (ins.snapshot !== undefined) this.snapshotHomes.set(ins.snapshot, homes);
  }

  checkOperand(use: number, at: number): void {
    if (!(use >= 0 && use < at && this.program[use].cls !== undefined)) {
      throw new AsmError(this.location(at), `operand ${use} is not an earlier instruction with a value`);
    }
  }
}

export function allocateRegisters(program: readonly AllocIns[], opts: AllocOptions): Allocation {
  const regs = opts.regs ?? Math.max(ALLOCATION_ORDER.gpr.length, ALLOCATION_ORDER.fpr.length);
  if (!Number.isInteger(regs) || regs < MIN_REGS) {
    throw new AsmRangeError('--regs', `the register budget must be an integer >= ${MIN_REGS}, got ${regs}`);
  }
  const allowed: Record<RegClass, readonly number[]> = {
    gpr: ALLOCATION_ORDER.gpr.slice(0, regs),
    fpr: ALLOCATION_ORDER.fpr.slice(0, regs),
  };
  const scan = new Scan(program, allowed, regs, opts.location);
  for (let at = program.length - 1; at >= 0; at--) scan.step(at);
  return {
    ins: scan.result,
    spillSlots: scan.spillSlots,
    snapshotHomes: scan.snapshotHomes,
    labelRegs: scan.labelRegs,
    evenspill: scan.slots.evenspill,
    spadjust: scan.slots.spadjust,
  };
}
