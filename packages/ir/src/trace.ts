// The trace model: IR instructions, constants, snapshots, link kinds and traces, as plain typed
// data. Refs are LuaJIT's biased numbers (see refs.ts); everything else in the package reads and
// writes these types.

import type { IROpName } from './opcodes';
import type { Ref } from './refs';
import type { IRTypeName } from './types';

/** LuaJIT's TraceLink enum (lj_jit.h, ORDER LJ_TRLINK) with the names -jv/-jdump print. */
export const LINK_KINDS = [
  'none',
  'root',
  'loop',
  'tail-recursion',
  'up-recursion',
  'down-recursion',
  'interpreter',
  'return',
  'stitch',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** Link kinds whose target is the trace itself. */
export const SELF_LINKS: ReadonlySet<LinkKind> = new Set<LinkKind>([
  'loop',
  'tail-recursion',
  'up-recursion',
  'down-recursion',
]);

/** Where a register allocator (or a LuaJIT dump) put an instruction's result: the `r` column. */
export type RegColumn =
  | { readonly kind: 'reg'; readonly name: string }
  /** Spill slot: printed `[hex]` with hex = 4*slot (byte offset from rsp). */
  | { readonly kind: 'spill'; readonly slot: number }
  /** Sunk allocation/store: ` {sink`, or ` {NNNN` naming the ref it was sunk into. */
  | { readonly kind: 'sink'; readonly ref: Ref | null };

export interface IRIns {
  readonly op: IROpName;
  readonly type: IRTypeName;
  /** IRT_GUARD: the instruction exits the trace when its condition fails. */
  readonly guard: boolean;
  /** IRT_ISPHI: the value is a left or right operand of a PHI (`+` in the dump). */
  readonly phi: boolean;
  /** Operands in LuaJIT's encoding: a biased ref, a 16-bit literal, or 0 when unused. */
  readonly op1: number;
  readonly op2: number;
  readonly reg?: RegColumn;
}

/** Constants live below REF_BIAS; index 0/1/2 are always nil/false/true. */
export type IRConst =
  | { readonly op: 'KPRI'; readonly type: 'nil' | 'fal' | 'tru' }
  | { readonly op: 'KINT'; readonly type: IRTypeName; readonly value: number }
  | { readonly op: 'KNUM'; readonly type: 'num'; readonly value: number }
  | { readonly op: 'KINT64'; readonly type: IRTypeName; readonly value: bigint }
  /** A GC object, known by its dump spelling (`"str"`, `print`, `f.lua:3`, `{0x..}`, `proto: 0x..`). */
  | { readonly op: 'KGC'; readonly type: IRTypeName; readonly text: string }
  | { readonly op: 'KPTR' | 'KKPTR'; readonly type: IRTypeName; readonly address: bigint }
  | { readonly op: 'KNULL'; readonly type: IRTypeName }
  /** Hash slot hint for HREFK: key constant plus slot number. */
  | { readonly op: 'KSLOT'; readonly type: IRTypeName; readonly key: Ref; readonly slot: number };

/** SnapEntry flags (lj_jit.h). */
export const SNAP_FLAGS = {
  FRAME: 0x10000,
  CONT: 0x20000,
  NORESTORE: 0x40000,
  SOFTFPNUM: 0x80000,
  KEYINDEX: 0x100000,
} as const;

export interface SnapEntry {
  /** Slot number counted as J->slot: with GC64, slot 2 is Lua register 0 of the start frame. */
  readonly slot: number;
  /** Instruction or constant holding the slot's value. */
  readonly ref: Ref;
  /** SNAP_FLAGS bits. */
  readonly flags: number;
}

export interface Snapshot {
  /** First instruction the snapshot applies to: guards at refs >= ref use it (until the next one). */
  readonly ref: Ref;
  /** Entries with increasing slot numbers, all below nslots. */
  readonly entries: readonly SnapEntry[];
  readonly nslots: number;
  /** Maximum frame extent for stack checks (defaults to nslots). */
  readonly topslot: number;
  /** How many slots BASE moves up when this snapshot is restored (FR2 low byte of the pc word). */
  readonly baseAdjust: number;
  /** Bytecode PC to resume at, when known. */
  readonly pc?: bigint;
  /** Exit counter (uint8; 255 = SNAPCOUNT_DONE). */
  readonly count: number;
}

export type TraceStart =
  | { readonly kind: 'root' }
  | { readonly kind: 'side'; readonly parent: number; readonly exit: number }
  /** A stitched trace: a root trace started after trace `previous` stitched a call. */
  | { readonly kind: 'stitch'; readonly previous: number };

export interface TraceLink {
  readonly kind: LinkKind;
  /** Target trace number: self for loops/recursion, 0 for interpreter/return/stitch. */
  readonly target: number;
}

export interface Trace {
  readonly number: number;
  readonly start: TraceStart;
  /** Start location `chunk:line` as printed after `start`. */
  readonly location: string;
  readonly link: TraceLink;
  /** Instruction i has ref REF_FIRST + i. */
  readonly ins: readonly IRIns[];
  /** Constant i has ref REF_NIL - i. */
  readonly consts: readonly IRConst[];
  readonly snapshots: readonly Snapshot[];
  /** Frame size in bytes, filled in by the backend. */
  readonly spadjust?: number;
}

/** Initial value of a Lua stack slot in a scenario. */
export type LuaValue =
  | { readonly kind: 'nil' | 'false' | 'true' }
  | { readonly kind: 'num'; readonly value: number }
  /** A GC object by its dump spelling, e.g. type 'str' text `"abc"`; its handle derives from the text. */
  | { readonly kind: 'gc'; readonly type: IRTypeName; readonly text: string }
  /** A raw 64-bit slot (frame links: the return PC of a Lua frame). */
  | { readonly kind: 'raw'; readonly bits: bigint };

export interface Scenario {
  /** Stack size in slots. */
  readonly stackSlots: number;
  /** Absolute stack index of BASE; IR slot s is stack[base - 2 + s]. */
  readonly base: number;
  /** Initial slot values by IR slot number of the entry frame. */
  readonly slots: readonly { readonly slot: number; readonly value: LuaValue }[];
  /** Trace entered from the interpreter. */
  readonly enter: number;
  /** How many times the trace is entered from the interpreter. */
  readonly times: number;
  /** Stop as soon as this exit is taken. */
  readonly until?: { readonly trace: number; readonly exit: number };
  /** IR instructions the interpreter may execute before it gives up. */
  readonly budget: number;
  /** The headers (and array parts) of the tables the slots hold, by GC handle: what FLOAD and ALOAD read. */
  readonly tables?: readonly TableSizes[];
}

/** One table's GCtab header in a scenario, and its array part's slots when it has one. */
export interface TableSizes {
  readonly handle: number;
  readonly asize: number;
  readonly hmask: number;
  /** The array part: its address (FLOAD tab.array) and the asize values there (nil where not given). */
  readonly array?: { readonly address: number; readonly slots: readonly LuaValue[] };
  /** The metatable's GC handle (FLOAD tab.meta), if it has one. */
  readonly meta?: number;
  /** The hash part: its first node's address (FLOAD tab.node) and the hmask+1 nodes' keys and values (nil where not given). */
  readonly node?: { readonly address: number; readonly keys: readonly LuaValue[]; readonly values: readonly LuaValue[] };
}

/** RETF return sites: return PC → slots BASE moves down when returning there. */
export interface ReturnSite {
  readonly pc: bigint;
  readonly delta: number;
}

export interface TraceSet {
  readonly traces: readonly Trace[];
  readonly returnSites: readonly ReturnSite[];
  readonly scenario?: Scenario;
}
