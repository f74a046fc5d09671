// 64-bit integer cdata in the recorder (lj_crecord.c's crec_arith_int64, crec_comp_int64 and
// the ffi.new/ffi.cast recording of recff_ffi_new): the values are taken unboxed, as i64 or u64
// IR values in GPRs, computed with 64-bit ADD/SUB/MUL and compared with 64-bit guards; a result
// is boxed (cdata_new, LuaJIT's CNEWI) where the bytecode stores it, and a box this trace made
// gives its value back without a load. Division, modulo and powers are NYI here (LuaJIT calls
// lj_carith_* for them); a varying number converts to uint64_t under guards for [0, 2^63).
import { evalInt64Arith, isConstRef, type ArithOp, type ComparisonOp, type IRConst, type Ref } from '@tracesim/ir';
import { INT64, LuaCdata, UINT64, numberToInt64, wrap, type CType, type LuaValue } from '@tracesim/lua';
import { cdataTypeId, ctypeId } from './cdata-helpers';
import { IndexRecorder } from './recorder-index';
import { nyi } from './recorder-base';

/** An operand of a cdata operation: its value now and its IR ref (a slot's, or a constant). */
export interface CdataOperand {
  readonly value: LuaValue;
  readonly ref: Ref;
}


/** The num comparison ops the bytecode's COMPARE table uses, as signed and unsigned 64-bit guards. */
const INT64_COMPARE: Readonly<Record<string, { readonly i64: ComparisonOp; readonly u64: ComparisonOp; readonly holds: (x: bigint, y: bigint) => boolean }>> = {
  LT: { i64: 'LT', u64: 'ULT', holds: (x, y) => x < y },
  UGE: { i64: 'GE', u64: 'UGE', holds: (x, y) => !(x < y) },
  LE: { i64: 'LE', u64: 'ULE', holds: (x, y) => x <= y },
  UGT: { i64: 'GT', u64: 'UGT', holds: (x, y) => !(x <= y) },
  EQ: { i64: 'EQ', u64: 'EQ', holds: (x, y) => x === y },
  NE: { i64: 'NE', u64: 'NE', holds: (x, y) => x !== y },
};
const NEGATED_INT: Readonly<Record<string, ComparisonOp>> = {
  LT: 'GE', GE: 'LT', LE: 'GT', GT: 'LE', ULT: 'UGE', UGE: 'ULT', ULE: 'UGT', UGT: 'ULE', EQ: 'NE', NE: 'EQ',
};

const isIntCdata = (v: LuaValue): v is LuaCdata => v instanceof LuaCdata && !v.isCtype;

export abstract class CdataRecorder extends IndexRecorder {
  /** The unboxed value of each cdata ref this trace has guarded or boxed. */
  private readonly unboxed = new Map<Ref, Ref>();

  /** Register `reg` as an operand: its value now and its IR ref. */
  protected operand(reg: number): CdataOperand {
    return { value: this.vm.stack.get(this.cur.rtBase + 8 * reg), ref: this.get(reg) };
  }

  /** Whether a bytecode operation on these operands is a 64-bit integer cdata operation. */
  protected isCdataOperation(x: LuaValue, y: LuaValue): boolean {
    const operand = (v: LuaValue) => isIntCdata(v) || typeof v === 'number';
    return (isIntCdata(x) || isIntCdata(y)) && operand(x) && operand(y);
  }

  /** crec_arith_int64: `x op y` in the operands' common type, boxed as a new cdata. */
  protected cdataArith(op: ArithOp, x: CdataOperand, y: CdataOperand): Ref {
    if (op !== 'ADD' && op !== 'SUB' && op !== 'MUL') throw nyi('NYIBC', `cdata ${op}`);
    const ctype = commonType(x.value, y.value);
    const [a, b] = [this.int64Of(x, ctype), this.int64Of(y, ctype)];
    const type = irType(ctype);
    const [ka, kb] = [this.constant(a), this.constant(b)];
    const both = ka?.op === 'KINT64' && kb?.op === 'KINT64';
    // Two constants fold as the reference interpreter computes (ir's evalInt64Arith).
    const value = both ? this.b.kint64(evalInt64Arith(op, type, ka.value, kb.value)!, type) : this.b.emit(op, type, a, b)!;
    return this.box(ctype, value);
  }

  /** crec_comp_int64: a guard on the 64-bit comparison, its snapshot at the branch not taken. */
  protected cdataCompare(cmp: string, pc: number, x: CdataOperand, y: CdataOperand): void {
    const ctype = commonType(x.value, y.value);
    const row = INT64_COMPARE[cmp];
    const taken = row.holds(valueIn(ctype, x.value), valueIn(ctype, y.value));
    const op = ctype.unsigned ? row.u64 : row.i64;
    this.branch(taken ? op : NEGATED_INT[op], irType(ctype), this.int64Of(x, ctype), this.int64Of(y, ctype), pc, taken);
  }

  /**
   * ffi.new/ffi.cast of an int64_t or uint64_t ctype with a number or a 64-bit cdata (or no
   * initializer): the ctype object guarded by its type id, the value converted unboxed, then
   * boxed. Undefined for anything else (then the builtin runs through ff_call).
   */
  protected ffiNew(name: string, ctypeArg: CdataOperand, init: CdataOperand | undefined): Ref[] | undefined {
    if ((name !== 'ffi.new' && name !== 'ffi.cast') || !(ctypeArg.value instanceof LuaCdata) || !ctypeArg.value.isCtype) return undefined;
    if (init !== undefined && !isIntCdata(init.value) && typeof init.value !== 'number') return undefined;
    const ctype = ctypeArg.value.ctype;
    if (!isConstRef(ctypeArg.ref)) this.guard('EQ', 'int', this.b.call('cdata_ctypeid', [ctypeArg.ref]), this.b.kint(cdataTypeId(ctypeArg.value)));
    const value = init === undefined ? this.b.kint64(0n, irType(ctype)) : this.int64Of(init, ctype);
    return [this.box(ctype, value)];
  }

  /** An operand as a 64-bit integer of `ctype` (lj_crecord.c's crec_ct_tv). */
  private int64Of(operand: CdataOperand, ctype: CType): Ref {
    const { value, ref } = operand;
    const type = irType(ctype);
    if (typeof value === 'number') {
      const k = this.constant(ref);
      if (k?.op === 'KNUM' || k?.op === 'KINT') return this.b.kint64(numberToInt64(ctype, k.value), type);
      const have = this.b.typeOf(ref);
      // A varying number: int sign-extends; num truncates as cvttsd2si (what LuaJIT's int64_t
      // conversion gives). For uint64_t the trace keeps to the values in [0, 2^63), where both agree.
      if (ctype.unsigned) {
        if (typeof value !== 'number' || !(value >= 0 && value < 2 ** 63)) throw nyi('NYIBC', `conversion of ${value} to ${ctype.name}`);
        this.guard('GE', have === 'int' ? 'int' : 'num', ref, have === 'int' ? this.b.kint(0) : this.b.knum(0));
        if (have === 'num') this.guard('LT', 'num', ref, this.b.knum(2 ** 63));
      }
      if (have === 'int') return this.b.conv(type, 'int', ref, '');
      if (have === 'num') return this.b.conv('i64', 'num', ref, '');
      throw nyi('NYIBC', `conversion of a ${have} to ${ctype.name}`);
    }
    const known = this.unboxed.get(ref);
    if (known !== undefined) return known;
    // A cdata constant (KCDATA, or a folded upvalue): its value is known.
    if (isConstRef(ref)) return this.b.kint64(wrap(ctype, (value as LuaCdata).value), type);
    this.guard('EQ', 'int', this.b.call('cdata_ctypeid', [ref]), this.b.kint(cdataTypeId(value as LuaCdata)));
    const unboxed = this.b.call('cdata_i64', [ref]);
    this.unboxed.set(ref, unboxed);
    return unboxed;
  }

  private constant(ref: Ref): IRConst | undefined {
    return isConstRef(ref) ? this.b.constantAt(ref) : undefined;
  }

  private box(ctype: CType, value: Ref): Ref {
    const box = this.b.call('cdata_new', [this.b.kint(ctypeId(ctype)), value]);
    this.unboxed.set(box, value);
    return box;
  }
}

/** The type a cdata operation works in: uint64_t if either side is, else int64_t (lj_carith.c). */
function commonType(x: LuaValue, y: LuaValue): CType {
  return (isIntCdata(x) && x.ctype.unsigned) || (isIntCdata(y) && y.ctype.unsigned) ? UINT64 : INT64;
}

function irType(ctype: CType): 'i64' | 'u64' {
  return ctype.unsigned ? 'u64' : 'i64';
}

/** An operand's value in the common type, as the cdata metamethods compare it. */
function valueIn(ctype: CType, v: LuaValue): bigint {
  return typeof v === 'number' ? numberToInt64(ctype, v) : wrap(ctype, (v as LuaCdata).value);
}
