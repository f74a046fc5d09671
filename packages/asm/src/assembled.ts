// What the backend hands to the replay engine: each trace's machine code and address, its
// frame (spadjust, spdelta), and per snapshot an exit map telling where every slot's value
// lives when that exit is taken (a register, a spill slot at T0, or a constant).

import type { TValueWords } from '@tracesim/machine';
import type { IRTypeName, Ref, Trace } from '@tracesim/ir';
import type { ExitStubGroup } from './exitstubs';
import type { ExitBranch } from './exit-patch';

/** Where a snapshot value lives at an exit. */
export type ValueHome =
  /** A register: 0-15 the GPRs (rax..r15), 16-31 xmm0..xmm15. int values sit in the low 32 bits. */
  | { readonly kind: 'reg'; readonly reg: number }
  /** Spill slot: 4 bytes (int) or 8 bytes (num and tagged values) at T0 + 4*slot, T0 = rsp before the stub's pushes. */
  | { readonly kind: 'spill'; readonly slot: number }
  /** A constant, already as the Lua TValue to store. */
  | { readonly kind: 'const'; readonly words: TValueWords };

export interface ExitSlot {
  /** Snapshot slot number: the value goes to stack[base - 2 + slot], base taken from rdx at the exit. */
  readonly slot: number;
  readonly ref: Ref;
  /** IR type of the value: int (convert to a double), num (store the bits) or a tagged type (store the 64-bit TValue). */
  readonly type: IRTypeName;
  /** SNAP_FLAGS bits; NORESTORE entries are not written. */
  readonly flags: number;
  readonly home: ValueHome;
}

export interface AssembledTrace {
  /** The trace with spadjust set and the register column filled in. */
  readonly trace: Trace;
  /** First byte of the trace (its head); links and patched exits jump here. */
  readonly address: number;
  readonly bytes: Uint8Array;
  /** Frame size in bytes (a side trace's is at least its parent's). */
  readonly spadjust: number;
  /** How far the head lowers rsp: spadjust for a root trace, spadjust - parent.spadjust for a side trace. */
  readonly spdelta: number;
  /** Address of the `->LOOP` label, when the trace loops. */
  readonly loopAddress?: number;
  /** One exit map per snapshot (exit N uses exitMaps[N]). */
  readonly exitMaps: readonly (readonly ExitSlot[])[];
  /**
   * LuaJIT's SnapShot.mcofs: the byte offset from `address` where each snapshot's code begins
   * (the first instruction it is in force for). lj_trace_unwind finds the snapshot of a failing
   * call's return address as the last one whose offset is not above it.
   */
  readonly snapOffsets: readonly number[];
  /** The rel32 branches after the head's vmstate store, as generated: what exit patching may retarget. */
  readonly exitBranches: readonly ExitBranch[];
  /** The `-jdump` mcode listing lines: `ADDRESS  instruction`, with `->N`, `->LOOP` and `->exit_interp` targets. */
  readonly listing: readonly string[];
  /** Per listing line, the IR ref (0x8000 + index) whose code it is; null for the head, labels, back edge and tail. */
  readonly listingRefs: readonly (number | null)[];
}

export interface AssembledSet {
  readonly traces: readonly AssembledTrace[];
  readonly stubGroups: readonly ExitStubGroup[];
  /** Every byte range the engine must load into the mcode area (traces and exit stubs, patched). */
  readonly chunks: readonly { readonly address: number; readonly bytes: Uint8Array }[];
}
