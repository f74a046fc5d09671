// The loop bytecodes of the recorder (rec_for, rec_iterl, rec_itern, rec_loop_interp and
// rec_loop_jit in lj_record.c): numeric for loops with the root's own index narrowed to int,
// iterator loops (ITERC with ipairs' iterator inline, ITERL, ITERN/ISNEXT for pairs), while
// loops, compiled inner loops, closing a root's loop, and the loop root's bytecode range.

import { REF_NIL, SLOAD, isConstRef, type ComparisonOp, type Ref } from '@tracesim/ir';
import { BC, LuaFunction, LuaTable, MODE_A, OP_NAMES, forContinues, forCountsUp, forEnters, insA, insD, type LuaInterpreter, type LuaValue, type OpName, type Proto } from '@tracesim/lua';
import { ITYPE, primitiveWords } from '@tracesim/machine';
import { compiledLoopLink, formatAbortMessage, interpretedLoopLink } from './manager';
import { Abort, luaType, nyi, type RecordOutcome, type RecordStart } from './recorder-base';
import { TableShapeRecorder } from './recorder-shape';

const NIL_HI = primitiveWords(ITYPE.nil).hi;

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

/** The loop bytecodes; the bytecode layer (Recorder) supplies calls. */
export abstract class LoopRecorder extends TableShapeRecorder {
  /** A loop root's bytecode (bc_min, bc_extent), as addresses: leaving it at the start level is LLEAVE. */
  protected readonly loopRange?: { readonly min: number; readonly bytes: number };

  /** J->scev: the root's own FORL loop (its FORI pc, index type, stop, step and first index). */
  protected scev?: ForLoop;
  constructor(vm: LuaInterpreter, setup: RecordStart) {
    super(vm, setup);
    if (setup.start.kind === 'root') this.loopRange = loopRange(setup.proto, setup.pc);
    if (setup.start.kind === 'root' && this.startOp === 'FORL') {
      // lj_record_setup: snapshot #0 at the loop body, then the loop's index (narrowed to int
      // when its start, stop and step are integers) and its stop and step (rec_for_loop).
      const fori = setup.pc + insD(setup.proto.bc[setup.pc]) - 0x8000;
      this.snapshot(fori + 1);
      this.needsnap = false;
      this.scev = this.forLoop(fori, insA(setup.proto.bc[setup.pc]), true);
    }
  }

  /**
   * find_kinit: the constant a FORI control slot was initialised with (KSHORT/KNUM before the
   * FORI, with no jump across it), as `type`; undefined if it is not a plain constant.
   */
  protected forConstant(fori: number, reg: number, type: 'int' | 'num'): Ref | undefined {
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
   * fori_arg/fori_load: a FORL stop or step as `type`. FORI already made it a number, so a
   * load needs no type guard; an int load converts (C) with a guard that the number is an
   * exact int. A constant initialiser is used directly.
   */
  protected forArg(fori: number, reg: number, type: 'int' | 'num'): Ref {
    const slot = this.slotOf(reg);
    const have = this.slots.get(slot);
    if (have !== undefined) return this.forTyped(have, type);
    const convert = type === 'int' ? SLOAD.C : 0;
    const ref = this.forConstant(fori, reg, type) ?? this.b.sload(slot, type, SLOAD.R | SLOAD.I | convert, convert !== 0);
    this.slots.set(slot, ref);
    this.loaded.set(slot, ref);
    return ref;
  }

  /** rec_for_direction: the loop counts up unless its step's sign bit is set. */
  protected forUp(a: number): boolean {
    return forCountsUp(this.vm.mem, this.cur.rtBase + 8 * a);
  }

  /**
   * rec_for_check: a step that is not a constant gets a guard for the loop's direction; where
   * the loop starts (`init`), an int loop's stop + step must not overflow (a range guard, or
   * ADDOV when both vary).
   */
  protected forCheck(t: 'int' | 'num', up: boolean, stop: Ref, step: Ref, init: boolean): void {
    const k = (ref: Ref): number => (this.b.constantAt(ref) as { value: number }).value;
    if (!isConstRef(step)) {
      this.guard(up ? 'GE' : 'LT', t, step, t === 'int' ? this.b.kint(0) : this.b.knum(0));
      if (!init || t !== 'int') return;
      if (isConstRef(stop)) {
        const limit = k(stop);
        if (up && limit > 0) this.guard('LE', 'int', step, this.b.kint(0x7fffffff - limit));
        if (!up && limit < 0) this.guard('GE', 'int', step, this.b.kint(-0x80000000 - limit));
      } else {
        // ADDOV is a weak guard: USE keeps its result alive.
        const sum = this.b.emit('ADDOV', 'int', step, stop, true)!;
        this.b.emit('USE', 'int', sum, 0);
      }
    } else if (init && t === 'int' && !isConstRef(stop)) {
      this.guard(up ? 'LE' : 'GE', 'int', stop, this.b.kint((up ? 0x7fffffff : -0x80000000) - k(step)));
    }
  }

  /** lj_opt_narrow_forl: int when start, stop and step are int32 values and stop + step cannot overflow. */
  protected forNarrowsToInt(a: number): boolean {
    if (![a, a + 1, a + 2].every((r) => isInt32(this.num(r)))) return false;
    const sum = this.num(a + 1) + this.num(a + 2);
    return this.num(a + 2) >= 0 ? sum <= 0x7fffffff : sum >= -0x80000000;
  }

  /**
   * rec_for_loop: the type of the loop's index (the index's own type when it has one; a root's
   * own loop is narrowed by lj_opt_narrow_forl; any other loop is num), its stop and step with
   * rec_for_check's guards, then its index (not yet stepped).
   */
  protected forLoop(fori: number, a: number, init: boolean): ForLoop {
    const held = this.slots.get(this.slotOf(a));
    const type = held !== undefined ? (this.b.typeOf(held) === 'int' ? 'int' : 'num') : init && this.forNarrowsToInt(a) ? 'int' : 'num';
    const stop = this.forArg(fori, a + 1, type);
    const step = this.forArg(fori, a + 2, type);
    this.forCheck(type, this.forUp(a), stop, step, init);
    let idx = held;
    if (idx === undefined) {
      // An int index converts with a check unless its start is a constant (J->scev.start).
      const convert = type === 'int' ? SLOAD.C : 0;
      const exact = this.forConstant(fori, a, 'int') !== undefined;
      idx = this.b.sload(this.slotOf(a), type, SLOAD.I | convert, convert !== 0 && !exact);
      this.slots.set(this.slotOf(a), idx);
      this.loaded.set(this.slotOf(a), idx);
    } else {
      idx = this.forTyped(idx, type);
    }
    if (init) this.set(a + 3, idx);
    return { fori, type, stop, step, idx };
  }

  /** A for-loop control value as `type`: int to num converts; num to int converts with a check. */
  protected forTyped(ref: Ref, type: 'int' | 'num'): Ref {
    const have = this.b.typeOf(ref);
    if (have === type) return ref;
    if (have === 'int') return this.b.conv('num', 'int', ref);
    if (have === 'num') return this.b.conv('int', 'num', ref);
    throw nyi('NYIBC', `for loop over a ${have}`);
  }

  /** ITERL: the loop goes on while the iterator's first result is not nil. */
  protected iterLoopGoesOn(a: number): boolean {
    const slot = this.slots.get(this.slotOf(a));
    return slot !== undefined ? slot !== REF_NIL : this.vm.mem.read32(this.cur.rtBase + 8 * a + 4) !== NIL_HI;
  }

  /** rec_iterl: going on, the first result becomes the control variable. */
  protected iterLoopStep(a: number): void {
    if (this.iterLoopGoesOn(a)) this.set(a - 1, this.get(a));
  }

  /**
   * ITERC: the iterator function, state and control are copied to a, a+2, a+3 and called for
   * `nres` results. ipairs' iterator is recorded inline (recff_ipairs_aux: index + 1, then a
   * type-checked load that ends the loop when it finds nil); a Lua iterator is inlined as a call.
   */
  protected iteratorCall(pc: number, a: number, nres: number): RecordOutcome {
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
    const raw = table.get(keyValue as never);
    const type = luaType(raw);
    // recff_ipairs_aux looks the key up as lj_record_idx does (raw: no metatable).
    const value = this.rawLoad(this.get(a + 2), key, this.keyPart(this.get(a + 2), table, key, keyValue), raw);
    this.returnValues(a, nres, type === 'nil' ? [] : [key, value]);
    return { kind: 'continue' };
  }

  /**
   * ITERN (rec_itern): the next element of the table from the control position, through the
   * tab_next/tab_key/tab_get helpers. A guard on the position's sign is the loop's exit test.
   */
  protected nextElement(pc: number, a: number): RecordOutcome {
    this.snapshot(pc);
    const table = this.vm.stack.get(this.cur.rtBase + 8 * (a - 2));
    const tab = this.get(a - 2);
    if (!(table instanceof LuaTable) || this.b.typeOf(tab) !== 'tab') throw nyi('NYIBC', 'ITERN over a non-table');
    const element = table.nextFrom(this.num(a - 1));
    const position = this.b.call('tab_next', [tab, this.getNum(a - 1)]);
    this.guard(element ? 'GE' : 'ULT', 'num', position, this.b.knum(0));
    const jump = insD(this.cur.proto.bc[pc]) - 0x8000;
    const atStart = this.cur.proto === this.setup.proto && pc === this.setup.pc && this.callers.length === 0 && this.retdepth === 0;
    // A root started at this ITERN whose table is already done leaves its own loop (rec_itern's
    // LOOPEV_LEAVE at J->startpc); LuaJIT names where the interpreter goes on, past the ITERL.
    if (atStart && !element && this.setup.start.kind === 'root') throw new Abort('LLEAVE', formatAbortMessage('LLEAVE'), pc + 2);
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
  protected isNext(a: number): RecordOutcome {
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
  protected interpretedLoop(pc: number, event: 'enter' | 'leave', jump: number, atStartPc = false): void {
    const decision = interpretedLoopLink(this.state(atStartPc), {
      event, jump, innerLoopLeft: this.setup.innerLoopLeft(this.cur.proto, pc),
      nins: this.b.nextRef - 0x8001, loopunroll: this.loopunroll, loopref: this.loopref,
    });
    if (decision.kind === 'abort') throw nyi(decision.reason);
    if (decision.kind === 'continue') [this.loopunroll, this.loopref] = [decision.loopunroll, decision.loopref];
  }

  protected forLoopGoesOn(a: number): boolean {
    return forContinues(this.vm.mem, this.cur.rtBase + 8 * a);
  }

  /**
   * FORL/JFORL inside the trace (rec_for): idx += step in the loop's type, then a guard for the
   * direction the loop takes. The root's own loop reuses the setup of its start (J->scev).
   */
  /**
   * The jump of a loop op. A J-variant's D names its trace, so the jump comes from the op it
   * replaced (LuaJIT reads it from the trace's startins).
   */
  protected loopJump(pc: number): number {
    const ins = this.cur.proto.bc[pc];
    const op = ins & 0xff;
    const replaced = op === BC.JFORL || op === BC.JITERL || op === BC.JLOOP ? this.setup.compiledAt(this.cur.proto, pc)?.ins : undefined;
    return insD(replaced ?? ins) - 0x8000;
  }

  protected forLoopStep(pc: number, a: number): boolean {
    const ins = this.cur.proto.bc[pc];
    const fori = pc + this.loopJump(pc);
    const own = this.scev !== undefined && this.scev.fori === fori && this.cur.proto === this.setup.proto && this.slots.get(this.slotOf(a)) === this.scev.idx;
    const loop = own ? this.scev! : this.forLoop(fori, a, false);
    const goesOn = this.forLoopGoesOn(a);
    const t = loop.type;
    const op = forGuardOp(t, this.forUp(a), goesOn);
    const stop = loop.stop;
    const idx = this.b.arith('ADD', t, loop.idx, loop.step);
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
    // rec_for: the next guard needs a snapshot of its own (this one resumes past or at the loop op).
    this.needsnap = true;
    return goesOn;
  }

  protected forLoopEnters(a: number): boolean {
    return forEnters(this.vm.mem, this.cur.rtBase + 8 * a);
  }

  /**
   * FORI (rec_for): start, stop and step as the loop's type (int when the start already is one
   * and lj_opt_narrow_forl agrees, else num), converted in their slots; rec_for_check's guards;
   * then the guard for whether the body runs at all. Its exit goes the other way: into the body
   * with the visible index set, or past the loop.
   */
  protected forLoopEntry(pc: number, a: number): RecordOutcome {
    const start = this.slots.get(this.slotOf(a));
    const t = start !== undefined && this.b.typeOf(start) === 'int' && this.forNarrowsToInt(a) ? 'int' : 'num';
    // A numeric-string start, stop or step (converted in place by the interpreter's FORI): NYI here.
    for (const r of [a, a + 1, a + 2]) this.set(r, this.forTyped(this.get(r), t));
    const idx = this.get(a);
    const stop = this.get(a + 1);
    const up = this.forUp(a);
    this.forCheck(t, up, stop, this.get(a + 2), true);
    const enters = this.forLoopEnters(a);
    this.set(a + 3, idx);
    this.snapshot(enters ? pc + 1 + insD(this.cur.proto.bc[pc]) - 0x8000 : pc + 1);
    const op = forGuardOp(t, up, enters);
    this.guard(op, t, idx, stop);
    this.needsnap = true;
    return { kind: 'continue' };
  }

  /** JFORL/JITERL/JLOOP: a compiled loop. A side trace links to it when the loop goes on. */
  protected compiledLoop(op: OpName, pc: number, a: number, traceNo: number): RecordOutcome {
    const goesOn = op === 'JLOOP' || (op === 'JITERL' ? this.iterLoopGoesOn(a) : this.forLoopGoesOn(a));
    // rec_loop_jit compares the pc the loop op goes on at (the body, or past a JLOOP) with J->startpc.
    // rec_loop skips a JLOOP that replaced a LOOP (not one that replaced a RET or an ITERN root).
    const replaced = this.setup.compiledAt(this.cur.proto, pc)?.ins;
    const nextPc = op === 'JLOOP' ? pc + (replaced !== undefined && (replaced & 0xff) === BC.LOOP ? 1 : 0) : pc + 1 + this.loopJump(pc);
    const atStartPc = this.setup.extraLoop === true && this.cur.proto === this.setup.proto && nextPc === this.setup.pc;
    const decision = compiledLoopLink(this.state(atStartPc), { op: op as 'JFORL' | 'JITERL' | 'JLOOP', event: goesOn ? 'enter' : 'leave', trace: traceNo });
    if (decision.kind === 'abort') throw nyi(decision.reason);
    // rec_loop_jit: recording cannot go on across a compiled loop op that is entered, so a
    // type-unstable loop closed here aborts with TYPEINS instead of unrolling.
    if (goesOn) this.instunroll = 0;
    if (op === 'JFORL') this.forLoopStep(pc, a);
    if (op === 'JITERL') this.iterLoopStep(a);
    if (decision.kind === 'continue') return { kind: 'continue' };
    // The trace ends where the loop goes on (J->pc after rec_for/rec_iterl/rec_loop): for an
    // extra loop that is also where an exit from its next iteration resumes.
    this.snapshot(nextPc);
    return this.finish(decision.link.kind, decision.link.target);
  }

  /** Back at the start of a root loop: close it (the LOOP pass adds PHIs). */
  protected closeLoop(op: OpName, a: number): RecordOutcome {
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

  /** An inlined call (for an ITERC whose iterator is a Lua function). */
  protected abstract call(pc: number, a: number, nargs: number, nres: number): RecordOutcome | undefined;
}

/**
 * The guard that a for loop goes on (LE up, GE down) or leaves: signed GT/LT for an int index,
 * unordered UGT/ULT for a num one (where LuaJIT has GT/LT), so a NaN index leaves the loop.
 */
function forGuardOp(t: 'int' | 'num', up: boolean, goesOn: boolean): ComparisonOp {
  if (goesOn) return up ? 'LE' : 'GE';
  if (t === 'int') return up ? 'GT' : 'LT';
  return up ? 'UGT' : 'ULT';
}
