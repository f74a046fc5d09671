// The trace recorder: called before each bytecode the interpreter executes while a trace is
// being recorded, it turns the instruction into IR specialised to the values it sees (as
// lj_record.c does): slots are loaded once with a type guard (or inherited from the parent's
// exit), number arithmetic becomes IR arithmetic, a comparison becomes a guard for the
// direction actually taken, Lua calls are inlined with their frames, returns below the start
// frame get RETF guards, and LuaJIT's link rules (manager/link-rules.ts) decide where the trace
// stops. Anything outside the subset aborts with LuaJIT's NYI reason.

import {
  IRFL_NAMES, REF_FALSE, REF_FIRST, REF_NIL, REF_TRUE, isConstRef,
  type ArithOp, type ComparisonOp, type IRTypeName, type LinkKind, type Ref,
} from '@tracesim/ir';
import { BC, FRAME_PCALL, FRAME_PCALLH, LuaCdata, LuaFunction, LuaString, LuaTable, OP_NAMES, insA, insB, insC, insD, type InstructionEvent, type LuaValue, type OpName, type TemplateTable } from '@tracesim/lua';
import { builtinLink, compiledLoopLink, functionEntryLink, returnLink, tailCallLink } from './manager';
import { CdataRecorder, type CdataOperand } from './recorder-ffi';
import { Abort, luaType, nyi, type RecordOutcome } from './recorder-base';
import { recordConcat } from './record-concat';
import { templateHandle } from './template-handles';
import { FF_CALL_ARGS, HELPER_RECORDED, MATH_RECORDED, RAW_ACCESS, RECORDED_WITH, SIDE_RECORDED, TWO_RESULTS } from './ffrecord';

export type { RecordOutcome, RecordStart } from './recorder-base';

const ARITH_VN: Partial<Record<OpName, ArithOp>> = { ADDVN: 'ADD', SUBVN: 'SUB', MULVN: 'MUL', DIVVN: 'DIV', MODVN: 'MOD' };
const ARITH_NV: Partial<Record<OpName, ArithOp>> = { ADDNV: 'ADD', SUBNV: 'SUB', MULNV: 'MUL', DIVNV: 'DIV', MODNV: 'MOD' };
const ARITH_VV: Partial<Record<OpName, ArithOp>> = { ADDVV: 'ADD', SUBVV: 'SUB', MULVV: 'MUL', DIVVV: 'DIV', MODVV: 'MOD' };
/**
 * ISLT etc.: the IR comparison that holds when the interpreter takes the jump. ISGE and ISGT
 * mean "not <" and "not <=", so they are unordered (LuaJIT: ISGE/ISGT are unordered).
 */
const COMPARE: Partial<Record<OpName, Exclude<ComparisonOp, 'ABC'>>> = { ISLT: 'LT', ISGE: 'UGE', ISLE: 'LE', ISGT: 'UGT' };
/** For numbers, "not (a OP b)" is the unordered opposite (LuaJIT flips IR_LT^5 etc.). */
const NEGATED: Record<Exclude<ComparisonOp, 'ABC'>, ComparisonOp> = {
  LT: 'UGE', GE: 'ULT', LE: 'UGT', GT: 'ULE', ULT: 'GE', UGE: 'LT', ULE: 'GT', UGT: 'LE', EQ: 'NE', NE: 'EQ',
};
/** What type() answers for a value of each IR type. */
const TYPE_NAMES: Partial<Record<IRTypeName, string>> = { num: 'number', int: 'number', str: 'string', tab: 'table', fun: 'function', nil: 'nil', fal: 'boolean', tru: 'boolean', cdt: 'cdata' };

const UV_IMMUTABLE = 0x4000;
/** The IR types whose values are false in a condition. */
const FALSY_TYPES: ReadonlySet<IRTypeName> = new Set(['nil', 'fal']);
export class Recorder extends CdataRecorder {
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
      if (this.isCdataOperation(this.operand(a).value, this.operand(d).value)) {
        this.cdataCompare(cmp, pc, this.operand(a), this.operand(d));
        return { kind: 'continue' };
      }
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
        // A cdata's __unm: 0 - x in its type.
        if (this.isCdataOperation(this.operand(d).value, 0)) this.set(a, this.cdataArith('SUB', { value: 0, ref: this.b.knum(0) }, this.operand(d)));
        else this.set(a, this.b.arith('NEG', 'num', this.getArith(d)));
        return { kind: 'continue' };
      case 'UGET':
        return this.uget(a, d);
      case 'USETV': case 'USETN': case 'USETS': case 'USETP':
        return this.uset(op, a, d);
      case 'KSTR':
        this.set(a, this.raw(this.bitsOf(this.vm.heap.str(this.kstr(d))), 'str'));
        return { kind: 'continue' };
      case 'KCDATA':
        this.set(a, this.raw(this.bitsOf(this.vm.constantsOf(proto).kgc[d] as LuaCdata), 'cdt'));
        return { kind: 'continue' };
      case 'TNEW':
        // D: array slots in the low 11 bits, hash bits above (rec_tnew).
        this.set(a, this.b.append({ op: 'TNEW', type: 'tab', guard: true, phi: false, op1: d & 0x7ff, op2: d >>> 11 }));
        return { kind: 'continue' };
      case 'TDUP': {
        const handle = templateHandle(this.vm, this.vm.constantsOf(proto).kgc[d] as TemplateTable);
        this.set(a, this.b.append({ op: 'TDUP', type: 'tab', guard: true, phi: false, op1: this.raw(this.bitsOf(handle), 'tab'), op2: 0 }));
        return { kind: 'continue' };
      }
      case 'TGETV': case 'TGETS': case 'TGETB':
        return this.tableGet(a, this.get(insB(ins)), this.vm.stack.get(this.cur.rtBase + 8 * insB(ins)), ...this.key(op, insC(ins)));
      case 'GGET':
        return this.tableGet(a, ...this.environment(), ...this.stringKey(d));
      case 'TSETV': case 'TSETS': case 'TSETB':
        return this.tableSet(this.get(insB(ins)), this.vm.stack.get(this.cur.rtBase + 8 * insB(ins)), ...this.key(op, insC(ins)), this.tvalue(a));
      case 'GSET':
        return this.tableSet(...this.environment(), ...this.stringKey(d), this.tvalue(a));
      case 'CAT': {
        const operands: Ref[] = [];
        for (let r = insB(ins); r <= insC(ins); r++) {
          const v = this.vm.stack.get(this.cur.rtBase + 8 * r);
          // A table or other value goes to __concat (rec_mm_arith), which is not recorded yet.
          if (typeof v !== 'number' && !(v instanceof LuaString)) throw nyi('NYIBC', 'CAT of a non-string');
          operands.push(this.get(r));
        }
        this.set(a, recordConcat(this.b, operands));
        this.guardSince = true;
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
        const v = this.vm.stack.get(this.cur.rtBase + 8 * d);
        if (v instanceof LuaTable) this.set(a, this.b.call('tab_len', [this.get(d)]));
        else if (v instanceof LuaString && this.b.typeOf(this.get(d)) === 'str') this.set(a, this.stringLength(this.get(d)));
        else throw nyi('NYIBC', 'LEN of a non-table, non-string');
        return { kind: 'continue' };
      }
      case 'ISEQN': case 'ISNEN': {
        if (this.isCdataOperation(this.operand(a).value, proto.knum[d])) {
          this.cdataCompare(op === 'ISEQN' ? 'EQ' : 'NE', pc, this.operand(a), { value: proto.knum[d], ref: this.b.knum(proto.knum[d]) });
          return { kind: 'continue' };
        }
        const x = this.getNum(a);
        const equal = this.num(a) === proto.knum[d];
        this.branch(equal ? 'EQ' : 'NE', 'num', x, this.b.knum(proto.knum[d]), pc, equal === (op === 'ISEQN'));
        return { kind: 'continue' };
      }
      case 'ISEQV': case 'ISNEV':
        return this.equality(op, pc, a, d);
      case 'IST': case 'ISF': case 'ISTC': case 'ISFC': {
        // Truthiness follows from the slot's guarded type: no guard of its own (rec_comp's IST*).
        const x = this.get(d);
        const truthy = !FALSY_TYPES.has(this.b.typeOf(x));
        if ((op === 'ISTC' && truthy) || (op === 'ISFC' && !truthy)) this.set(a, x);
        return { kind: 'continue' };
      }
      case 'NOT':
        this.set(a, FALSY_TYPES.has(this.b.typeOf(this.get(d))) ? REF_TRUE : REF_FALSE);
        return { kind: 'continue' };
      case 'ISEQP': case 'ISNEP':
        // Equal to nil, false or true exactly when the slot has that type, which its guard fixed.
        this.get(a);
        return { kind: 'continue' };
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

  /**
   * ISEQV/ISNEV (rec_comp's equality): numbers compare by value; values of different types
   * are never equal (decided by their guards); strings, functions and tables by identity,
   * unless two distinct tables may have __eq, which is NYI here.
   */
  private equality(op: OpName, pc: number, a: number, d: number): RecordOutcome {
    const [va, vd] = [this.vm.stack.get(this.cur.rtBase + 8 * a), this.vm.stack.get(this.cur.rtBase + 8 * d)];
    if (typeof va === 'number' && typeof vd === 'number') {
      const equal = va === vd;
      this.branch(equal ? 'EQ' : 'NE', 'num', this.getNum(a), this.getNum(d), pc, equal === (op === 'ISEQV'));
      return { kind: 'continue' };
    }
    if (this.isCdataOperation(va, vd)) {
      // lj_meta_equal_cd: a 64-bit cdata equals a number or another cdata of the same value.
      this.cdataCompare(op === 'ISEQV' ? 'EQ' : 'NE', pc, this.operand(a), this.operand(d));
      return { kind: 'continue' };
    }
    const [x, y] = [this.get(a), this.get(d)];
    const [tx, ty] = [this.b.typeOf(x), this.b.typeOf(y)];
    if (tx !== ty || FALSY_TYPES.has(tx) || tx === 'tru') return { kind: 'continue' };
    if (tx !== 'str' && tx !== 'tab' && tx !== 'fun') throw nyi('NYIBC', `comparison of ${tx} values`);
    const equal = va === vd;
    if (!equal && va instanceof LuaTable && vd instanceof LuaTable) {
      // Distinct tables are unequal only while neither has a metatable (which could hold __eq).
      if (va.metatable || vd.metatable) throw nyi('NYIBC', '__eq of tables');
      this.metatable(x, va);
      this.metatable(y, vd);
    }
    this.branch(equal ? 'EQ' : 'NE', tx, x, y, pc, equal === (op === 'ISEQV'));
    return { kind: 'continue' };
  }

  private arith(op: ArithOp, name: OpName, ins: number): RecordOutcome {
    const a = insA(ins);
    const kb = insB(ins);
    const kc = insC(ins);
    const knum = (): Ref => this.b.knum(this.cur.proto.knum[kc]);
    const k: CdataOperand = { value: this.cur.proto.knum[kc], ref: ARITH_VV[name] ? REF_NIL : knum() };
    const [x, y] = ARITH_VN[name] ? [this.operand(kb), k] : ARITH_NV[name] ? [k, this.operand(kb)] : [this.operand(kb), this.operand(kc)];
    if (this.isCdataOperation(x.value, y.value)) {
      this.set(a, this.cdataArith(op, x, y));
      return { kind: 'continue' };
    }
    const left = ARITH_NV[name] ? knum() : this.getArith(kb);
    const right = ARITH_VN[name] ? knum() : ARITH_NV[name] ? this.getArith(kb) : this.getArith(kc);
    this.set(a, this.b.arith(op, 'num', left, right));
    return { kind: 'continue' };
  }

  /**
   * rec_upvalue's aliasing rule: an open upvalue that points into the trace's own frames is
   * that slot's SSA value (guarded to still point there); any other is reached through memory,
   * guarded not to point into them (LuaJIT's UREFO/UREFC guards). Answers the register the
   * upvalue aliases, or undefined.
   */
  private upvalueAlias(closure: Ref, d: number): number | undefined {
    const uv = this.vm.functionAt(this.cur.rtBase).upvalues[d];
    const where = this.b.call('uv_slot', [closure, this.b.kint(d)]);
    const traceBase = this.cur.rtBase - 8 * this.cur.base;
    const slot = uv.closed ? -1 : 2 + (uv.address - traceBase) / 8;
    if (slot >= 0) {
      this.guard('EQ', 'int', where, this.b.kint(slot));
      return slot - this.slotOf(0);
    }
    this.guard('UGT', 'int', where, this.b.kint(this.slotOf(this.cur.proto.framesize)));
    return undefined;
  }

  /**
   * UGET: an immutable upvalue of a prototype with one closure folds to a constant under a
   * guard on that closure (as LuaJIT constifies it); one aliasing a slot of the trace reads it;
   * any other goes through uv_get and a type-checked XLOAD (LuaJIT's UREF + ULOAD).
   */
  private uget(a: number, d: number): RecordOutcome {
    const closureBits = this.vm.mem.read64(this.cur.rtBase - 16);
    const fn = this.vm.functionAt(this.cur.rtBase);
    const uv = fn.upvalues[d];
    const value = uv.closed ? uv.value : this.vm.stack.get(uv.address);
    const closure = this.get(-2);
    if (this.cur.proto.uv[d] & UV_IMMUTABLE && this.cur.proto.closures <= 1 && (typeof value === 'number' || value instanceof LuaFunction || value instanceof LuaCdata)) {
      if (!isConstRef(closure)) this.guard('EQ', 'fun', closure, this.raw(closureBits, 'fun'));
      this.set(a, typeof value === 'number' ? this.b.knum(value) : this.raw(this.bitsOf(value), luaType(value)));
      return { kind: 'continue' };
    }
    const alias = this.upvalueAlias(closure, d);
    if (alias !== undefined) {
      this.set(a, this.get(alias));
      return { kind: 'continue' };
    }
    const cell = this.b.call('uv_get', [closure, this.b.kint(d)]);
    this.set(a, this.b.emit('XLOAD', luaType(value), cell, 0, true)!);
    this.guardSince = true;
    return { kind: 'continue' };
  }

  /** USETV/USETN/USETS/USETP: into the aliased slot, or through uv_set. */
  private uset(op: OpName, a: number, d: number): RecordOutcome {
    const closure = this.get(-2);
    const value = op === 'USETV' ? this.get(d)
      : op === 'USETN' ? this.b.knum(this.cur.proto.knum[d])
        : op === 'USETS' ? this.raw(this.bitsOf(this.vm.heap.str(this.kstr(d))), 'str')
          : [REF_NIL, REF_FALSE, REF_TRUE][d];
    const alias = this.upvalueAlias(closure, a);
    if (alias !== undefined) {
      this.set(alias, value);
      return { kind: 'continue' };
    }
    const stored = this.b.typeOf(value) === 'int' ? this.b.conv('num', 'int', value) : value;
    this.b.call('uv_set', [closure, this.b.kint(a), stored]);
    this.needsnap = true;
    return { kind: 'continue' };
  }

  protected call(pc: number, a: number, nargs: number, nres: number): RecordOutcome | undefined {
    if (nargs < 0) throw nyi('NYIBC', 'CALLM');
    const { fn } = this.callee(a);
    const result = fn.proto === null ? this.recordedBuiltin(fn, a + 2, nargs, nres) : undefined;
    if (result) {
      this.returnValues(a, nres, result);
      return undefined;
    }
    if (fn.proto === null && (fn.name === 'pcall' || fn.name === 'xpcall') && this.protectedCall(fn.name, pc, a, nargs, nres)) return undefined;
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
   * pcall(f, ...) and xpcall(f, handler, ...) as recff_pcall and recff_xpcall record them: a Lua
   * f is called in a pcall frame laid out as Calls.pcall/xpcall lay it out (f above the pcall's
   * own frame, or above the handler for xpcall, then the frame's link, then the arguments moved
   * up), inlined like any call; its return puts `true` before the results. An error on the trace
   * is a guard that fails, and the interpreter raises it inside the pcall. A builtin f that is
   * recorded runs in place, its results behind `true`; any other stitches.
   */
  private protectedCall(name: 'pcall' | 'xpcall', pc: number, a: number, nargs: number, nres: number): boolean {
    const withHandler = name === 'xpcall';
    if (nargs < (withHandler ? 2 : 1)) return false;
    const f = this.vm.stack.get(this.cur.rtBase + 8 * (a + 2));
    if (!(f instanceof LuaFunction) || (withHandler && !(this.vm.stack.get(this.cur.rtBase + 8 * (a + 3)) instanceof LuaFunction))) return false;
    this.callee(a + 2);
    const fnRef = this.get(a + 2);
    const first = withHandler ? 2 : 1; // f's first argument among the call's
    if (f.proto === null) {
      const results = this.recordedBuiltin(f, a + 2 + first, nargs - first, nres === 0 ? 0 : -1);
      if (results) this.returnValues(a, nres, [REF_TRUE, ...results]);
      return results !== undefined;
    }
    const at = withHandler ? 5 : 4; // the callee's BASE above a
    const args = Array.from({ length: nargs - first }, (_, i) => this.get(a + 2 + first + i));
    if (withHandler) {
      this.set(a + 2, this.get(a + 3));
      this.set(a + 3, fnRef);
    }
    args.forEach((ref, i) => this.set(a + at + i, ref));
    this.set(a + 1, this.raw(BigInt(this.cur.proto.bcAddress + 4 * (pc + 1)), 'p64'));
    this.set(a + at - 1, this.raw(BigInt(8 * (at - 2) | (withHandler ? FRAME_PCALLH : FRAME_PCALL)), 'p64'));
    for (let i = args.length; i < f.proto.numparams; i++) this.set(a + at + i, REF_NIL);
    this.callers.push({ frame: this.cur, callA: a, nres, retPc: pc + 1, protectedAt: at });
    this.cur = { base: this.cur.base + a + at, proto: f.proto, rtBase: this.cur.rtBase + 8 * (a + at) };
    // Start catching on-trace errors (recff_pcall): the next instruction takes a snapshot.
    this.needsnap = true;
    return true;
  }

  /** The results of builtin `fn` called with the `nargs` values from register `arg`, when it is recorded (else it stitches). */
  private recordedBuiltin(fn: LuaFunction, arg: number, nargs: number, nres: number): Ref[] | undefined {
    const ffi = nargs === 1 || nargs === 2 ? this.ffiNew(fn.name, this.operand(arg), nargs === 2 ? this.operand(arg + 1) : undefined) : undefined;
    const popped = fn.name === 'table.remove' && nargs >= 1 ? this.tablePop(arg, nargs, nres !== 0) : undefined;
    return ffi ?? popped ?? (nargs >= 1 ? this.fastFunction(fn.name, arg, nargs) : undefined) ?? this.builtinViaHelper(fn, arg, nargs);
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
      case 'string.len':
        return type === 'str' ? [this.stringLength(ref)] : undefined;
      default:
        return undefined;
    }
  }

  /** A string's length from its GCstr header (FLOAD str.len), as `#s` and recff_string_len record it. */
  private stringLength(str: Ref): Ref {
    const id = IRFL_NAMES.indexOf('str.len');
    return this.b.forwarding.field(str, id) ?? this.b.emit('FLOAD', 'int', str, id)!;
  }

  /**
   * A builtin LuaJIT records (lj_ffrecord.c) that runs here through a helper (ffrecord.ts): a
   * side-effect-free one through ff_call when it answers exactly one value, whose type is
   * guarded; one that changes state through ff_call_side, its result type known beforehand.
   */
  private builtinViaHelper(fn: LuaFunction, arg: number, nargs: number): Ref[] | undefined {
    const side = SIDE_RECORDED[fn.name];
    if ((!side && !HELPER_RECORDED.has(fn.name)) || nargs > FF_CALL_ARGS) return undefined;
    const values = Array.from({ length: nargs }, (_, i) => this.vm.stack.get(this.cur.rtBase + 8 * (arg + i)));
    // Only plain values: a table or userdata may have __tostring, which would run Lua inside a trace.
    const plain = (v: LuaValue) => v === undefined || typeof v === 'number' || typeof v === 'boolean' || v instanceof LuaString || v instanceof LuaCdata;
    if (fn.name !== 'select' && !RAW_ACCESS.has(fn.name) && !values.every(plain)) return undefined;
    if (RECORDED_WITH[fn.name]?.(values) === false) return undefined;
    let resultType: IRTypeName | undefined;
    let secondType: IRTypeName | undefined;
    if (side) {
      resultType = side(values, (text) => this.vm.heap.str(text));
    } else {
      try {
        const results = this.vm.runBuiltin(fn, values);
        if (results.length === 1 || (results.length === 2 && TWO_RESULTS.has(fn.name))) {
          resultType = luaType(results[0]);
          if (results.length === 2) secondType = luaType(results[1]);
        }
      } catch {
        return undefined; // the interpreter raises the error when it runs the call
      }
    }
    if (resultType === undefined) return undefined;
    const args = Array.from({ length: FF_CALL_ARGS }, (_, i) => (i < nargs ? this.tvalue(arg + i) : REF_NIL));
    const cell = this.b.call(side ? 'ff_call_side' : 'ff_call', [this.raw(this.bitsOf(fn), 'fun'), this.b.kint(nargs), ...args]);
    // A builtin that raised leaves a value no guard accepts: the interpreter runs the call again.
    const value = this.b.emit('XLOAD', resultType, cell, 0, true)!;
    this.guardSince = true;
    if (side) this.needsnap = true;
    if (secondType !== undefined) return [value, this.b.emit('XLOAD', secondType, this.b.call('ff_result2', []), 0, true)!];
    return side && resultType === 'nil' ? [] : [value];
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

  private ret(pc: number, a: number, nvals: number): RecordOutcome | undefined {

    const values = Array.from({ length: nvals }, (_, i) => this.get(a + i));
    if (this.callers.length > 0) {
      const caller = this.callers.pop()!;
      // A pcall frame also drops the pcall's own function, link (and xpcall's handler) below.
      for (const slot of [...this.slots.keys()]) if (slot >= this.slotOf(-(caller.protectedAt ?? 2))) this.slots.delete(slot);
      this.cur = caller.frame;
      this.returnValues(caller.callA, caller.nres, caller.protectedAt !== undefined ? [REF_TRUE, ...values] : values);
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
