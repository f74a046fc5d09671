// Code for the IR's arithmetic, comparisons and conversions (the rows of op-tables.ts): int
// and num ADD SUB MUL DIV MOD POW NEG ABS MIN MAX and the OV forms, 64-bit integer arithmetic,
// FPMATH (inline SSE4.1 rounding and sqrtsd, or a helper), the comparison guards (ucomisd with
// unordered handling for numbers) and CONV, with the operand forms of a value (a register, or
// a constant of the trace's pool reached RIP-relative). The trace's code generator (codegen.ts)
// lends its emitter, operands, destinations and exits.
import { DISPATCH_OFFSETS } from '@tracesim/machine';
import { decodeConv, FPMATH_NAMES, type ArithOp, type ComparisonOp, type FpmathName, type IRIns, type IRTypeName, type Ref } from '@tracesim/ir';
import type { Operand } from '@tracesim/x86';
import type { Src } from './codegen';
import { constBits, type ConstPool } from './const-pool';
import { gpr, imm, mem, rel, ripRef, xmm, type RipRef } from './emitter';
import { AsmError } from './errors';
import type { AccessContext } from './object-access';
import { ABS_MASK, COND, INT_ARITH, INT_COMPARE, INT_MINMAX, negate, NUM_ARITH, NUM_COMPARE, SIGN_MASK } from './op-tables';
import { SCRATCH } from './regalloc';
import { checkedRepr } from './value-repr';

const TMP = SCRATCH.gpr;
const FTMP = SCRATCH.fpr;
const R14_DISPATCH = 14;

/** The 64-bit integer types, held raw in a GPR and computed with the 64-bit int forms. */
function isInt64(type: IRTypeName): boolean {
  return type === 'i64' || type === 'u64';
}
/** roundsd immediate: round toward -inf (1), precision exception suppressed (8). */
const ROUND_FLOOR = 9;
/** FPMATH done inline (SSE4.1 roundsd, as LuaJIT emits it on CPUs that have it, and sqrtsd). */
const FPMATH_INLINE: Partial<Record<FpmathName, (dest: Operand, src: Operand | RipRef) => [string, (Operand | RipRef)[]]>> = {
  floor: (d, s) => ['roundsd', [d, s, imm(ROUND_FLOOR, 8)]],
  ceil: (d, s) => ['roundsd', [d, s, imm(10, 8)]],
  trunc: (d, s) => ['roundsd', [d, s, imm(11, 8)]],
  sqrt: (d, s) => ['sqrtsd', [d, s]],
};

/** What the arithmetic borrows from the trace's code generator: its access context and constant pool. */
export interface ArithContext extends AccessContext {
  readonly pool: ConstPool;
}

export class ArithCodegen {
  constructor(private readonly c: ArithContext) {}

  constSrc(ref: Ref, width: 32 | 64 | 128): RipRef {
    return ripRef(this.c.pool.address(constBits(this.c.trace, ref, this.c.where())), width);
  }

  private int(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 32) : this.constSrc(s.ref, 32);
  }

  /** An int operand for instructions that take an immediate (mov, add, sub, cmp). */
  private intOrImm(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 32) : imm(BigInt.asIntN(32, constBits(this.c.trace, s.ref, this.c.where())), 32);
  }

  private quad(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 64) : this.constSrc(s.ref, 64);
  }

  private num(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? xmm(s.reg) : this.constSrc(s.ref, 64);
  }

  /** cvttsd2si with an exactness check (exit unless the number is an int32; -0 passes), then into dest. */
  checkedToInt(source: Operand | RipRef, dest: number | undefined, i: number): void {
    this.c.e.emit('cvttsd2si', [gpr(TMP, 32), source]);
    this.c.e.emit('cvtsi2sd', [xmm(FTMP), gpr(TMP, 32)]);
    this.c.e.emit('ucomisd', [xmm(FTMP), source]);
    this.c.exit(COND.p, i);
    this.c.exit(COND.ne, i);
    if (dest !== undefined) this.c.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
  }

  arith(ins: IRIns, i: number, op: ArithOp): void {
    const repr = checkedRepr(ins.type, this.c.where(i));
    const [a, b] = this.c.sources(ins, i);
    const dest = this.c.dest(i);
    if (repr === 'num' && op === 'MOD') {
      if (dest !== undefined) this.numMod(dest, a, b);
      return;
    }
    if (repr === 'num') {
      const mnemonic = NUM_ARITH[op];
      if (!mnemonic) throw new AsmError(this.c.where(i), `num ${op} is not supported by the backend`);
      if (dest !== undefined) this.twoAddress(dest, a, b, 'num', (d, src) => this.c.e.emit(mnemonic, [d, src]));
      return;
    }
    if (isInt64(ins.type) && INT_ARITH[op]?.overflowGuard === false) {
      // i64/u64 ADD, SUB and MUL wrap alike: the 64-bit forms of the int ops.
      if (dest !== undefined) this.twoAddress(dest, a, b, 'raw64', (d, src) => this.c.e.emit(INT_ARITH[op]!.mnemonic, [d, src]));
      return;
    }
    if (repr !== 'int') throw new AsmError(this.c.where(i), `${ins.type} ${op} is not supported by the backend`);
    const minmax = INT_MINMAX[op];
    if (minmax !== undefined) {
      if (dest === undefined) return;
      this.c.e.emit('mov', [gpr(TMP, 32), this.intOrImm(a)]);
      this.c.e.emit('cmp', [gpr(TMP, 32), this.intOrImm(b)]);
      this.c.e.emit('cmov', [gpr(TMP, 32), this.int(b)], { cond: minmax });
      this.c.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
      return;
    }
    const row = INT_ARITH[op];
    if (!row) throw new AsmError(this.c.where(i), `int ${op} is not supported by the backend`);
    if (row.overflowGuard) {
      this.c.e.emit('mov', [gpr(TMP, 32), this.intOrImm(a)]);
      this.c.e.emit(row.mnemonic, [gpr(TMP, 32), row.mnemonic === 'imul' ? this.int(b) : this.intOrImm(b)]);
      this.c.exit(COND.o, i);
      if (dest !== undefined) this.c.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
    } else if (dest !== undefined) {
      this.twoAddress(dest, a, b, 'int', (d, src) => this.c.e.emit(row.mnemonic, [d, src]), row.mnemonic !== 'imul');
    }
  }

  /** Lua's number modulo as lj_vm_foldarith computes it: a - floor(a/b) * b (roundsd mode 9 = floor, inexact suppressed). */
  private numMod(dest: number, a: Src, b: Src): void {
    this.c.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(FTMP), this.num(a)]);
    this.c.e.emit('divsd', [xmm(FTMP), this.num(b)]);
    this.c.e.emit('roundsd', [xmm(FTMP), xmm(FTMP), imm(ROUND_FLOOR, 8)]);
    this.c.e.emit('mulsd', [xmm(FTMP), this.num(b)]);
    if (dest === FTMP) {
      // The result itself lives in the scratch register: park floor(a/b)*b in the move cell.
      const cell = mem(R14_DISPATCH, DISPATCH_OFFSETS.moveTemp, 64);
      this.c.e.emit('movsd', [cell, xmm(FTMP)]);
      this.c.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(FTMP), this.num(a)]);
      this.c.e.emit('subsd', [xmm(FTMP), cell]);
      return;
    }
    if (!(a.kind === 'reg' && a.reg === dest)) this.c.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(dest), this.num(a)]);
    this.c.e.emit('subsd', [xmm(dest), xmm(FTMP)]);
  }

  /** dest = a OP b for a two-address x86 op, keeping b intact when dest already holds it. */
  private twoAddress(dest: number, a: Src, b: Src, repr: 'int' | 'num' | 'raw64', op: (d: Operand, src: Operand | RipRef) => void, immOk = false): void {
    const width = repr === 'raw64' ? 64 : 32;
    const reg = (n: number): Operand => (repr === 'num' ? xmm(n) : gpr(n, width));
    const load = (d: number, s: Src): void => {
      if (s.kind === 'reg' && s.reg === d) return;
      if (repr === 'num') this.c.e.emit(s.kind === 'reg' ? 'movaps' : 'movsd', [xmm(d), this.num(s)]);
      else this.c.e.emit('mov', [gpr(d, width), repr === 'raw64' ? this.quad(s) : this.intOrImm(s)]);
    };
    const src = (s: Src): Operand | RipRef => (repr === 'num' ? this.num(s) : repr === 'raw64' ? this.quad(s) : immOk ? this.intOrImm(s) : this.int(s));
    if (a.kind === 'reg' && a.reg === dest) {
      op(reg(dest), src(b));
    } else if (!(b.kind === 'reg' && b.reg === dest)) {
      load(dest, a);
      op(reg(dest), src(b));
    } else {
      const tmp = repr === 'num' ? FTMP : TMP;
      load(tmp, a);
      op(reg(tmp), src(b));
      if (repr === 'num') this.c.e.emit('movaps', [xmm(dest), xmm(tmp)]);
      else this.c.e.emit('mov', [gpr(dest, width), gpr(tmp, width)]);
    }
  }

  unary(ins: IRIns, i: number): void {
    const repr = checkedRepr(ins.type, this.c.where(i));
    const [a] = this.c.sources(ins, i);
    const dest = this.c.dest(i);
    if (dest === undefined) return;
    if (repr === 'num') {
      if (!(a.kind === 'reg' && a.reg === dest)) this.c.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(dest), this.num(a)]);
      const mask = this.c.pool.address(ins.op === 'NEG' ? SIGN_MASK : ABS_MASK);
      this.c.e.emit(ins.op === 'NEG' ? 'xorpd' : 'andpd', [xmm(dest), ripRef(mask, 128)]);
    } else if (repr === 'int') {
      if (ins.op === 'NEG') {
        if (!(a.kind === 'reg' && a.reg === dest)) this.c.e.emit('mov', [gpr(dest, 32), this.intOrImm(a)]);
        this.c.e.emit('neg', [gpr(dest, 32)]);
      } else {
        this.c.e.emit('mov', [gpr(TMP, 32), this.int(a)]);
        this.c.e.emit('neg', [gpr(TMP, 32)]);
        this.c.e.emit('cmov', [gpr(TMP, 32), this.int(a)], { cond: COND.s });
        this.c.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
      }
    } else {
      throw new AsmError(this.c.where(i), `${ins.type} ${ins.op} is not supported by the backend`);
    }
  }

  fpmath(ins: IRIns, i: number): void {
    const name = FPMATH_NAMES[ins.op2];
    const inline = ins.type === 'num' ? FPMATH_INLINE[name] : undefined;
    if (!inline) throw new AsmError(this.c.where(i), `FPMATH ${name ?? ins.op2} is not supported by the backend`);
    const [a] = this.c.sources(ins, i);
    const dest = this.c.dest(i);
    if (dest === undefined) return;
    const [mnemonic, operands] = inline(xmm(dest), this.num(a));
    this.c.e.emit(mnemonic, operands);
  }

  compare(ins: IRIns, i: number, op: ComparisonOp): void {
    const repr = checkedRepr(ins.type, this.c.where(i));
    const [a, b] = this.c.sources(ins, i);
    if (repr === 'num') return this.compareNum(op, a, b, i);
    if (repr !== 'int' && !isInt64(ins.type) && op !== 'EQ' && op !== 'NE') throw new AsmError(this.c.where(i), `${ins.type} ${op} is not supported by the backend`);
    const wide = repr !== 'int';
    const left = a.kind === 'reg' ? gpr(a.reg, wide ? 64 : 32) : gpr(TMP, wide ? 64 : 32);
    if (a.kind === 'const') this.c.e.emit('mov', [left, wide ? this.quad(a) : this.intOrImm(a)]);
    this.c.e.emit('cmp', [left, wide ? this.quad(b) : this.intOrImm(b)]);
    this.c.exit(negate(INT_COMPARE[op]), i);
  }

  private compareNum(op: ComparisonOp, a: Src, b: Src, i: number): void {
    const ucomisd = (x: Src, y: Src): void => {
      if (x.kind === 'const') this.c.e.emit('movsd', [xmm(FTMP), this.num(x)]);
      this.c.e.emit('ucomisd', [xmm(x.kind === 'reg' ? x.reg : FTMP), this.num(y)]);
    };
    if (op === 'EQ') {
      ucomisd(a, b);
      this.c.exit(COND.p, i);
      this.c.exit(COND.ne, i);
    } else if (op === 'NE') {
      ucomisd(a, b);
      // jp over the je: unordered operands are not equal, so NE holds.
      const skip = this.c.e.here + 2 + 6;
      this.c.e.emit('j', [rel(skip, 8)], { cond: COND.p });
      this.c.exit(COND.e, i);
    } else {
      const row = NUM_COMPARE[op];
      if (row.swap) ucomisd(b, a);
      else ucomisd(a, b);
      this.c.exit(negate(row.holds), i);
    }
  }

  conv(ins: IRIns, i: number): void {
    const c = decodeConv(ins.op2);
    const [a] = this.c.sources(ins, i);
    const dest = this.c.dest(i);
    if (c.dst === 'num' && c.src === 'int') {
      if (dest !== undefined) this.c.e.emit('cvtsi2sd', [xmm(dest), this.int(a)]);
    } else if (c.dst === 'int' && c.src === 'num') {
      if (c.check === 'check' || c.check === 'index') this.checkedToInt(this.num(a) as Operand, dest, i);
      else if (dest !== undefined) this.c.e.emit('cvttsd2si', [gpr(dest, 32), this.num(a)]);
    } else if (isInt64(c.dst) && c.src === 'int') {
      // Sign-extended (LuaJIT's i64.int sext); a constant was folded by the recorder.
      if (dest !== undefined) this.c.e.emit('movsxd', [gpr(dest, 64), this.int(a)]);
    } else if (c.dst === 'i64' && c.src === 'num') {
      // cvttsd2si's integer indefinite (-2^63) for NaN and out-of-range values, as lj_num2i64.
      if (dest !== undefined) this.c.e.emit('cvttsd2si', [gpr(dest, 64), this.num(a)]);
    } else {
      throw new AsmError(this.c.where(i), `CONV ${c.dst}.${c.src} is not supported by the backend`);
    }
  }
}
