// The recorder's state and the parts every bytecode uses (lj_record.c's jit_State side): the
// slot map from registers to IR values with typed loads, the inlined frames, snapshots with
// lj_snap_add's merge rule and lj_snap_purge, guards, and finishing a trace.

import {
  LoopTypeInstability, REF_FIRST, REF_NIL, SLOAD, TYPE_BY_NUMBER, TraceBuilder, isConstRef, optimizeLoop,
  type ComparisonOp, type IRTypeName, type LinkKind, type Ref, type ReturnSite, type Trace, type TraceStart,
} from '@tracesim/ir';
import { BC, FRAME_DELTA_MASK, isPcallFrame, LuaCdata, LuaFunction, LuaString, LuaTable, OP_NAMES, insA, insB, insD, type LuaInterpreter, type LuaValue, type OpName, type Proto } from '@tracesim/lua';
import { deadRegisters } from './snap-usedef';
import { tvalueBits } from './tvalue-cell';
import { formatAbortMessage, JitRandom, type AbortReason, type LinkDecision, type LinkPolicy, type RecordingState } from './manager';

/** Why recording ended: a finished trace, or an abort with LuaJIT's message. */
export type RecordOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'stop'; readonly trace: Trace; readonly returnSites: readonly ReturnSite[]; readonly stitched?: string }
  | { readonly kind: 'abort'; readonly code: AbortReason; readonly reason: string; readonly proto: Proto; readonly pc: number; readonly op: OpName };

export interface RecordStart {
  readonly number: number;
  readonly start: TraceStart;
  /** Root trace of a side trace's chain; 0 for root traces. */
  readonly root: number;
  readonly proto: Proto;
  /** The bytecode the trace starts at (a root: its FORL/LOOP/FUNCF; a side trace: the exit's pc). */
  readonly pc: number;
  /** The interpreter's BASE address for the start frame. */
  readonly base: number;
  /**
   * Side traces: how many slots the start frame lies above the trace's BASE (the parent's
   * exit snapshot baseAdjust); the frames in between are rebuilt from the frame links.
   */
  readonly baseSlot?: number;
  /** Side traces: slots the parent's exit hands over, with their IR types. */
  readonly inherited?: ReadonlyMap<number, IRTypeName>;
  /**
   * Side traces: whether this one may close a loop of its own at its start pc (lj_record_setup
   * keeps J->startpc only for exit 0 of a parent whose snapshot 0 is empty).
   */
  readonly extraLoop?: boolean;
  /** Trace number and link kind of the compiled trace entered at a J-variant, for links. */
  readonly compiledAt: (proto: Proto, pc: number) => { readonly trace: number; readonly link: LinkKind; /** The op the J-variant replaced. */ readonly ins: number } | undefined;
  readonly policy: LinkPolicy;
  /** Whether the penalty cache says the loop at this bytecode keeps being left early (unroll it). */
  readonly innerLoopLeft: (proto: Proto, pc: number) => boolean;
}

const NUMBER_HI_LIMIT = 0xfff90000;

/** The IR type of a Lua value, for a type-checked load. */
export function luaType(v: LuaValue): IRTypeName {
  if (typeof v === 'number') return 'num';
  if (v === undefined) return 'nil';
  if (v === true) return 'tru';
  if (v === false) return 'fal';
  if (v instanceof LuaTable) return 'tab';
  if (v instanceof LuaFunction) return 'fun';
  if (v instanceof LuaString) return 'str';
  if (v instanceof LuaCdata) return 'cdt';
  throw nyi('NYIBC', 'load of an unsupported value');
}

/** One inlined frame: its register 0 as a slot offset from the trace's BASE, its prototype and runtime BASE. */
interface Frame {
  readonly base: number;
  readonly proto: Proto;
  readonly rtBase: number;
}

/** A caller waiting for an inlined call to return. */
interface Caller {
  readonly frame: Frame;
  readonly callA: number;
  /** Results the CALL wants (C - 1). */
  readonly nres: number;
  readonly retPc: number;
  /**
   * A pcall or xpcall frame (recff_pcall, recff_xpcall): how far above callA the callee's BASE
   * is (4 for pcall, 5 for xpcall, whose handler sits below the callee); its results come back
   * behind `true`.
   */
  readonly protectedAt?: number;
}

/** A recording abort: LuaJIT's reason code and its formatted message. */
export class Abort {
  constructor(
    readonly code: AbortReason,
    readonly reason: string,
    /** Where the recorder was when it gave up, if not at the instruction being recorded. */
    readonly pc?: number,
  ) {}
}

export const nyi = (code: AbortReason, info?: string): Abort => new Abort(code, info === undefined ? formatAbortMessage(code as 'TRACEOV') : formatAbortMessage(code as 'NYIBC', info));

/** The recorder's state and shared operations; the loop and bytecode layers build on it. */
export abstract class RecorderBase {
  constructor(
    protected readonly vm: LuaInterpreter,
    protected readonly setup: RecordStart,
  ) {
    // A stitched trace is named after the call it continues (LuaJIT's startpc is that CALL).
    const namedPc = setup.start.kind === 'stitch' ? setup.pc - 1 : setup.pc;
    this.b = new TraceBuilder({ number: setup.number, start: setup.start, location: `${setup.proto.chunkname}:${setup.proto.lines[namedPc]}` });
    this.cur = { base: setup.baseSlot ?? 0, proto: setup.proto, rtBase: setup.base };
    this.loopunroll = vm.jit.params.loopunroll;
    this.instunroll = vm.jit.params.instunroll;
    this.rebuildCallers();
    this.startOp = OP_NAMES[setup.proto.bc[setup.pc] & 0xff];
    // A side trace starts with everything its parent's exit hands over (asm_head_side loads
    // them all), so its snapshots restore those slots too.
    for (const [slot, type] of [...(setup.inherited ?? [])].sort((x, y) => x[0] - y[0])) {
      this.slots.set(slot, this.b.sload(slot, type, SLOAD.P | SLOAD.I));
    }
  }

  protected readonly b: TraceBuilder;

  /** Slot (J->slot numbering: 2 + register of the trace's BASE frame) → the IR value it holds now. */
  protected slots = new Map<number, Ref>();

  /** Slots still holding the value they were loaded with (snapshots leave them out). */
  protected loaded = new Map<number, Ref>();

  protected cur: Frame;

  protected readonly callers: Caller[] = [];

  protected readonly returnSites: ReturnSite[] = [];

  /** RETF guards recorded, by the prototype returned into. */
  protected readonly retfInto = new Map<Proto, number>();

  protected retdepth = 0;

  /** MULTRES: how many values the last call with open results returned. */
  protected multres = 0;

  /** J->loopunroll and J->loopref: inner-loop unrolling left, IR count at the last unrolled loop. */
  protected loopunroll: number;

  protected loopref = 0;

  protected tailcalled = 0;

  /** J->instunroll: how many more iterations a type-unstable loop may be unrolled. */
  protected instunroll: number;

  protected needsnap = true;

  protected mergesnap = false;

  protected guardSince = false;

  protected snapCount = 0;

  protected lastSnapRef = -1;
  /** The pc the last snapshot resumes at. */
  protected lastSnapPc = 0;

  protected readonly startOp: OpName;

  protected readonly random = new JitRandom(0);

  /** A side trace starting inside frames its parent inlined: rebuild them from the frame links. */
  protected rebuildCallers(): void {
    let { base, rtBase } = this.cur;
    while (base > 0) {
      let link = this.vm.mem.read32(rtBase - 8);
      // A pcall/xpcall frame (Calls.pcall): the callee sits above the pcall's own Lua frame, whose link names the CALL.
      const protectedCall = isPcallFrame(link);
      const frameBase = protectedCall ? rtBase - (link & FRAME_DELTA_MASK) : rtBase;
      if (protectedCall) link = this.vm.mem.read32(frameBase - 8);
      const call = this.vm.mem.read32(link - 4);
      const callA = insA(call);
      const callerRt = frameBase - 8 * (callA + 2);
      const proto = this.vm.functionAt(callerRt).proto!;
      base -= (rtBase - callerRt) / 8;
      const protectedAt = (rtBase - callerRt) / 8 - callA;
      rtBase = callerRt;
      this.callers.unshift({ frame: { base, proto, rtBase }, callA, nres: insB(call) - 1, retPc: (link - proto.bcAddress) >>> 2, ...(protectedCall ? { protectedAt } : {}) });
    }
  }

  /** Inlined frames above the start frame (J->framedepth). */
  get depth(): number {
    return this.callers.length;
  }

  protected state(atStartPc: boolean): RecordingState {
    const p = this.vm.jit.params;
    return {
      traceNo: this.setup.number, start: this.setup.start, root: this.setup.root, startOp: this.startOp, atStartPc,
      framedepth: this.callers.length, retdepth: this.retdepth, tailcalled: this.tailcalled,
      loopOpt: this.vm.jit.flags.has('loop'), policy: this.setup.policy,
      params: { recunroll: p.recunroll, callunroll: p.callunroll, minstitch: p.minstitch },
    };
  }

  protected slotOf(reg: number): number {
    return 2 + this.cur.base + reg;
  }

  protected hi(reg: number): number {
    return this.vm.mem.read32(this.cur.rtBase + 8 * reg + 4);
  }

  protected num(reg: number): number {
    return this.vm.mem.readF64(this.cur.rtBase + 8 * reg);
  }

  /** The IR value of register `reg`, loading it (with a type guard) on first use. */
  protected get(reg: number): Ref {
    const slot = this.slotOf(reg);
    const have = this.slots.get(slot);
    if (have !== undefined) return have;
    const hi = this.hi(reg);
    const type: IRTypeName = hi < NUMBER_HI_LIMIT ? 'num' : TYPE_BY_NUMBER[~(hi >> 15) & 0x1f].name;
    if (type !== 'num' && type !== 'fun' && type !== 'tab' && type !== 'str' && type !== 'nil' && type !== 'fal' && type !== 'tru' && type !== 'cdt') throw nyi('NYIBC', `slot of type ${type}`);
    const ref = this.b.sload(slot, type, SLOAD.T);
    this.guardSince = true;
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  /** getcurrf: the running function, its frame slot's value if the trace has one, else a read-only SLOAD (the slot holds a function: no type check). */
  protected currentFunction(): Ref {
    const slot = this.slotOf(-2);
    const have = this.slots.get(slot);
    if (have !== undefined) return have;
    const ref = this.b.sload(slot, 'fun', SLOAD.R);
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  /** Register `reg` as a whole TValue, for a helper: a narrowed int (a loop index) becomes a number. */
  protected tvalue(reg: number): Ref {
    const ref = this.get(reg);
    return this.b.typeOf(ref) === 'int' ? this.b.conv('num', 'int', ref) : ref;
  }

  /** A number operand: the slot must hold a number (its SLOAD guards that). */
  protected getNum(reg: number): Ref {
    const ref = this.get(reg);
    const type = this.b.typeOf(ref);
    if (type === 'int') return this.b.conv('num', 'int', ref);
    if (type !== 'num') throw nyi('NYIBC', `arithmetic on a ${type}`);
    return ref;
  }

  /** An arithmetic or for-loop operand: a number, or a string that converts to one. */
  protected getArith(reg: number): Ref {
    const ref = this.get(reg);
    return this.b.typeOf(ref) === 'str' ? this.stringToNumber(reg, ref) : this.getNum(reg);
  }

  /**
   * A numeric string used as a number (lj_opt_narrow_arith's and rec_for's STRTO): converted
   * by tonumber through ff_call, whose result the trace guards to be a number, so a string
   * that does not convert leaves the trace and the interpreter raises the error.
   */
  private stringToNumber(reg: number, ref: Ref): Ref {
    const v = this.vm.stack.get(this.cur.rtBase + 8 * reg);
    const tonumber = this.vm.heap.builtinNamed('tonumber')!;
    if (!(v instanceof LuaString) || typeof this.vm.runBuiltin(tonumber, [v])[0] !== 'number') throw nyi('NYIBC', 'arithmetic on a non-numeric string');
    const cell = this.b.call('ff_call', [this.raw(this.bitsOf(tonumber), 'fun'), this.b.kint(1), ref, REF_NIL, REF_NIL]);
    const num = this.b.emit('XLOAD', 'num', cell, 0, true)!;
    this.guardSince = true;
    return num;
  }

  protected set(reg: number, ref: Ref): void {
    const slot = this.slotOf(reg);
    this.slots.set(slot, ref);
    if (this.loaded.get(slot) !== ref) this.loaded.delete(slot);
  }

  protected raw(bits: bigint, type: IRTypeName): Ref {
    return this.b.constant({ op: 'KINT64', type, value: bits });
  }

  protected snapOptions(pc: number) {
    return {
      nslots: this.slotOf(this.cur.proto.framesize),
      baseAdjust: this.cur.base,
      pc: BigInt(this.cur.proto.bcAddress + 4 * pc),
    };
  }

  /**
   * A snapshot of the modified slots that resumes the interpreter at `pc`, with lj_snap_add's
   * merge rule: it replaces the last one when no instruction was emitted since, or when the
   * last was taken for this bytecode (needsnap) and no guard was emitted since. Snapshot #0
   * is never merged into: it keeps the trace's start pc (lj_snap_add emits a NOP instead).
   */
  protected snapshot(pc: number): void {
    const entries = [...this.slots].filter(([slot, ref]) => slot >= 0 && this.loaded.get(slot) !== ref).sort((x, y) => x[0] - y[0]).map(([slot, ref]) => ({ slot, ref }));
    const nothingSince = this.lastSnapRef === this.b.nextRef;
    let merge = this.snapCount > 0 && (nothingSince || (this.mergesnap && !this.guardSince));
    if (this.snapCount === 1) merge = false;
    this.b.snapshot(entries, { ...this.snapOptions(pc), replaceLast: merge });
    if (!merge && ++this.snapCount > this.vm.jit.params.maxsnap) throw nyi('SNAPOV');
    this.lastSnapRef = this.b.nextRef;
    this.lastSnapPc = pc;
    this.guardSince = false;
    this.mergesnap = false;
  }

  /** lj_snap_purge: forget this frame's registers that are dead at `pc`, so the snapshot leaves them out. */
  protected purgeDeadSlots(pc: number): void {
    const { proto, rtBase } = this.cur;
    const maxslot = (proto.bc[pc] & 0xff) === BC.FUNCV ? Math.min(proto.framesize, proto.numparams) : proto.framesize;
    const open = this.vm.openUpvalueAddresses().filter((addr) => addr >= rtBase).map((addr) => (addr - rtBase) / 8);
    for (const reg of deadRegisters(proto, pc, maxslot, open)) {
      this.slots.delete(this.slotOf(reg));
      this.loaded.delete(this.slotOf(reg));
    }
  }

  protected guard(op: ComparisonOp, type: IRTypeName, a: Ref, b: Ref): void {
    this.b.guard(op, type, a, b);
    this.guardSince = true;
  }

  /**
   * A comparison: snapshot resuming at the branch not taken (rec_comp_fixup), then the guard.
   * Two constants decide it at record time: no guard, no snapshot.
   */
  protected branch(op: ComparisonOp, type: IRTypeName, a: Ref, b: Ref, pc: number, taken: boolean): void {
    if (isConstRef(a) && isConstRef(b)) return;
    const jmp = this.cur.proto.bc[pc + 1];
    const target = pc + 2 + (insD(jmp) - 0x8000);
    this.snapshot(taken ? pc + 2 : target);
    this.guard(op, type, a, b);
    this.needsnap = true;
  }

  /**
   * Ends the trace. LJ_TRACE_END: a trace linking to itself at the start level gets the LOOP
   * pass (loops and tail-recursion). When that finds a slot whose type changes from one
   * iteration to the next, recording goes on and unrolls another iteration (lj_opt_loop),
   * at most `instunroll` times; then the trace aborts with TYPEINS.
   */
  protected finish(kind: LinkKind, target: number, stitched?: string): RecordOutcome {
    const trace = this.b.finish(kind, target);
    const selfLoop = target === this.setup.number && this.callers.length === 0 && this.retdepth === 0;
    let finished = trace;
    if (selfLoop && this.vm.jit.flags.has('loop')) {
      try {
        finished = optimizeLoop(trace);
      } catch (err) {
        if (!(err instanceof LoopTypeInstability)) throw err;
        // LuaJIT gives up at J->pc, where the loop goes on: the pc of the trace's last snapshot.
        if (--this.instunroll < 0) throw new Abort('TYPEINS', formatAbortMessage('TYPEINS'), this.lastSnapPc);
        this.loopref = this.b.nextRef - REF_FIRST;
        return { kind: 'continue' };
      }
    }
    return {
      kind: 'stop',
      trace: finished,
      returnSites: this.returnSites,
      ...(stitched === undefined ? {} : { stitched }),
    };
  }

  protected decide(d: LinkDecision, pc: number, stitched?: string): RecordOutcome | undefined {
    if (d.kind === 'continue') return undefined;
    if (d.kind === 'abort') throw nyi(d.reason);
    this.snapshot(pc);
    return this.finish(d.link.kind, d.link.target, stitched);
  }

  protected bitsOf(v: LuaValue): bigint {
    return tvalueBits(this.vm, v);
  }

  /** The function in register `reg` with an identity guard (or a known constant), and its object. */
  protected callee(reg: number) {
    const addr = this.cur.rtBase + 8 * reg;
    const fn = this.vm.functionAt(addr + 16);
    const bits = this.vm.mem.read64(addr);
    const ref = this.get(reg);
    if (this.b.typeOf(ref) !== 'fun') throw nyi('NYIBC', 'call of a non-function');
    // A loaded function value is guarded on its identity; a folded constant needs no guard.
    if (!isConstRef(ref)) this.guard('EQ', 'fun', ref, this.raw(bits, 'fun'));
    return { fn, bits };
  }

  /** Results into the caller's registers from `callA`: as many as wanted, or all of them (MULTRES). */
  protected returnValues(callA: number, wanted: number, values: readonly Ref[]): void {
    const n = wanted < 0 ? values.length : wanted;
    for (let i = 0; i < n; i++) this.set(callA + i, values[i] ?? REF_NIL);
    if (wanted < 0) this.multres = values.length;
  }
}
