// What the exit handler sees at the `exit_handler` trap, as LuaJIT's ExitState: all 16 GPRs,
// the low 64 bits of xmm0-15 and the spill area at T0 (rsp before the stub's two pushes); the
// exit number decoded from the two pushed bytes; and the snapshot restore that writes an exit
// map's values into the Lua stack (int → double, num → bits, tagged → 64-bit word).
import type { AssembledTrace, ExitSlot, ValueHome } from '@tracesim/asm';
import type { Cpu, Memory } from '@tracesim/cpu-sim';
import { rawWords, SNAP_FLAGS, type RestoredSlot } from '@tracesim/ir';
import { numberWords, type TValueWords } from '@tracesim/machine';
import type { LuaStack } from './lua-stack';

const GPRS = 16;
const XMMS = 16;
/** ValueHome register numbers: 0-15 the GPRs, 16-31 xmm0-15. */
const XMM_HOME_BASE = 16;

export class ExitState {
  readonly gpr: readonly bigint[];
  /** Low 64 bits of each xmm register. */
  readonly fpr: readonly bigint[];

  private readonly memory: Memory;

  constructor(
    cpu: Cpu,
    /** rsp before the exit stub's pushes: spill slot s is at T0 + 4*s. */
    readonly t0: number,
  ) {
    this.memory = cpu.memory;
    this.gpr = Array.from({ length: GPRS }, (_, n) => cpu.state.reg(n));
    this.fpr = Array.from({ length: XMMS }, (_, n) => cpu.state.xmmHalves(n).lo);
  }

  spill32(slot: number): number {
    return this.memory.readI32(this.t0 + 4 * slot);
  }

  spill64(slot: number): bigint {
    return this.memory.read64(this.t0 + 4 * slot);
  }

  /** The 64 bits a non-constant home holds (an int's home is read as 32 signed bits). */
  bits(home: Exclude<ValueHome, { kind: 'const' }>, int: boolean): bigint {
    if (home.kind === 'spill') return int ? BigInt(this.spill32(home.slot)) : this.spill64(home.slot);
    const raw = home.reg < XMM_HOME_BASE ? this.gpr[home.reg] : this.fpr[home.reg - XMM_HOME_BASE];
    return int ? BigInt.asIntN(32, raw) : raw;
  }
}

/** At the exit_handler trap: [rsp] holds the pushed high byte, [rsp+8] the low byte (both sign-extended imm8). */
export function decodeExit(memory: Memory, rsp: number): { exit: number; t0: number } {
  const lo = memory.read8(rsp + 8);
  const hi = memory.read8(rsp);
  return { exit: lo | (hi << 8), t0: rsp + 16 };
}

/** The TValue an exit slot restores to: ints become doubles (non-DUALNUM), other values keep their bits. */
export function slotWords(state: ExitState, entry: ExitSlot): TValueWords {
  if (entry.home.kind === 'const') return entry.home.words;
  const int = entry.type === 'int';
  const bits = state.bits(entry.home, int);
  return int ? numberWords(Number(bits)) : rawWords(bits);
}

/** Writes every restorable slot of an exit map at `base` into the Lua stack and lists what it wrote. */
export function restoreExitMap(state: ExitState, stack: LuaStack, base: number, map: readonly ExitSlot[], where: string): RestoredSlot[] {
  const restored: RestoredSlot[] = [];
  for (const entry of map) {
    if (entry.flags & SNAP_FLAGS.NORESTORE) continue;
    const words = slotWords(state, entry);
    const index = base - 2 + entry.slot;
    stack.write(index, words, where);
    restored.push({ slot: entry.slot, index, words });
  }
  return restored;
}

/**
 * Writes exit `exit`'s snapshot of trace `t` into the Lua stack at `base`, as the exit handler
 * does (lj_snap_restore), and answers the BASE the interpreter resumes with.
 */
export function restoreSnapshot(state: ExitState, memory: Memory, t: AssembledTrace, exit: number, base: number): number {
  for (const entry of t.exitMaps[exit]) {
    if (entry.flags & SNAP_FLAGS.NORESTORE) continue;
    const w = slotWords(state, entry);
    const at = base + 8 * (entry.slot - 2);
    memory.write32(at, w.lo);
    memory.write32(at + 4, w.hi);
  }
  return base + 8 * t.trace.snapshots[exit].baseAdjust;
}

/**
 * lj_trace_unwind: the exit whose snapshot covers machine-code address `address` of trace `t`
 * (the last snapshot whose code begins at or before it), or undefined outside the trace.
 */
export function unwindExit(t: AssembledTrace, address: number): number | undefined {
  const offset = address - t.address;
  if (offset < 0 || offset >= t.bytes.length) return undefined;
  for (let n = t.snapOffsets.length - 1; n >= 0; n--) if (t.snapOffsets[n] <= offset) return n;
  return undefined;
}
