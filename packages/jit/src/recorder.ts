// The trace recorder: called before each bytecode the interpreter executes while a trace is
// being recorded, it turns the instruction into IR specialised to the values it sees (as
// lj_record.c does): slots are loaded once with a type guard (or inherited from the parent's
// exit), number arithmetic becomes IR arithmetic, a comparison becomes a guard for the
// direction actually taken (with a snapshot whose pc re-runs the comparison on exit), and a
// loop closes when control comes back to the trace's start. This first cut covers numeric
// code in one frame; anything else aborts with a NYI reason.

import {
  SLOAD, TraceBuilder, optimizeLoop,
  type ArithOp, type ComparisonOp, type IRTypeName, type LinkKind, type Ref, type Trace, type TraceStart,
} from '@tracesim/ir';
import { BC, insA, insB, insC, insD, type InstructionEvent, type LuaInterpreter, type OpName, type Proto } from '@tracesim/lua';

/** Why recording ended: a finished trace, or an abort with LuaJIT's message. */
export type RecordOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'stop'; readonly trace: Trace }
  | { readonly kind: 'abort'; readonly reason: string; readonly pc: number };

export interface RecordStart {
  readonly number: number;
  readonly start: TraceStart;
  readonly proto: Proto;
  /** The bytecode the trace starts at (a root loop: its FORL/LOOP; a side trace: the exit's pc). */
  readonly pc: number;
  /** The interpreter's BASE address for the start frame. */
  readonly base: number;
  /** Side traces: slots the parent's exit hands over, with their IR types. */
  readonly inherited?: ReadonlyMap<number, IRTypeName>;
  /** Trace numbers of compiled traces by the pc of their J-variant, for links. */
  readonly compiledAt: (proto: Proto, pc: number) => number | undefined;
  readonly maxRecord: number;
}

const ARITH_VN: Partial<Record<OpName, ArithOp>> = { ADDVN: 'ADD', SUBVN: 'SUB', MULVN: 'MUL', DIVVN: 'DIV', MODVN: 'MOD' };
const ARITH_NV: Partial<Record<OpName, ArithOp>> = { ADDNV: 'ADD', SUBNV: 'SUB', MULNV: 'MUL', DIVNV: 'DIV', MODNV: 'MOD' };
const ARITH_VV: Partial<Record<OpName, ArithOp>> = { ADDVV: 'ADD', SUBVV: 'SUB', MULVV: 'MUL', DIVVV: 'DIV', MODVV: 'MOD' };
/** ISLT etc.: the IR comparison that holds when the interpreter takes the jump. */
const COMPARE: Partial<Record<OpName, ComparisonOp>> = { ISLT: 'LT', ISGE: 'GE', ISLE: 'LE', ISGT: 'GT' };
/** For numbers, "not (a OP b)" is the unordered opposite (LuaJIT flips IR_LT^5 etc.). */
const NEGATED: Record<ComparisonOp, ComparisonOp> = {
  LT: 'UGE', GE: 'ULT', LE: 'UGT', GT: 'ULE', ULT: 'GE', UGE: 'LT', ULE: 'GT', UGT: 'LE', EQ: 'NE', NE: 'EQ',
};

export class Recorder {
  private readonly b: TraceBuilder;
  /** Slot (J->slot numbering: 2 + register) → the IR value it holds now. */
  private readonly slots = new Map<number, Ref>();
  /** Slots still holding the value they were loaded with (snapshots leave them out). */
  private readonly loaded = new Map<number, Ref>();
  private recorded = 0;
  private needsnap = true;
  private mergesnap = false;
  private guardSince = false;
  private snapCount = 0;
  private lastSnapRef = -1;

  constructor(
    private readonly vm: LuaInterpreter,
    private readonly setup: RecordStart,
  ) {
    this.b = new TraceBuilder({ number: setup.number, start: setup.start, location: `${setup.proto.chunkname}:${setup.proto.lines[setup.pc]}` });
    // A side trace starts with everything its parent's exit hands over (asm_head_side loads
    // them all), so its snapshots restore those slots too.
    for (const [slot, type] of [...(setup.inherited ?? [])].sort((x, y) => x[0] - y[0])) {
      this.slots.set(slot, this.b.sload(slot, type, SLOAD.P | SLOAD.I));
    }
  }

  private snapOptions(pc: number) {
    return { nslots: 2 + this.setup.proto.framesize, pc: BigInt(this.setup.proto.bcAddress + 4 * pc) };
  }

  private num(reg: number): number {
    return this.vm.mem.readF64(this.setup.base + 8 * reg);
  }

  private isNumber(reg: number): boolean {
    return this.vm.mem.read32(this.setup.base + 8 * reg + 4) < 0xfff90000;
  }

  /** The IR value of register `reg`, loading it (with a type guard) on first use. */
  private get(reg: number): Ref {
    const slot = 2 + reg;
    const have = this.slots.get(slot);
    if (have !== undefined) return have;
    if (!this.isNumber(reg)) throw new Abort('NYI: non-number slot');
    const ref = this.b.sload(slot, 'num', SLOAD.T);
    this.guardSince = true;
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  private set(reg: number, ref: Ref): void {
    this.slots.set(2 + reg, ref);
    if (this.loaded.get(2 + reg) !== ref) this.loaded.delete(2 + reg);
  }

  private asNum(ref: Ref): Ref {
    return this.b.typeOf(ref) === 'int' ? this.b.conv('num', 'int', ref) : ref;
  }

  /**
   * A snapshot of the modified slots that resumes the interpreter at `pc`, with lj_snap_add's
   * merge rule: it replaces the last one when no instruction was emitted since, or when the
   * last was taken for this bytecode (needsnap) and no guard was emitted since. A comparison
   * never merges into snapshot #0 (rec_comp_prep).
   */
  private snapshot(pc: number, keepFirst = false): void {
    const entries = [...this.slots].filter(([slot, ref]) => this.loaded.get(slot) !== ref).sort((x, y) => x[0] - y[0]).map(([slot, ref]) => ({ slot, ref }));
    const nothingSince = this.lastSnapRef === this.b.nextRef;
    let merge = this.snapCount > 0 && (nothingSince || (this.mergesnap && !this.guardSince));
    if (keepFirst && this.snapCount === 1 && nothingSince) merge = false;
    this.b.snapshot(entries, { ...this.snapOptions(pc), replaceLast: merge });
    if (!merge) this.snapCount++;
    this.lastSnapRef = this.b.nextRef;
    this.guardSince = false;
    this.mergesnap = false;
  }

  private guard(op: ComparisonOp, a: Ref, b: Ref): void {
    this.b.guard(op, 'num', a, b);
    this.guardSince = true;
  }

  /** A comparison: snapshot resuming at the branch not taken (rec_comp_fixup), then the guard. */
  private branch(op: ComparisonOp, a: Ref, b: Ref, pc: number, taken: boolean): void {
    const jmp = this.setup.proto.bc[pc + 1];
    const target = pc + 2 + (insD(jmp) - 0x8000);
    this.snapshot(taken ? pc + 2 : target, true);
    this.guard(op, a, b);
    this.needsnap = true;
  }

  step(e: InstructionEvent): RecordOutcome {
    try {
      return this.record(e);
    } catch (err) {
      if (err instanceof Abort) return { kind: 'abort', reason: err.reason, pc: e.pc };
      throw err;
    }
  }

  private finish(kind: LinkKind, target: number): RecordOutcome {
    const trace = this.b.finish(kind, target);
    return { kind: 'stop', trace: kind === 'loop' ? optimizeLoop(trace) : trace };
  }

  private record(e: InstructionEvent): RecordOutcome {
    const { proto, pc, ins, op } = e;
    if (proto !== this.setup.proto || e.base !== this.setup.base) throw new Abort('NYI: call or return in a trace');
    if (++this.recorded > this.setup.maxRecord) throw new Abort('trace too long');
    if (this.needsnap) {
      this.needsnap = false;
      this.snapshot(pc);
      this.mergesnap = true;
    }
    const a = insA(ins);
    const d = insD(ins);
    const linked = this.setup.compiledAt(proto, pc);
    if (pc === this.setup.pc && this.setup.start.kind === 'root') return this.closeLoop(op, a);
    if (linked !== undefined && op === 'JLOOP') {
      this.snapshot(pc);
      return this.finish('root', linked);
    }
    if (linked !== undefined && op === 'JFORL') {
      // The loop goes on: step, then link to its trace (entered after the step, as JFORL does).
      if (this.forLoopStep(pc, a)) {
        this.snapshot(pc);
        return this.finish('root', linked);
      }
      return { kind: 'continue' };
    }
    const vn = ARITH_VN[op] ?? ARITH_NV[op] ?? ARITH_VV[op];
    if (vn) {
      const kb = insB(ins);
      const kc = insC(ins);
      const left = ARITH_NV[op] ? this.b.knum(proto.knum[kc]) : this.asNum(this.get(kb));
      const right = ARITH_VN[op] ? this.b.knum(proto.knum[kc]) : ARITH_NV[op] ? this.asNum(this.get(kb)) : this.asNum(this.get(kc));
      this.set(a, this.b.arith(vn, 'num', left, right));
      return { kind: 'continue' };
    }
    const cmp = COMPARE[op];
    if (cmp) {
      const x = this.asNum(this.get(a));
      const y = this.asNum(this.get(d));
      const [vx, vy] = [this.num(a), this.num(d)];
      const taken = cmp === 'LT' ? vx < vy : cmp === 'GE' ? vx >= vy : cmp === 'LE' ? vx <= vy : vx > vy;
      this.branch(taken ? cmp : NEGATED[cmp], x, y, pc, taken);
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
      case 'UNM':
        this.set(a, this.b.arith('NEG', 'num', this.asNum(this.get(d))));
        return { kind: 'continue' };
      case 'ISEQN': case 'ISNEN': {
        const x = this.asNum(this.get(a));
        const equal = this.num(a) === proto.knum[d];
        this.branch(equal ? 'EQ' : 'NE', x, this.b.knum(proto.knum[d]), pc, equal === (op === 'ISEQN'));
        return { kind: 'continue' };
      }
      case 'ISEQV': case 'ISNEV': {
        const x = this.asNum(this.get(a));
        const y = this.asNum(this.get(d));
        const equal = this.num(a) === this.num(d);
        this.branch(equal ? 'EQ' : 'NE', x, y, pc, equal === (op === 'ISEQV'));
        return { kind: 'continue' };
      }
      case 'JMP': case 'LOOP':
        return { kind: 'continue' };
      case 'FORI':
        return this.forLoopEntry(pc, a);
      case 'FORL': case 'IFORL':
        this.forLoopStep(pc, a);
        return { kind: 'continue' };
      default:
        throw new Abort(`NYI: bytecode ${op}`);
    }
  }

  /** FORL/JFORL inside the trace: idx += step, then a guard for the direction the loop takes. */
  private forLoopStep(pc: number, a: number): boolean {
    const ins = this.setup.proto.bc[pc];
    const step = this.num(a + 2);
    const next = this.num(a) + step;
    const goesOn = step >= 0 ? next <= this.num(a + 1) : next >= this.num(a + 1);
    const op: ComparisonOp = step >= 0 ? (goesOn ? 'LE' : 'UGT') : goesOn ? 'GE' : 'ULT';
    const stop = this.asNum(this.get(a + 1));
    const idx = this.b.arith('ADD', 'num', this.asNum(this.get(a)), this.asNum(this.get(a + 2)));
    if (goesOn) {
      // The exit (loop ends) resumes after the FORL with the stepped index, as LuaJIT's does.
      this.set(a, idx);
      this.snapshot(pc + 1);
      this.guard(op, idx, stop);
      this.set(a + 3, idx);
    } else if ((ins & 0xff) === BC.FORL || (ins & 0xff) === BC.IFORL) {
      // The exit (loop goes on) resumes at the body with both index slots stepped.
      const visible = this.slots.get(2 + a + 3);
      this.set(a, idx);
      this.set(a + 3, idx);
      this.snapshot(pc + 1 + (insD(ins) - 0x8000));
      if (visible === undefined) this.slots.delete(2 + a + 3);
      else this.set(a + 3, visible);
      this.guard(op, idx, stop);
    } else {
      // JFORL: the exit re-runs it in the interpreter, which steps and enters its trace.
      this.snapshot(pc);
      this.guard(op, idx, stop);
      this.set(a, idx);
    }
    return goesOn;
  }

  /** FORI: a guard for whether the loop body runs at all, then the visible index. */
  private forLoopEntry(pc: number, a: number): RecordOutcome {
    const idx = this.asNum(this.get(a));
    const stop = this.asNum(this.get(a + 1));
    this.asNum(this.get(a + 2));
    const step = this.num(a + 2);
    const enters = step >= 0 ? this.num(a) <= this.num(a + 1) : this.num(a) >= this.num(a + 1);
    this.snapshot(pc);
    const op: ComparisonOp = step >= 0 ? (enters ? 'LE' : 'UGT') : enters ? 'GE' : 'ULT';
    this.guard(op, idx, stop);
    this.needsnap = true;
    if (enters) this.set(a + 3, idx);
    return { kind: 'continue' };
  }

  /** Back at the start of a root loop: close it (the LOOP pass adds PHIs). */
  private closeLoop(op: OpName, a: number): RecordOutcome {
    if (op === 'FORL') {
      const ins = this.setup.proto.bc[this.setup.pc];
      const bodyPc = this.setup.pc + 1 + (insD(ins) - 0x8000);
      if (!this.forLoopStep(this.setup.pc, a)) throw new Abort('leaving loop in root trace');
      this.snapshot(bodyPc);
    } else {
      this.snapshot(this.setup.pc);
    }
    return this.finish('loop', this.setup.number);
  }
}

class Abort {
  constructor(readonly reason: string) {}
}
