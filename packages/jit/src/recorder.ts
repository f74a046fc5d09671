// The trace recorder: called before each bytecode the interpreter executes while a trace is
// being recorded, it turns the instruction into IR specialised to the values it sees (as
// lj_record.c does): slots are loaded once with a type guard (or inherited from the parent's
// exit), number arithmetic becomes IR arithmetic, a comparison becomes a guard for the
// direction actually taken, Lua calls are inlined with their frames, returns below the start
// frame get RETF guards, and LuaJIT's link rules (manager/link-rules.ts) decide where the trace
// stops. Anything outside the subset aborts with LuaJIT's NYI reason.

import {
  FPMATH_NAMES, REF_FALSE, REF_FIRST, REF_NIL, REF_TRUE, SLOAD, TYPE_BY_NUMBER, TraceBuilder, isConstRef, optimizeLoop,
  type ArithOp, type ComparisonOp, type IRTypeName, type LinkKind, type Ref, type ReturnSite, type Trace, type TraceStart,
} from '@tracesim/ir';
import { BC, LuaFunction, LuaString, LuaTable, MODE_A, OP_NAMES, insA, insB, insC, insD, tagOf, type InstructionEvent, type LuaInterpreter, type LuaValue, type OpName, type Proto } from '@tracesim/lua';
import { ITYPE, primitiveWords } from '@tracesim/machine';
import { deadRegisters } from './snap-usedef';
import { tvalueBits } from './tvalue-cell';
import {
  builtinLink, compiledLoopLink, formatAbortMessage, functionEntryLink, interpretedLoopLink, JitRandom, returnLink, tailCallLink,
  type AbortReason, type LinkDecision, type LinkPolicy, type RecordingState,
} from './manager';

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
  /** Trace number and link kind of the compiled trace entered at a J-variant, for links. */
  readonly compiledAt: (proto: Proto, pc: number) => { readonly trace: number; readonly link: LinkKind } | undefined;
  readonly policy: LinkPolicy;
  /** Whether the penalty cache says the loop at this bytecode keeps being left early (unroll it). */
  readonly innerLoopLeft: (proto: Proto, pc: number) => boolean;
}

const ARITH_VN: Partial<Record<OpName, ArithOp>> = { ADDVN: 'ADD', SUBVN: 'SUB', MULVN: 'MUL', DIVVN: 'DIV', MODVN: 'MOD' };
const ARITH_NV: Partial<Record<OpName, ArithOp>> = { ADDNV: 'ADD', SUBNV: 'SUB', MULNV: 'MUL', DIVNV: 'DIV', MODNV: 'MOD' };
const ARITH_VV: Partial<Record<OpName, ArithOp>> = { ADDVV: 'ADD', SUBVV: 'SUB', MULVV: 'MUL', DIVVV: 'DIV', MODVV: 'MOD' };
/**
 * ISLT etc.: the IR comparison that holds when the interpreter takes the jump. ISGE and ISGT
 * mean "not <" and "not <=", so they are unordered (LuaJIT: ISGE/ISGT are unordered).
 */
const COMPARE: Partial<Record<OpName, ComparisonOp>> = { ISLT: 'LT', ISGE: 'UGE', ISLE: 'LE', ISGT: 'UGT' };
/** For numbers, "not (a OP b)" is the unordered opposite (LuaJIT flips IR_LT^5 etc.). */
const NEGATED: Record<ComparisonOp, ComparisonOp> = {
  LT: 'UGE', GE: 'ULT', LE: 'UGT', GT: 'ULE', ULT: 'GE', UGE: 'LT', ULE: 'GT', UGT: 'LE', EQ: 'NE', NE: 'EQ',
};
const NUMBER_HI_LIMIT = 0xfff90000;
const NIL_HI = primitiveWords(ITYPE.nil).hi;

/** math builtins recorded as IR (the arguments are already guarded numbers). */
const MATH_RECORDED: Readonly<Record<string, (b: TraceBuilder, args: readonly Ref[]) => Ref>> = {
  'math.floor': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('floor'))!,
  'math.ceil': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('ceil'))!,
  'math.sqrt': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('sqrt'))!,
  'math.abs': (b, [x]) => b.arith('ABS', 'num', x),
  'math.min': (b, args) => args.reduce((m, x) => b.arith('MIN', 'num', m, x)),
  'math.max': (b, args) => args.reduce((m, x) => b.arith('MAX', 'num', m, x)),
};

/** What type() answers for a value of each IR type. */
const TYPE_NAMES: Partial<Record<IRTypeName, string>> = { num: 'number', int: 'number', str: 'string', tab: 'table', fun: 'function', nil: 'nil', fal: 'boolean', tru: 'boolean' };

/** The IR type of a Lua value, for a type-checked load. */
function luaType(v: LuaValue): IRTypeName {
  if (typeof v === 'number') return 'num';
  if (v === undefined) return 'nil';
  if (v === true) return 'tru';
  if (v === false) return 'fal';
  if (v instanceof LuaTable) return 'tab';
  if (v instanceof LuaFunction) return 'fun';
  if (v instanceof LuaString) return 'str';
  throw nyi('NYIBC', 'load of an unsupported value');
}
const UV_IMMUTABLE = 0x4000;

/** A FORL loop as rec_for_loop sets it up: its FORI, the index type and the stop, step and index values. */
interface ForLoop {
  readonly fori: number;
  readonly type: 'int' | 'num';
  readonly stop: Ref;
  readonly step: Ref;
  readonly idx: Ref;
}

/** A number that fits an int32 exactly (lj_opt_narrow_forl's test on start, stop and step). */
const isInt32 = (x: number): boolean => Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff;

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
}

/** A recording abort: LuaJIT's reason code and its formatted message. */
class Abort {
  constructor(
    readonly code: AbortReason,
    readonly reason: string,
    /** Where the recorder was when it gave up, if not at the instruction being recorded. */
    readonly pc?: number,
  ) {}
}

const nyi = (code: AbortReason, info?: string): Abort => new Abort(code, info === undefined ? formatAbortMessage(code as 'TRACEOV') : formatAbortMessage(code as 'NYIBC', info));

/**
 * rec_setup_root's bytecode range of a loop root: a FORL's (ITERL's) body and the loop op; a LOOP's body up
 * to its backward JMP (none for `repeat ... until true`, whose JMP does not go back).
 */
function loopRange(proto: Proto, pc: number): { min: number; bytes: number } | undefined {
  const ins = proto.bc[pc];
  const op = OP_NAMES[ins & 0xff];
  const j = insD(ins) - 0x8000;
  if (op === 'FORL' || op === 'ITERL') return { min: proto.bcAddress + 4 * (pc + 1 + j), bytes: 4 * -j };
  if (op !== 'LOOP') return undefined;
  const back = proto.bc[pc + j];
  const jb = insD(back) - 0x8000;
  if (OP_NAMES[back & 0xff] !== 'JMP' || jb >= 0) return undefined;
  return { min: proto.bcAddress + 4 * (pc + j + 1 + jb), bytes: 4 * -jb };
}

export class Recorder {
  private readonly b: TraceBuilder;
  /** Slot (J->slot numbering: 2 + register of the trace's BASE frame) → the IR value it holds now. */
  private slots = new Map<number, Ref>();
  /** Slots still holding the value they were loaded with (snapshots leave them out). */
  private loaded = new Map<number, Ref>();
  private cur: Frame;
  private readonly callers: Caller[] = [];
  private readonly returnSites: ReturnSite[] = [];
  /** RETF guards recorded, by the prototype returned into. */
  private readonly retfInto = new Map<Proto, number>();
  private retdepth = 0;
  /** MULTRES: how many values the last call with open results returned. */
  private multres = 0;
  /** J->loopunroll and J->loopref: inner-loop unrolling left, IR count at the last unrolled loop. */
  private loopunroll: number;
  private loopref = 0;
  private tailcalled = 0;
  private needsnap = true;
  private mergesnap = false;
  private guardSince = false;
  private snapCount = 0;
  private lastSnapRef = -1;
  private readonly startOp: OpName;
  /** A loop root's bytecode (bc_min, bc_extent), as addresses: leaving it at the start level is LLEAVE. */
  private readonly loopRange?: { readonly min: number; readonly bytes: number };
  private readonly random = new JitRandom(0);
  /** J->scev: the root's own FORL loop (its FORI pc, index type, stop, step and first index). */
  private scev?: ForLoop;

  constructor(
    private readonly vm: LuaInterpreter,
    private readonly setup: RecordStart,
  ) {
    // A stitched trace is named after the call it continues (LuaJIT's startpc is that CALL).
    const namedPc = setup.start.kind === 'stitch' ? setup.pc - 1 : setup.pc;
    this.b = new TraceBuilder({ number: setup.number, start: setup.start, location: `${setup.proto.chunkname}:${setup.proto.lines[namedPc]}` });
    this.cur = { base: setup.baseSlot ?? 0, proto: setup.proto, rtBase: setup.base };
    this.loopunroll = vm.jit.params.loopunroll;
    this.rebuildCallers();
    this.startOp = OP_NAMES[setup.proto.bc[setup.pc] & 0xff];
    if (setup.start.kind === 'root') this.loopRange = loopRange(setup.proto, setup.pc);
    // A side trace starts with everything its parent's exit hands over (asm_head_side loads
    // them all), so its snapshots restore those slots too.
    for (const [slot, type] of [...(setup.inherited ?? [])].sort((x, y) => x[0] - y[0])) {
      this.slots.set(slot, this.b.sload(slot, type, SLOAD.P | SLOAD.I));
    }
    if (setup.start.kind === 'root' && this.startOp === 'FORL') {
      // lj_record_setup: snapshot #0 at the loop body, then the loop's index (narrowed to int
      // when its start, stop and step are integers) and its stop and step (rec_for_loop).
      const fori = setup.pc + insD(setup.proto.bc[setup.pc]) - 0x8000;
      this.snapshot(fori + 1);
      this.needsnap = false;
      this.scev = this.forLoop(fori, insA(setup.proto.bc[setup.pc]), true);
    }
  }

  /** A side trace starting inside frames its parent inlined: rebuild them from the frame links. */
  private rebuildCallers(): void {
    let { base, rtBase } = this.cur;
    while (base > 0) {
      const link = this.vm.mem.read32(rtBase - 8);
      const call = this.vm.mem.read32(link - 4);
      const callA = insA(call);
      const callerRt = rtBase - 8 * (callA + 2);
      const proto = this.vm.functionAt(callerRt).proto!;
      base -= callA + 2;
      rtBase = callerRt;
      this.callers.unshift({ frame: { base, proto, rtBase }, callA, nres: insB(call) - 1, retPc: (link - proto.bcAddress) >>> 2 });
    }
  }

  /** Inlined frames above the start frame (J->framedepth). */
  get depth(): number {
    return this.callers.length;
  }

  private state(atStartPc: boolean): RecordingState {
    const p = this.vm.jit.params;
    return {
      traceNo: this.setup.number, start: this.setup.start, root: this.setup.root, startOp: this.startOp, atStartPc,
      framedepth: this.callers.length, retdepth: this.retdepth, tailcalled: this.tailcalled,
      loopOpt: this.vm.jit.flags.has('loop'), policy: this.setup.policy,
      params: { recunroll: p.recunroll, callunroll: p.callunroll, minstitch: p.minstitch },
    };
  }

  // ---- slots

  private slotOf(reg: number): number {
    return 2 + this.cur.base + reg;
  }

  private hi(reg: number): number {
    return this.vm.mem.read32(this.cur.rtBase + 8 * reg + 4);
  }

  private num(reg: number): number {
    return this.vm.mem.readF64(this.cur.rtBase + 8 * reg);
  }

  /** The IR value of register `reg`, loading it (with a type guard) on first use. */
  private get(reg: number): Ref {
    const slot = this.slotOf(reg);
    const have = this.slots.get(slot);
    if (have !== undefined) return have;
    const hi = this.hi(reg);
    const type: IRTypeName = hi < NUMBER_HI_LIMIT ? 'num' : TYPE_BY_NUMBER[~(hi >> 15) & 0x1f].name;
    if (type !== 'num' && type !== 'fun' && type !== 'tab' && type !== 'str' && type !== 'nil' && type !== 'fal' && type !== 'tru') throw nyi('NYIBC', `slot of type ${type}`);
    const ref = this.b.sload(slot, type, SLOAD.T);
    this.guardSince = true;
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  /**
   * find_kinit: the constant a FORI control slot was initialised with (KSHORT/KNUM before the
   * FORI, with no jump across it), as `type`; undefined if it is not a plain constant.
   */
  private forConstant(fori: number, reg: number, type: 'int' | 'num'): Ref | undefined {
    const bc = this.cur.proto.bc;
    for (let pc = fori - 1; pc > 0; pc--) {
      const op = OP_NAMES[bc[pc] & 0xff];
      const a = insA(bc[pc]);
      if (MODE_A[bc[pc] & 0xff] === 'base' && a <= reg) return undefined;
      if (MODE_A[bc[pc] & 0xff] !== 'dst' || a !== reg) continue;
      if (op !== 'KSHORT' && op !== 'KNUM') return undefined;
      for (let p = pc; p > 0; p--) {
        const target = p + 1 + insD(bc[p]) - 0x8000;
        if ((bc[p] & 0xff) === BC.JMP && target > pc && target <= fori) return undefined;
      }
      const k = op === 'KSHORT' ? (insD(bc[pc]) << 16) >> 16 : this.cur.proto.knum[insD(bc[pc])];
      if (type === 'num') return this.b.knum(k);
      return isInt32(k) ? this.b.kint(k) : undefined;
    }
    return undefined;
  }

  /**
   * fori_arg: a FORL control slot as `type`. FORI already made it a number, so a load needs no
   * type guard; an int load converts (C). A constant initialiser is used directly.
   */
  private forArg(fori: number, reg: number, type: 'int' | 'num'): Ref {
    const slot = this.slotOf(reg);
    const have = this.slots.get(slot);
    if (have !== undefined) return this.b.typeOf(have) === type ? have : this.b.conv('num', 'int', have);
    const ref = this.forConstant(fori, reg, type) ?? this.b.sload(slot, type, SLOAD.R | SLOAD.I | (type === 'int' ? SLOAD.C : 0));
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  /**
   * rec_for_loop: the type of the loop's index (a root's own loop is narrowed to int when start,
   * stop and step are int32 and stop + step cannot overflow; any other loop keeps the index's
   * type), then its stop, step and index.
   */
  private forLoop(fori: number, a: number, init: boolean): ForLoop {
    const held = (r: number) => this.slots.get(this.slotOf(r));
    const intOrAbsent = (r: number) => held(r) === undefined || this.b.typeOf(held(r)!) === 'int';
    const narrow = init
      ? [a, a + 1, a + 2].every((r) => isInt32(this.num(r))) && (this.num(a + 2) >= 0 ? this.num(a + 1) + this.num(a + 2) <= 0x7fffffff : this.num(a + 1) + this.num(a + 2) >= -0x80000000)
      : held(a) !== undefined && this.b.typeOf(held(a)!) === 'int' && intOrAbsent(a + 1) && intOrAbsent(a + 2);
    const type = narrow ? 'int' : 'num';
    const stop = this.forArg(fori, a + 1, type);
    const step = this.forArg(fori, a + 2, type);
    let idx = held(a);
    if (idx === undefined) {
      idx = this.b.sload(this.slotOf(a), type, SLOAD.I | (type === 'int' ? SLOAD.C : 0));
      this.slots.set(this.slotOf(a), idx);
      this.loaded.set(this.slotOf(a), idx);
    } else if (this.b.typeOf(idx) !== type) {
      idx = this.b.conv('num', 'int', idx);
    }
    this.set(a + 3, idx);
    return { fori, type, stop, step, idx };
  }

  /** Register `reg` as a whole TValue, for a helper: a narrowed int (a loop index) becomes a number. */
  private tvalue(reg: number): Ref {
    const ref = this.get(reg);
    return this.b.typeOf(ref) === 'int' ? this.b.conv('num', 'int', ref) : ref;
  }

  /** A number operand: the slot must hold a number (its SLOAD guards that). */
  private getNum(reg: number): Ref {
    const ref = this.get(reg);
    const type = this.b.typeOf(ref);
    if (type === 'int') return this.b.conv('num', 'int', ref);
    if (type !== 'num') throw nyi('NYIBC', `arithmetic on a ${type}`);
    return ref;
  }

  private set(reg: number, ref: Ref): void {
    const slot = this.slotOf(reg);
    this.slots.set(slot, ref);
    if (this.loaded.get(slot) !== ref) this.loaded.delete(slot);
  }

  private raw(bits: bigint, type: IRTypeName): Ref {
    return this.b.constant({ op: 'KINT64', type, value: bits });
  }

  // ---- snapshots and guards

  private snapOptions(pc: number) {
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
  private snapshot(pc: number): void {
    const entries = [...this.slots].filter(([slot, ref]) => slot >= 0 && this.loaded.get(slot) !== ref).sort((x, y) => x[0] - y[0]).map(([slot, ref]) => ({ slot, ref }));
    const nothingSince = this.lastSnapRef === this.b.nextRef;
    let merge = this.snapCount > 0 && (nothingSince || (this.mergesnap && !this.guardSince));
    if (this.snapCount === 1) merge = false;
    this.b.snapshot(entries, { ...this.snapOptions(pc), replaceLast: merge });
    if (!merge && ++this.snapCount > this.vm.jit.params.maxsnap) throw nyi('SNAPOV');
    this.lastSnapRef = this.b.nextRef;
    this.guardSince = false;
    this.mergesnap = false;
  }

  /** lj_snap_purge: forget this frame's registers that are dead at `pc`, so the snapshot leaves them out. */
  private purgeDeadSlots(pc: number): void {
    const { proto, rtBase } = this.cur;
    const maxslot = (proto.bc[pc] & 0xff) === BC.FUNCV ? Math.min(proto.framesize, proto.numparams) : proto.framesize;
    const open = this.vm.openUpvalueAddresses().filter((addr) => addr >= rtBase).map((addr) => (addr - rtBase) / 8);
    for (const reg of deadRegisters(proto, pc, maxslot, open)) {
      this.slots.delete(this.slotOf(reg));
      this.loaded.delete(this.slotOf(reg));
    }
  }

  private guard(op: ComparisonOp, type: IRTypeName, a: Ref, b: Ref): void {
    this.b.guard(op, type, a, b);
    this.guardSince = true;
  }

  /**
   * A comparison: snapshot resuming at the branch not taken (rec_comp_fixup), then the guard.
   * Two constants decide it at record time: no guard, no snapshot.
   */
  private branch(op: ComparisonOp, type: IRTypeName, a: Ref, b: Ref, pc: number, taken: boolean): void {
    if (isConstRef(a) && isConstRef(b)) return;
    const jmp = this.cur.proto.bc[pc + 1];
    const target = pc + 2 + (insD(jmp) - 0x8000);
    this.snapshot(taken ? pc + 2 : target);
    this.guard(op, type, a, b);
    this.needsnap = true;
  }

  // ---- driver

  /** An interpreter stub (lj_record_setup, too many tries or side traces): stop before recording anything. */
  stopToInterpreter(): RecordOutcome {
    this.snapshot(this.setup.pc);
    return this.finish('interpreter', 0);
  }

  step(e: InstructionEvent): RecordOutcome {
    try {
      return this.record(e);
    } catch (err) {
      if (err instanceof Abort) return { kind: 'abort', code: err.code, reason: err.reason, proto: e.proto, pc: err.pc ?? e.pc, op: e.op };
      throw err;
    }
  }

  private finish(kind: LinkKind, target: number, stitched?: string): RecordOutcome {
    const trace = this.b.finish(kind, target);
    // LJ_TRACE_END: a trace linking to itself at the start level gets the LOOP pass (loops and tail-recursion).
    const selfLoop = target === this.setup.number && this.callers.length === 0 && this.retdepth === 0;
    return {
      kind: 'stop',
      trace: selfLoop && this.vm.jit.flags.has('loop') ? optimizeLoop(trace) : trace,
      returnSites: this.returnSites,
      ...(stitched === undefined ? {} : { stitched }),
    };
  }

  private decide(d: LinkDecision, pc: number, stitched?: string): RecordOutcome | undefined {
    if (d.kind === 'continue') return undefined;
    if (d.kind === 'abort') throw nyi(d.reason);
    this.snapshot(pc);
    return this.finish(d.link.kind, d.link.target, stitched);
  }

  private record(e: InstructionEvent): RecordOutcome {
    const { proto, pc, ins, op } = e;
    if (proto !== this.cur.proto || e.base !== this.cur.rtBase) throw nyi('NYIBC', `${op} in an unexpected frame`);
    // maxrecord caps the recorded IR instructions (JIT_P_maxrecord).
    if (this.b.nextRef - REF_FIRST > this.vm.jit.params.maxrecord) throw nyi('TRACEOV');
    if (this.needsnap) {
      this.needsnap = false;
      this.purgeDeadSlots(pc);
      this.snapshot(pc);
      this.mergesnap = true;
    }
    // Record only closed loops for root traces (lj_record_ins).
    if (this.loopRange && this.callers.length === 0 && (proto.bcAddress + 4 * pc - this.loopRange.min) >>> 0 >= this.loopRange.bytes) throw nyi('LLEAVE');
    const a = insA(ins);
    const d = insD(ins);
    const atStart = proto === this.setup.proto && pc === this.setup.pc && this.callers.length === 0 && this.retdepth === 0;
    if (atStart && this.setup.start.kind === 'root' && (op === 'FORL' || op === 'LOOP' || op === 'ITERL')) return this.closeLoop(op, a);
    const arith = ARITH_VN[op] ?? ARITH_NV[op] ?? ARITH_VV[op];
    if (arith) return this.arith(arith, op, ins);
    const cmp = COMPARE[op];
    if (cmp) {
      const x = this.getNum(a);
      const y = this.getNum(d);
      const [vx, vy] = [this.num(a), this.num(d)];
      const taken = cmp === 'LT' ? vx < vy : cmp === 'UGE' ? !(vx < vy) : cmp === 'LE' ? vx <= vy : !(vx <= vy);
      this.branch(taken ? cmp : NEGATED[cmp], 'num', x, y, pc, taken);
      return { kind: 'continue' };
    }
    switch (op) {
      case 'MOV':
        this.set(a, this.get(d));
        return { kind: 'continue' };
      case 'KSHORT':
        this.set(a, this.b.knum((d << 16) >> 16));
        return { kind: 'continue' };
      case 'KNUM':
        this.set(a, this.b.knum(proto.knum[d]));
        return { kind: 'continue' };
      case 'KPRI':
        this.set(a, [REF_NIL, REF_FALSE, REF_TRUE][d]);
        return { kind: 'continue' };
      case 'UNM':
        this.set(a, this.b.arith('NEG', 'num', this.getNum(d)));
        return { kind: 'continue' };
      case 'UGET':
        return this.uget(a, d);
      case 'USETV': case 'USETN': case 'USETS': case 'USETP':
        return this.uset(op, a, d);
      case 'KSTR':
        this.set(a, this.raw(this.bitsOf(this.vm.heap.str(this.kstr(d))), 'str'));
        return { kind: 'continue' };
      case 'TNEW':
        this.set(a, this.b.call('tab_new', []));
        return { kind: 'continue' };
      case 'TGETV': case 'TGETS': case 'TGETB':
        return this.tableGet(a, this.get(insB(ins)), this.vm.stack.get(this.cur.rtBase + 8 * insB(ins)), ...this.key(op, insC(ins)));
      case 'GGET':
        return this.tableGet(a, this.raw(this.bitsOf(this.vm.globals), 'tab'), this.vm.globals, ...this.stringKey(d));
      case 'TSETV': case 'TSETS': case 'TSETB':
        return this.tableSet(this.get(insB(ins)), this.key(op, insC(ins))[0], this.tvalue(a));
      case 'GSET':
        return this.tableSet(this.raw(this.bitsOf(this.vm.globals), 'tab'), this.stringKey(d)[0], this.tvalue(a));
      case 'CAT': {
        const [b, c] = [insB(ins), insC(ins)];
        const operand = (r: number) => {
          const v = this.vm.stack.get(this.cur.rtBase + 8 * r);
          if (typeof v !== 'number' && !(v instanceof LuaString)) throw nyi('NYIBC', 'CAT of a non-string');
          return this.tvalue(r);
        };
        if (c !== b + 1) throw nyi('NYIBC', 'CAT of more than two operands');
        this.set(a, this.b.call('str_cat', [operand(b), operand(c)]));
        return { kind: 'continue' };
      }
      case 'ISEQS': case 'ISNES': {
        const x = this.get(a);
        if (this.b.typeOf(x) !== 'str') return { kind: 'continue' }; // decided by x's guarded type
        const k = this.stringKey(d);
        const equal = this.vm.stack.get(this.cur.rtBase + 8 * a) === k[1];
        this.branch(equal ? 'EQ' : 'NE', 'str', x, k[0], pc, equal === (op === 'ISEQS'));
        return { kind: 'continue' };
      }
      case 'LEN': {
        if (!(this.vm.stack.get(this.cur.rtBase + 8 * d) instanceof LuaTable)) throw nyi('NYIBC', 'LEN of a string');
        this.set(a, this.b.call('tab_len', [this.get(d)]));
        return { kind: 'continue' };
      }
      case 'ISEQN': case 'ISNEN': {
        const x = this.getNum(a);
        const equal = this.num(a) === proto.knum[d];
        this.branch(equal ? 'EQ' : 'NE', 'num', x, this.b.knum(proto.knum[d]), pc, equal === (op === 'ISEQN'));
        return { kind: 'continue' };
      }
      case 'ISEQV': case 'ISNEV': {
        const x = this.getNum(a);
        const y = this.getNum(d);
        const equal = this.num(a) === this.num(d);
        this.branch(equal ? 'EQ' : 'NE', 'num', x, y, pc, equal === (op === 'ISEQV'));
        return { kind: 'continue' };
      }
      case 'JMP': case 'FUNCV':
        return { kind: 'continue' };
      case 'LOOP':
        // An interpreted while/repeat loop inside the trace: it always counts as entered, and
        // rec_loop has moved past the LOOP when rec_loop_interp gives up.
        try {
          this.interpretedLoop(pc, 'enter', d - 0x8000);
        } catch (err) {
          throw err instanceof Abort ? new Abort(err.code, err.reason, pc + 1) : err;
        }
        return { kind: 'continue' };
      case 'FUNCF': case 'IFUNCF': case 'JFUNCF':
        return this.functionEntry(op, pc, d) ?? { kind: 'continue' };
      case 'FORI':
        return this.forLoopEntry(pc, a);
      case 'JFORI': {
        // A compiled loop: once it is entered, link to its trace (the JFORL just before the jump target).
        const decision = compiledLoopLink(this.state(false), { op: 'JFORI', event: this.forLoopEnters(a) ? 'enter' : 'leave', trace: insD(proto.bc[pc + d - 0x8000]) });
        this.forLoopEntry(pc, a);
        return this.decide(decision, pc) ?? { kind: 'continue' };
      }
      case 'FORL': case 'IFORL':
        this.interpretedLoop(pc, this.forLoopGoesOn(a) ? 'enter' : 'leave', d - 0x8000);
        this.forLoopStep(pc, a);
        return { kind: 'continue' };
      case 'JFORL': case 'JLOOP': case 'JITERL':
        return this.compiledLoop(op, pc, a, d);
      case 'ITERL': case 'IITERL':
        this.interpretedLoop(pc, this.iterLoopGoesOn(a) ? 'enter' : 'leave', d - 0x8000);
        this.iterLoopStep(a);
        return { kind: 'continue' };
      case 'ITERC':
        return this.iteratorCall(pc, a, insB(ins) - 1);
      case 'ITERN':
        if (atStart && this.setup.start.kind === 'root' && this.b.nextRef > REF_FIRST) {
          // rec_itern's own loop detection: back at the ITERN the trace started with.
          this.snapshot(pc);
          return this.finish('loop', this.setup.number);
        }
        return this.nextElement(pc, a);
      case 'ISNEXT':
        return this.isNext(a);
      case 'CALL':
        return this.call(pc, a, insC(ins) - 1, insB(ins) - 1) ?? { kind: 'continue' };
      case 'CALLM':
        return this.call(pc, a, insC(ins) + this.multres, insB(ins) - 1) ?? { kind: 'continue' };
      case 'CALLT':
        return this.tailCall(a, d - 1);
      case 'CALLMT':
        return this.tailCall(a, d + this.multres);
      case 'RET0': case 'RET1': case 'RET':
        return this.ret(pc, a, d - 1) ?? { kind: 'continue' };
      case 'RETM':
        return this.ret(pc, a, d + this.multres) ?? { kind: 'continue' };
      default:
        // 2.1.0-beta3's dump.lua prints the bytecode's number, later ones its name.
        throw nyi('NYIBC', this.setup.policy === 'luajit-2022' ? String(BC[op]) : op);
    }
  }

  // ---- arithmetic and values

  private arith(op: ArithOp, name: OpName, ins: number): RecordOutcome {
    const a = insA(ins);
    const kb = insB(ins);
    const kc = insC(ins);
    const knum = (): Ref => this.b.knum(this.cur.proto.knum[kc]);
    const left = ARITH_NV[name] ? knum() : this.getNum(kb);
    const right = ARITH_VN[name] ? knum() : ARITH_NV[name] ? this.getNum(kb) : this.getNum(kc);
    this.set(a, this.b.arith(op, 'num', left, right));
    return { kind: 'continue' };
  }

  /**
   * UGET: an immutable upvalue of a prototype with one closure folds to a constant under a
   * guard on that closure (as LuaJIT constifies it); any other goes through uv_get and a
   * type-checked XLOAD (LuaJIT's UREF + ULOAD).
   */
  private uget(a: number, d: number): RecordOutcome {
    const closureBits = this.vm.mem.read64(this.cur.rtBase - 16);
    const fn = this.vm.functionAt(this.cur.rtBase);
    const uv = fn.upvalues[d];
    const value = uv.closed ? uv.value : this.vm.stack.get(uv.address);
    const closure = this.get(-2);
    if (this.cur.proto.uv[d] & UV_IMMUTABLE && this.cur.proto.closures <= 1 && (typeof value === 'number' || value instanceof LuaFunction)) {
      if (!isConstRef(closure)) this.guard('EQ', 'fun', closure, this.raw(closureBits, 'fun'));
      this.set(a, typeof value === 'number' ? this.b.knum(value) : this.raw((BigInt(tagOf(value)) << 32n) | BigInt(value.handle), 'fun'));
      return { kind: 'continue' };
    }
    const cell = this.b.call('uv_get', [closure, this.b.kint(d)]);
    this.set(a, this.b.emit('XLOAD', luaType(value), cell, 0, true)!);
    this.guardSince = true;
    return { kind: 'continue' };
  }

  /** USETV/USETN/USETS/USETP: store through uv_set. */
  private uset(op: OpName, a: number, d: number): RecordOutcome {
    const closure = this.get(-2);
    const value = op === 'USETV' ? this.tvalue(d)
      : op === 'USETN' ? this.b.knum(this.cur.proto.knum[d])
        : op === 'USETS' ? this.raw(this.bitsOf(this.vm.heap.str(this.kstr(d))), 'str')
          : [REF_NIL, REF_FALSE, REF_TRUE][d];
    this.b.call('uv_set', [closure, this.b.kint(a), value]);
    this.needsnap = true;
    return { kind: 'continue' };
  }

  // ---- tables (through the host helpers tab_get/tab_set/tab_len/tab_new)

  private bitsOf(v: LuaValue): bigint {
    return tvalueBits(this.vm, v);
  }

  private kstr(d: number): string {
    const k = this.cur.proto.kgc[d];
    if (k?.kind !== 'str') throw nyi('NYIBC', 'KSTR');
    return k.value;
  }

  /** A constant string key: its IR constant and its Lua value. */
  private stringKey(d: number): [Ref, LuaValue] {
    const s = this.vm.heap.str(this.kstr(d));
    return [this.raw(this.bitsOf(s), 'str'), s];
  }

  /** The key of TGETV/TGETS/TGETB (and the TSET forms): IR value and Lua value. */
  private key(op: OpName, c: number): [Ref, LuaValue] {
    if (op.endsWith('S')) return this.stringKey(c);
    if (op.endsWith('B')) return [this.b.knum(c), c];
    const v = this.vm.stack.get(this.cur.rtBase + 8 * c);
    if (typeof v !== 'number') throw nyi('NYIBC', `${op} with a non-number key`);
    return [this.getNum(c), v];
  }

  private tableGet(a: number, table: Ref, tableValue: LuaValue, key: Ref, keyValue: LuaValue): RecordOutcome {
    if (!(tableValue instanceof LuaTable) || this.b.typeOf(table) !== 'tab') throw nyi('NYIBC', 'index of a non-table');
    const type = luaType(tableValue.get(keyValue as never));
    const cell = this.b.call('tab_get', [table, key]);
    const value = this.b.emit('XLOAD', type, cell, 0, true)!;
    this.guardSince = true;
    this.set(a, value);
    return { kind: 'continue' };
  }

  private tableSet(table: Ref, key: Ref, value: Ref): RecordOutcome {
    if (this.b.typeOf(table) !== 'tab') throw nyi('NYIBC', 'store into a non-table');
    // The next bytecode takes a snapshot: an exit must never re-run a store (t[k] = t[k] + 1).
    this.b.call('tab_set', [table, key, value]);
    this.needsnap = true;
    return { kind: 'continue' };
  }

  // ---- loops

  /** ITERL: the loop goes on while the iterator's first result is not nil. */
  private iterLoopGoesOn(a: number): boolean {
    const slot = this.slots.get(this.slotOf(a));
    return slot !== undefined ? slot !== REF_NIL : this.vm.mem.read32(this.cur.rtBase + 8 * a + 4) !== NIL_HI;
  }

  /** rec_iterl: going on, the first result becomes the control variable. */
  private iterLoopStep(a: number): void {
    if (this.iterLoopGoesOn(a)) this.set(a - 1, this.get(a));
  }

  /**
   * ITERC: the iterator function, state and control are copied to a, a+2, a+3 and called for
   * `nres` results. ipairs' iterator is recorded inline (recff_ipairs_aux: index + 1, then a
   * type-checked load that ends the loop when it finds nil); a Lua iterator is inlined as a call.
   */
  private iteratorCall(pc: number, a: number, nres: number): RecordOutcome {
    // The interpreter makes the same copy when it runs ITERC; the recorder needs the values now.
    const at = (r: number) => this.cur.rtBase + 8 * r;
    for (const [to, from] of [[a, a - 3], [a + 2, a - 2], [a + 3, a - 1]]) {
      this.vm.mem.write64(at(to), this.vm.mem.read64(at(from)));
      this.set(to, this.get(from));
    }
    const fn = this.vm.stack.get(at(a));
    if (!(fn instanceof LuaFunction) || fn.name !== 'ipairs_aux' || fn.proto !== null) return this.call(pc, a, 2, nres) ?? { kind: 'continue' };
    const { fn: iterator } = this.callee(a);
    const table = this.vm.stack.get(at(a + 2));
    if (!(table instanceof LuaTable) || this.b.typeOf(this.get(a + 2)) !== 'tab') throw nyi('NYIFFU', iterator.name);
    const key = this.b.arith('ADD', 'num', this.getNum(a + 3), this.b.knum(1));
    const keyValue = this.num(a + 3) + 1;
    const type = luaType(table.get(keyValue as never));
    const cell = this.b.call('tab_get', [this.get(a + 2), key]);
    const value = this.b.emit('XLOAD', type, cell, 0, true)!;
    this.guardSince = true;
    this.returnValues(a, nres, type === 'nil' ? [] : [key, value]);
    return { kind: 'continue' };
  }

  /**
   * ITERN (rec_itern): the next element of the table from the control position, through the
   * tab_next/tab_key/tab_get helpers. A guard on the position's sign is the loop's exit test.
   */
  private nextElement(pc: number, a: number): RecordOutcome {
    this.snapshot(pc);
    const table = this.vm.stack.get(this.cur.rtBase + 8 * (a - 2));
    const tab = this.get(a - 2);
    if (!(table instanceof LuaTable) || this.b.typeOf(tab) !== 'tab') throw nyi('NYIBC', 'ITERN over a non-table');
    const element = table.nextFrom(this.num(a - 1));
    const position = this.b.call('tab_next', [tab, this.getNum(a - 1)]);
    this.guard(element ? 'GE' : 'ULT', 'num', position, this.b.knum(0));
    const jump = insD(this.cur.proto.bc[pc]) - 0x8000;
    const atStart = this.cur.proto === this.setup.proto && pc === this.setup.pc && this.callers.length === 0 && this.retdepth === 0;
    this.interpretedLoop(pc, element ? 'enter' : 'leave', jump, atStart);
    this.needsnap = true;
    if (!element) return { kind: 'continue' };
    const key = this.b.emit('XLOAD', luaType(element[1] as LuaValue), this.b.call('tab_key', [tab, position]), 0, true)!;
    const value = this.b.emit('XLOAD', luaType(element[2]), this.b.call('tab_get', [tab, key]), 0, true)!;
    this.set(a - 1, this.b.arith('ADD', 'num', position, this.b.knum(1)));
    this.set(a, key);
    this.set(a + 1, value);
    return { kind: 'continue' };
  }

  /** ISNEXT (rec_isnext): pairs() set up the loop; guard its function, table and nil key, then start at 0. */
  private isNext(a: number): RecordOutcome {
    const v = (r: number) => this.vm.stack.get(this.cur.rtBase + 8 * r);
    if (v(a - 3) !== this.vm.heap.builtinNamed('next') || !(v(a - 2) instanceof LuaTable) || v(a - 1) !== undefined) {
      // The interpreter despecializes this loop (ISNEXT becomes JMP, ITERN becomes ITERC).
      throw nyi('RECERR');
    }
    this.callee(a - 3);
    this.get(a - 2);
    this.get(a - 1);
    this.set(a - 1, this.b.knum(0));
    return { kind: 'continue' };
  }

  /** An interpreted FORL/LOOP inside the trace: LuaJIT's rec_loop_interp decides (unroll or abort). */
  private interpretedLoop(pc: number, event: 'enter' | 'leave', jump: number, atStartPc = false): void {
    const decision = interpretedLoopLink(this.state(atStartPc), {
      event, jump, innerLoopLeft: this.setup.innerLoopLeft(this.cur.proto, pc),
      nins: this.b.nextRef - 0x8001, loopunroll: this.loopunroll, loopref: this.loopref,
    });
    if (decision.kind === 'abort') throw nyi(decision.reason);
    if (decision.kind === 'continue') [this.loopunroll, this.loopref] = [decision.loopunroll, decision.loopref];
  }

  private forLoopGoesOn(a: number): boolean {
    const step = this.num(a + 2);
    const next = this.num(a) + step;
    return step >= 0 ? next <= this.num(a + 1) : next >= this.num(a + 1);
  }

  /**
   * FORL/JFORL inside the trace (rec_for): idx += step in the loop's type, then a guard for the
   * direction the loop takes. The root's own loop reuses the setup of its start (J->scev).
   */
  private forLoopStep(pc: number, a: number): boolean {
    const ins = this.cur.proto.bc[pc];
    const fori = pc + insD(ins) - 0x8000;
    const own = this.scev !== undefined && this.scev.fori === fori && this.cur.proto === this.setup.proto && this.slots.get(this.slotOf(a)) === this.scev.idx;
    const loop = own ? this.scev! : this.forLoop(fori, a, false);
    const goesOn = this.forLoopGoesOn(a);
    const step = this.num(a + 2);
    const t = loop.type;
    const op: ComparisonOp = step >= 0 ? (goesOn ? 'LE' : 'UGT') : goesOn ? 'GE' : 'ULT';
    const stop = loop.stop;
    const idx = this.b.arith('ADD', t, this.slots.get(this.slotOf(a))!, loop.step);
    if (goesOn) {
      // The exit (loop ends) resumes after the FORL with the stepped index, as LuaJIT's does.
      this.set(a, idx);
      this.snapshot(pc + 1);
      this.guard(op, t, idx, stop);
      this.set(a + 3, idx);
    } else if ((ins & 0xff) === BC.FORL || (ins & 0xff) === BC.IFORL) {
      // The exit (loop goes on) resumes at the body with both index slots stepped.
      const visible = this.slots.get(this.slotOf(a + 3));
      this.set(a, idx);
      this.set(a + 3, idx);
      this.snapshot(pc + 1 + (insD(ins) - 0x8000));
      if (visible === undefined) this.slots.delete(this.slotOf(a + 3));
      else this.set(a + 3, visible);
      this.guard(op, t, idx, stop);
    } else {
      // JFORL: the exit re-runs it in the interpreter, which steps and enters its trace.
      this.snapshot(pc);
      this.guard(op, t, idx, stop);
      this.set(a, idx);
    }
    return goesOn;
  }

  private forLoopEnters(a: number): boolean {
    return this.num(a + 2) >= 0 ? this.num(a) <= this.num(a + 1) : this.num(a) >= this.num(a + 1);
  }

  /** FORI: a guard for whether the loop body runs at all, then the visible index. */
  private forLoopEntry(pc: number, a: number): RecordOutcome {
    const idx = this.getNum(a);
    const stop = this.getNum(a + 1);
    this.getNum(a + 2);
    const step = this.num(a + 2);
    const enters = this.forLoopEnters(a);
    this.snapshot(pc);
    const op: ComparisonOp = step >= 0 ? (enters ? 'LE' : 'UGT') : enters ? 'GE' : 'ULT';
    this.guard(op, 'num', idx, stop);
    this.needsnap = true;
    if (enters) this.set(a + 3, idx);
    return { kind: 'continue' };
  }

  /** JFORL/JITERL/JLOOP: a compiled loop. A side trace links to it when the loop goes on. */
  private compiledLoop(op: OpName, pc: number, a: number, traceNo: number): RecordOutcome {
    const goesOn = op === 'JLOOP' || (op === 'JITERL' ? this.iterLoopGoesOn(a) : this.forLoopGoesOn(a));
    const decision = compiledLoopLink(this.state(false), { op: op as 'JFORL' | 'JITERL' | 'JLOOP', event: goesOn ? 'enter' : 'leave', trace: traceNo });
    if (decision.kind === 'abort') throw nyi(decision.reason);
    if (op === 'JFORL') this.forLoopStep(pc, a);
    if (op === 'JITERL') this.iterLoopStep(a);
    if (decision.kind === 'continue') return { kind: 'continue' };
    this.snapshot(pc);
    return this.finish(decision.link.kind, decision.link.target);
  }

  /** Back at the start of a root loop: close it (the LOOP pass adds PHIs). */
  private closeLoop(op: OpName, a: number): RecordOutcome {
    if (op === 'FORL') {
      const ins = this.setup.proto.bc[this.setup.pc];
      const bodyPc = this.setup.pc + 1 + (insD(ins) - 0x8000);
      // The loop ends here: LuaJIT has already moved past the FORL when it gives up.
      if (!this.forLoopStep(this.setup.pc, a)) throw new Abort('LLEAVE', formatAbortMessage('LLEAVE'), this.setup.pc + 1);
      this.snapshot(bodyPc);
    } else if (op === 'ITERL') {
      const ins = this.setup.proto.bc[this.setup.pc];
      if (!this.iterLoopGoesOn(a)) throw new Abort('LLEAVE', formatAbortMessage('LLEAVE'), this.setup.pc + 1);
      this.iterLoopStep(a);
      this.snapshot(this.setup.pc + 1 + (insD(ins) - 0x8000));
    } else {
      this.snapshot(this.setup.pc);
    }
    return this.finish('loop', this.setup.number);
  }

  // ---- calls and returns

  /** The function in register `reg` with an identity guard (or a known constant), and its object. */
  private callee(reg: number) {
    const addr = this.cur.rtBase + 8 * reg;
    const fn = this.vm.functionAt(addr + 16);
    const bits = this.vm.mem.read64(addr);
    const ref = this.get(reg);
    if (this.b.typeOf(ref) !== 'fun') throw nyi('NYIBC', 'call of a non-function');
    // A loaded function value is guarded on its identity; a folded constant needs no guard.
    if (!isConstRef(ref)) this.guard('EQ', 'fun', ref, this.raw(bits, 'fun'));
    return { fn, bits };
  }

  private call(pc: number, a: number, nargs: number, nres: number): RecordOutcome | undefined {
    if (nargs < 0) throw nyi('NYIBC', 'CALLM');
    const { fn } = this.callee(a);
    const recorded = fn.proto === null && nargs >= 1 ? this.fastFunction(fn.name, a + 2, nargs) : undefined;
    if (recorded) {
      this.returnValues(a, nres, recorded);
      return undefined;
    }
    if (fn.proto === null) {
      const next = OP_NAMES[this.cur.proto.bc[pc + 1] & 0xff];
      return this.decide(builtinLink(this.state(false), { irCount: this.b.nextRef - 0x8001, fromLuaCall: true, nextOp: next, name: fn.name }), pc, fn.name);
    }
    const retAddr = this.cur.proto.bcAddress + 4 * (pc + 1);
    this.set(a + 1, this.raw(BigInt(retAddr), 'p64'));
    for (let i = nargs; i < fn.proto.numparams; i++) this.set(a + 2 + i, REF_NIL);
    this.callers.push({ frame: this.cur, callA: a, nres, retPc: pc + 1 });
    this.cur = { base: this.cur.base + a + 2, proto: fn.proto, rtBase: this.cur.rtBase + 8 * (a + 2) };
    return undefined;
  }

  /**
   * Builtins recorded as IR (recff_type, recff_pairs, recff_ipairs, recff_math_round/abs/
   * unary/minmax): their results from the arguments' guarded IR values, or undefined when the
   * builtin is not recorded here (it is stitched).
   */
  private fastFunction(name: string, arg: number, nargs: number): Ref[] | undefined {
    const builtin = (n: string) => this.raw(this.bitsOf(this.vm.heap.builtinNamed(n)!), 'fun');
    const ref = this.get(arg);
    const type = this.b.typeOf(ref);
    const numbers = (): Ref[] | undefined => {
      const regs = Array.from({ length: nargs }, (_, i) => arg + i);
      return regs.every((r) => typeof this.vm.stack.get(this.cur.rtBase + 8 * r) === 'number') ? regs.map((r) => this.getNum(r)) : undefined;
    };
    const math = MATH_RECORDED[name];
    if (math) {
      const args = numbers();
      return args && [math(this.b, args)];
    }
    switch (name) {
      case 'type': {
        const typeName = TYPE_NAMES[type];
        if (typeName === undefined) throw nyi('NYIBC', 'type() of this value');
        return [this.raw(this.bitsOf(this.vm.heap.str(typeName)), 'str')];
      }
      case 'pairs':
        return type === 'tab' ? [builtin('next'), ref, REF_NIL] : undefined;
      case 'ipairs':
        return type === 'tab' ? [builtin('ipairs_aux'), ref, this.b.knum(0)] : undefined;
      default:
        return undefined;
    }
  }

  private tailCall(a: number, nargs: number): RecordOutcome {

    const { fn } = this.callee(a);
    if (fn.proto === null) throw nyi('NYIBC', 'tail call of a builtin');
    const decision = tailCallLink(this.state(false), this.vm.jit.params.loopunroll);
    if (decision.kind === 'abort') throw nyi(decision.reason);
    if (decision.kind === 'continue') this.tailcalled = decision.tailcalled;
    const func = this.get(a);
    const args = Array.from({ length: nargs }, (_, i) => this.get(a + 2 + i));
    for (const slot of [...this.slots.keys()]) if (slot >= this.slotOf(0)) this.slots.delete(slot);
    this.set(-2, func);
    args.forEach((ref, i) => this.set(i, ref));
    for (let i = nargs; i < fn.proto.numparams; i++) this.set(i, REF_NIL);
    this.cur = { ...this.cur, proto: fn.proto };
    return { kind: 'continue' };
  }

  private functionEntry(op: OpName, pc: number, d: number): RecordOutcome | undefined {
    const sameProtoFrames = this.callers.filter((c) => c.frame.proto === this.cur.proto).length;
    const compiled = op === 'JFUNCF' ? this.setup.compiledAt(this.cur.proto, pc) ?? { trace: d, link: 'return' as LinkKind } : undefined;
    const atStartPc = this.cur.proto === this.setup.proto && pc === this.setup.pc && this.startOp === 'FUNCF';
    const decision = functionEntryLink(this.state(atStartPc), { sameProtoFrames, ...(compiled ? { compiled } : {}) }, this.random);
    return this.decide(decision, pc + 1);
  }

  /** Results into the caller's registers from `callA`: as many as wanted, or all of them (MULTRES). */
  private returnValues(callA: number, wanted: number, values: readonly Ref[]): void {
    const n = wanted < 0 ? values.length : wanted;
    for (let i = 0; i < n; i++) this.set(callA + i, values[i] ?? REF_NIL);
    if (wanted < 0) this.multres = values.length;
  }

  private ret(pc: number, a: number, nvals: number): RecordOutcome | undefined {

    const values = Array.from({ length: nvals }, (_, i) => this.get(a + i));
    if (this.callers.length > 0) {
      const caller = this.callers.pop()!;
      for (const slot of [...this.slots.keys()]) if (slot >= this.slotOf(-2)) this.slots.delete(slot);
      this.cur = caller.frame;
      this.returnValues(caller.callA, caller.nres, values);
      return undefined;
    }
    const link = this.vm.mem.read32(this.cur.rtBase - 8);
    const toLua = (link & 3) === 0;
    const callerProto = toLua ? this.vm.functionAt(this.cur.rtBase - 8 * (insA(this.vm.mem.read32(link - 4)) + 2)).proto : null;
    const retfToCaller = callerProto ? this.retfInto.get(callerProto) ?? 0 : 0;
    const atStartPc = this.startOp === 'RET' || this.startOp === 'RET0' || this.startOp === 'RET1' ? pc === this.setup.pc && this.cur.proto === this.setup.proto : false;
    const decision = returnLink(this.state(atStartPc), { toLua, retfToCaller });
    if (decision.kind === 'abort') throw nyi(decision.reason);
    if (decision.kind === 'stop') {
      // Stopped at the return itself: only the results are live in this frame (lj_snap_purge).
      for (const slot of [...this.slots.keys()]) if (slot >= this.slotOf(0) && (slot < this.slotOf(a) || slot >= this.slotOf(a + nvals))) this.slots.delete(slot);
      this.snapshot(pc);
      return this.finish(decision.link.kind, decision.link.target);
    }
    // Return below the start frame: guard the return PC (RETF), move BASE down, go on in the caller.
    const callA = insA(this.vm.mem.read32(link - 4));
    const delta = callA + 2;
    this.snapshot(pc);
    this.b.retf(`${callerProto!.chunkname}:${callerProto!.firstline}`, BigInt(link));
    this.guardSince = true;
    this.needsnap = true;
    this.returnSites.push({ pc: BigInt(link), delta });
    this.retfInto.set(callerProto!, (this.retfInto.get(callerProto!) ?? 0) + 1);
    this.retdepth++;
    const wanted = insB(this.vm.mem.read32(link - 4)) - 1;
    this.slots = new Map();
    this.loaded = new Map();
    this.cur = { base: 0, proto: callerProto!, rtBase: this.cur.rtBase - 8 * delta };
    this.returnValues(callA, wanted, values);
    return undefined;
  }
}
