// Code generation for one trace: the head (rsp drop and vmstate store; a side trace first copies
// the values it inherits from its parent's exit into the transfer area), then each IR
// instruction in order with its spill store and reloads, then either the loop back-edge
// (a parallel move of PHI values to their label homes and `jmp ->LOOP`) or the tail (snapshot
// sync into the Lua stack, BASE adjust, `add rsp, spadjust`, jmp to the link target).

import { DISPATCH_OFFSETS, trapAddress, wordsToNumber, type TValueWords } from '@tracesim/machine';
import type { Operand } from '@tracesim/x86';
import {
  ARITH_OPS, COMPARISON_OPS, FPMATH_NAMES, SLOAD, SNAP_FLAGS, constIndex, helperCall, decodeConv, insIndex, insRef, refType,
  isConstRef, itypeOfType, opInfo, snapshotInForce, traceLocation, truncateToInt, wordsToBits,
  type ArithOp, type ComparisonOp, type IRTypeName, type FpmathName, type IRIns, type Ref, type ReturnSite, type Trace,
} from '@tracesim/ir';
import type { AssembledTrace, ExitSlot, ValueHome } from './assembled';
import { constBits, constWords, type ConstPool } from './const-pool';
import { Emitter, gpr, imm, mem, rel, ripRef, xmm, type RipRef } from './emitter';
import { AsmError } from './errors';
import { branchesAfterVmstate, type ExitBranch } from './exit-patch';
import { sideTraceFrame } from './frame';
import { traceHead, traceTail } from './heads-tails';
import { emitHashLookup } from './hash-lookup';
import { helperTrap, SYSV_GPR_ARGS } from './helper-traps';
import { ABS_MASK, COND, INT_ARITH, INT_COMPARE, INT_MINMAX, negate, NUM_ARITH, NUM_COMPARE, SIGN_MASK } from './op-tables';
import { sequentializeMoves, type ConstSource, type Loc, type Move } from './parallel-move';
import { SCRATCH, type Allocation, type Home } from './regalloc';
import { allocateTrace, loopIndex, registerColumns } from './trace-alloc';
import { valueRepr, checkedRepr, type ValueRepr } from './value-repr';
import { formatMcodeLine } from './jdump-syntax';
import { ObjectAccessCodegen } from './object-access';

const RSP = 4;
const RDX_BASE = 2;
const R14_DISPATCH = 14;
const TMP = SCRATCH.gpr;
const FTMP = SCRATCH.fpr;
const SLOT_BYTES = 8;
/** Lua slot s of the current frame is at BASE + 8*(s - 2) (GC64: function and frame link below BASE). */
const slotDisp = (slot: number): number => SLOT_BYTES * (slot - 2);
const NUMBER_HI_LIMIT_SIGNED = 0xfff90000 - 0x1_0000_0000;
const TRANSFER = DISPATCH_OFFSETS.parentTransfer;
/** roundsd immediate: round toward -inf (1), precision exception suppressed (8). */
const ROUND_FLOOR = 9;
/** FPMATH done inline (SSE4.1 roundsd, as LuaJIT emits it on CPUs that have it, and sqrtsd). */
const FPMATH_INLINE: Partial<Record<FpmathName, (dest: Operand, src: Operand | RipRef) => [string, (Operand | RipRef)[]]>> = {
  floor: (d, s) => ['roundsd', [d, s, imm(ROUND_FLOOR, 8)]],
  ceil: (d, s) => ['roundsd', [d, s, imm(10, 8)]],
  trunc: (d, s) => ['roundsd', [d, s, imm(11, 8)]],
  sqrt: (d, s) => ['sqrtsd', [d, s]],
};

export interface TraceCodegenInput {
  readonly trace: Trace;
  readonly pool: ConstPool;
  /** Address of the trace's first instruction. */
  readonly address: number;
  readonly regs?: number;
  readonly stubAddress: (exit: number) => number;
  /** Head address of a link target trace. */
  readonly linkAddress: (trace: number) => number;
  readonly parent?: AssembledTrace;
  readonly returnSites: readonly ReturnSite[];
  /** Where the Lua stack check jumps when BASE is too high: code that leaves through exit 0. */
  readonly stackOverflowExit: number;
}

/** A value operand at an instruction: in a register, or a constant (read from the pool). */
export type Src = { readonly kind: 'reg'; readonly reg: number } | { readonly kind: 'const'; readonly ref: Ref };

export function generateTrace(input: TraceCodegenInput): AssembledTrace {
  return new TraceCodegen(input).run();
}

class TraceCodegen {
  private readonly trace: Trace;
  private readonly alloc: Allocation;
  private readonly e: Emitter;
  private readonly spadjust: number;
  private readonly spdelta: number;
  private readonly transferCell = new Map<number, { cell: number; type: ExitSlot['type'] } | { words: TValueWords }>();
  private loopAddress?: number;
  private readonly objects: ObjectAccessCodegen;

  constructor(private readonly input: TraceCodegenInput) {
    this.trace = input.trace;
    this.alloc = allocateTrace(this.trace, input.regs);
    this.e = new Emitter(input.address);
    this.objects = new ObjectAccessCodegen({
      e: this.e,
      trace: this.trace,
      where: (i) => this.where(i),
      sources: (ins, i) => this.sources(ins, i),
      dest: (i) => this.alloc.ins[i].dest,
      exit: (cond, i) => this.exit(cond, i),
    });
    if (this.trace.start.kind === 'side') {
      const frame = sideTraceFrame(this.alloc.spadjust, input.parent!.spadjust);
      this.spadjust = frame.spadjust;
      this.spdelta = frame.spdelta;
    } else {
      this.spadjust = this.alloc.spadjust;
      this.spdelta = this.alloc.spadjust;
    }
  }

  private where(i?: number): string {
    return i === undefined || i >= this.trace.ins.length ? traceLocation(this.trace.number) : traceLocation(this.trace.number, insRef(i));
  }

  run(): AssembledTrace {
    const t = this.trace;
    this.e.append(traceHead(t.number, this.spdelta, this.e.here));
    this.stackCheck();
    if (t.start.kind === 'side') this.inheritFromParent();
    const snapOffsets: number[] = [];
    const reachSnapshot = (n: number): void => {
      while (snapOffsets.length <= n) snapOffsets.push(this.e.here - this.input.address);
    };
    const lineRefs: (number | null)[] = [];
    const attribute = (ref: number | null): void => {
      while (lineRefs.length < this.e.lines.length) lineRefs.push(ref);
    };
    attribute(null);
    t.ins.forEach((ins, i) => {
      const inForce = snapshotInForce(t, insRef(i));
      if (inForce !== undefined) reachSnapshot(inForce);
      this.instruction(ins, i);
      const a = this.alloc.ins[i];
      if (a.spillStore !== undefined && a.dest !== undefined) this.move(spillLoc(a.spillStore), { kind: 'reg', reg: a.dest }, valueRepr(ins.type));
      for (const r of a.reloadsAfter) this.move({ kind: 'reg', reg: r.reg }, spillLoc(r.slot), valueRepr(t.ins[r.value].type));
      attribute(insRef(i));
    });
    reachSnapshot(t.snapshots.length - 1);
    if (loopIndex(t) >= 0) this.backEdge();
    else this.tail();
    attribute(null);
    const lines = this.e.lines;
    const alloc = this.alloc;
    const spadjust = this.spadjust;
    const exitMaps = t.snapshots.map((_, n) => this.exitMap(n));
    let withRegs: Trace | undefined;
    let exitBranches: readonly ExitBranch[] | undefined;
    let listing: readonly string[] | undefined;
    let listingRefs: readonly (number | null)[] | undefined;
    return {
      // The trace with its `r` column, the exit branches and the listing are made when first
      // asked for (-jdump, exit patching, replay, the report): most traces never need them all.
      get trace() {
        return (withRegs ??= withRegisterColumn(t, alloc, spadjust));
      },
      address: this.input.address,
      bytes: this.e.bytes(),
      spadjust,
      spdelta: this.spdelta,
      ...(this.loopAddress === undefined ? {} : { loopAddress: this.loopAddress }),
      exitMaps,
      snapOffsets,
      get exitBranches() {
        return (exitBranches ??= branchesAfterVmstate(lines.map((l) => l.instr), t.number));
      },
      get listing() {
        return (listing ??= lines.flatMap((l) => [...(l.label ? [`${l.label}:`] : []), formatMcodeLine(l.instr, l.note)]));
      },
      get listingRefs() {
        return (listingRefs ??= lines.flatMap((l, n) => (l.label ? [null, lineRefs[n]] : [lineRefs[n]])));
      },
    };
  }

  /**
   * A trace whose snapshots move BASE up (inlined calls, up-recursion) checks first that the
   * frames it may build stay below the running thread's stack limit (its cell on the global
   * page, as asm_stack_check loads L->maxstack), and else leaves through exit 0, so the
   * interpreter reaches its own "stack overflow".
   */
  private stackCheck(): void {
    const snaps = this.trace.snapshots;
    if (!snaps.some((s) => s.baseAdjust > 0)) return;
    const need = Math.max(...snaps.map((s) => s.baseAdjust + s.nslots));
    this.e.emit('lea', [gpr(TMP), mem(RDX_BASE, SLOT_BYTES * need, 64)]);
    this.e.emit('cmp', [gpr(TMP), mem(R14_DISPATCH, DISPATCH_OFFSETS.stackLimit, 64)]);
    this.e.emit('j', [rel(this.input.stackOverflowExit, 32)], { cond: COND.a, long: true, note: 0 });
  }

  // ---- values and operands

  private constSrc(ref: Ref, width: 32 | 64 | 128): RipRef {
    return ripRef(this.input.pool.address(constBits(this.trace, ref, this.where())), width);
  }

  private sources(ins: IRIns, i: number): Src[] {
    const info = opInfo(ins.op);
    const regs = [...this.alloc.ins[i].operands];
    const refs = [info.op1 === 'ref' ? ins.op1 : 0, info.op2 === 'ref' ? ins.op2 : 0].filter((r) => r !== 0);
    return refs.map((ref): Src => {
      if (isConstRef(ref)) return { kind: 'const', ref };
      if (ref < insRef(0)) throw new AsmError(this.where(i), 'the BASE pointer (ref 0000) as an operand is not supported by the backend');
      return { kind: 'reg', reg: regs.shift()! };
    });
  }

  private int(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 32) : this.constSrc(s.ref, 32);
  }

  /** An int operand for instructions that take an immediate (mov, add, sub, cmp). */
  private intOrImm(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 32) : imm(BigInt.asIntN(32, constBits(this.trace, s.ref, this.where())), 32);
  }

  private quad(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? gpr(s.reg, 64) : this.constSrc(s.ref, 64);
  }

  private num(s: Src): Operand | RipRef {
    return s.kind === 'reg' ? xmm(s.reg) : this.constSrc(s.ref, 64);
  }

  private exit(cond: number, i: number): void {
    const n = snapshotInForce(this.trace, insRef(i));
    if (n === undefined) throw new AsmError(this.where(i), 'guard has no snapshot in force: add a SNAP before it');
    this.e.emit('j', [rel(this.input.stubAddress(n), 32)], { cond, long: true, note: n });
  }

  // ---- instructions

  private instruction(ins: IRIns, i: number): void {
    const op = ins.op;
    if (op === 'SLOAD') return this.sload(ins, i);
    if (op === 'XLOAD' || op === 'ALOAD' || op === 'HLOAD') return this.xload(ins, i);
    if (op === 'FLOAD') return this.objects.fload(ins, i);
    if ((COMPARISON_OPS as readonly string[]).includes(op)) return this.compare(ins, i, op as ComparisonOp);
    if ((ARITH_OPS as readonly string[]).includes(op)) return this.arith(ins, i, op as ArithOp);
    switch (op) {
      case 'NOP': case 'USE': case 'CARG': case 'PHI':
        return;
      case 'LOOP':
        this.e.label('->LOOP');
        this.loopAddress = this.e.here;
        return;
      case 'NEG': case 'ABS':
        return this.unary(ins, i);
      case 'FPMATH':
        return this.fpmath(ins, i);
      case 'CONV':
        return this.conv(ins, i);
      case 'AREF':
        return this.objects.aref(ins, i);
      case 'HREFK':
        return this.objects.hrefk(ins, i);
      case 'ASTORE': case 'HSTORE':
        return this.objects.store(ins, i);
      case 'RETF':
        return this.retf(ins, i);
      case 'CALLN': case 'CALLS': case 'CALLL': case 'BUFHDR': case 'BUFPUT': case 'BUFSTR': case 'TOSTR': case 'TDUP':
      case 'TNEW': case 'NEWREF': case 'HREF':
        return this.call(ins, i);
      case 'TBAR':
        // The collector stops the world (lua's gc.ts): no table is black while a trace runs.
        return;
      default:
        throw new AsmError(this.where(i), `${op} is not supported by the backend yet`);
    }
  }

  private sload(ins: IRIns, i: number): void {
    const dest = this.alloc.ins[i].dest;
    const repr = checkedRepr(ins.type, this.where(i));
    const slot = ins.op1;
    const mode = ins.op2;
    const inherited = mode & SLOAD.P ? this.transferCell.get(slot) : undefined;
    if (inherited) {
      if (dest !== undefined) this.loadInherited(dest, repr, inherited, i);
      return;
    }
    const at = (width: 32 | 64, extra = 0): Operand => mem(RDX_BASE, slotDisp(slot) + extra, width);
    this.loadTValue(ins, i, repr, at, (mode & SLOAD.T) !== 0, ins.guard && (mode & SLOAD.C) !== 0);
  }

  /** XLOAD from the address in op1 (a helper's result cell), ALOAD from an AREF, HLOAD from an HREFK: a TValue load with a type check. */
  private xload(ins: IRIns, i: number): void {
    const repr = checkedRepr(ins.type, this.where(i));
    const [address] = this.sources(ins, i);
    if (address.kind !== 'reg') throw new AsmError(this.where(i), `${ins.op} needs an address in a register`);
    this.loadTValue(ins, i, repr, (width, extra = 0) => mem(address.reg, extra, width), ins.guard, false);
  }

  /** Loads the TValue at `at` as `repr`: optional type check (exit when it is not the IR type), optional exact int conversion. */
  private loadTValue(ins: IRIns, i: number, repr: ValueRepr, at: (width: 32 | 64, extra?: number) => Operand, typeCheck: boolean, checkedInt: boolean): void {
    const dest = this.alloc.ins[i].dest;
    if (typeCheck) {
      if (repr === 'num' || repr === 'int') {
        this.e.emit('cmp', [at(32, 4), imm(NUMBER_HI_LIMIT_SIGNED, 32)]);
        this.exit(COND.ae, i);
      } else if (repr === 'tagged') {
        this.e.emit('mov', [gpr(TMP), at(64)]);
        this.e.emit('sar', [gpr(TMP), imm(47, 8)]);
        this.e.emit('cmp', [gpr(TMP, 32), imm(BigInt.asIntN(32, BigInt(itypeOfType(ins.type))), 32)]);
        this.exit(COND.ne, i);
      } else {
        throw new AsmError(this.where(i), `a type check on a ${ins.type} value is not supported`);
      }
    }
    if (repr === 'int' && checkedInt) {
      this.checkedToInt(at(64), dest, i);
    } else if (dest !== undefined) {
      if (repr === 'int') this.e.emit('cvttsd2si', [gpr(dest, 32), at(64)]);
      else if (repr === 'num') this.e.emit('movsd', [xmm(dest), at(64)]);
      else this.e.emit('mov', [gpr(dest), at(64)]);
    }
  }

  /** cvttsd2si with an exactness check (exit unless the number is an int32; -0 passes), then into dest. */
  private checkedToInt(source: Operand | RipRef, dest: number | undefined, i: number): void {
    this.e.emit('cvttsd2si', [gpr(TMP, 32), source]);
    this.e.emit('cvtsi2sd', [xmm(FTMP), gpr(TMP, 32)]);
    this.e.emit('ucomisd', [xmm(FTMP), source]);
    this.exit(COND.p, i);
    this.exit(COND.ne, i);
    if (dest !== undefined) this.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
  }

  private arith(ins: IRIns, i: number, op: ArithOp): void {
    const repr = checkedRepr(ins.type, this.where(i));
    const [a, b] = this.sources(ins, i);
    const dest = this.alloc.ins[i].dest;
    if (repr === 'num' && op === 'MOD') {
      if (dest !== undefined) this.numMod(dest, a, b);
      return;
    }
    if (repr === 'num') {
      const mnemonic = NUM_ARITH[op];
      if (!mnemonic) throw new AsmError(this.where(i), `num ${op} is not supported by the backend`);
      if (dest !== undefined) this.twoAddress(dest, a, b, 'num', (d, src) => this.e.emit(mnemonic, [d, src]));
      return;
    }
    if (isInt64(ins.type) && INT_ARITH[op]?.overflowGuard === false) {
      // i64/u64 ADD, SUB and MUL wrap alike: the 64-bit forms of the int ops.
      if (dest !== undefined) this.twoAddress(dest, a, b, 'raw64', (d, src) => this.e.emit(INT_ARITH[op]!.mnemonic, [d, src]));
      return;
    }
    if (repr !== 'int') throw new AsmError(this.where(i), `${ins.type} ${op} is not supported by the backend`);
    const minmax = INT_MINMAX[op];
    if (minmax !== undefined) {
      if (dest === undefined) return;
      this.e.emit('mov', [gpr(TMP, 32), this.intOrImm(a)]);
      this.e.emit('cmp', [gpr(TMP, 32), this.intOrImm(b)]);
      this.e.emit('cmov', [gpr(TMP, 32), this.int(b)], { cond: minmax });
      this.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
      return;
    }
    const row = INT_ARITH[op];
    if (!row) throw new AsmError(this.where(i), `int ${op} is not supported by the backend`);
    if (row.overflowGuard) {
      this.e.emit('mov', [gpr(TMP, 32), this.intOrImm(a)]);
      this.e.emit(row.mnemonic, [gpr(TMP, 32), row.mnemonic === 'imul' ? this.int(b) : this.intOrImm(b)]);
      this.exit(COND.o, i);
      if (dest !== undefined) this.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
    } else if (dest !== undefined) {
      this.twoAddress(dest, a, b, 'int', (d, src) => this.e.emit(row.mnemonic, [d, src]), row.mnemonic !== 'imul');
    }
  }

  /** Lua's number modulo as lj_vm_foldarith computes it: a - floor(a/b) * b (roundsd mode 9 = floor, inexact suppressed). */
  private numMod(dest: number, a: Src, b: Src): void {
    this.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(FTMP), this.num(a)]);
    this.e.emit('divsd', [xmm(FTMP), this.num(b)]);
    this.e.emit('roundsd', [xmm(FTMP), xmm(FTMP), imm(ROUND_FLOOR, 8)]);
    this.e.emit('mulsd', [xmm(FTMP), this.num(b)]);
    if (dest === FTMP) {
      // The result itself lives in the scratch register: park floor(a/b)*b in the move cell.
      const cell = mem(R14_DISPATCH, DISPATCH_OFFSETS.moveTemp, 64);
      this.e.emit('movsd', [cell, xmm(FTMP)]);
      this.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(FTMP), this.num(a)]);
      this.e.emit('subsd', [xmm(FTMP), cell]);
      return;
    }
    if (!(a.kind === 'reg' && a.reg === dest)) this.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(dest), this.num(a)]);
    this.e.emit('subsd', [xmm(dest), xmm(FTMP)]);
  }

  /** dest = a OP b for a two-address x86 op, keeping b intact when dest already holds it. */
  private twoAddress(dest: number, a: Src, b: Src, repr: 'int' | 'num' | 'raw64', op: (d: Operand, src: Operand | RipRef) => void, immOk = false): void {
    const width = repr === 'raw64' ? 64 : 32;
    const reg = (n: number): Operand => (repr === 'num' ? xmm(n) : gpr(n, width));
    const load = (d: number, s: Src): void => {
      if (s.kind === 'reg' && s.reg === d) return;
      if (repr === 'num') this.e.emit(s.kind === 'reg' ? 'movaps' : 'movsd', [xmm(d), this.num(s)]);
      else this.e.emit('mov', [gpr(d, width), repr === 'raw64' ? this.quad(s) : this.intOrImm(s)]);
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
      if (repr === 'num') this.e.emit('movaps', [xmm(dest), xmm(tmp)]);
      else this.e.emit('mov', [gpr(dest, width), gpr(tmp, width)]);
    }
  }

  private unary(ins: IRIns, i: number): void {
    const repr = checkedRepr(ins.type, this.where(i));
    const [a] = this.sources(ins, i);
    const dest = this.alloc.ins[i].dest;
    if (dest === undefined) return;
    if (repr === 'num') {
      if (!(a.kind === 'reg' && a.reg === dest)) this.e.emit(a.kind === 'reg' ? 'movaps' : 'movsd', [xmm(dest), this.num(a)]);
      const mask = this.input.pool.address(ins.op === 'NEG' ? SIGN_MASK : ABS_MASK);
      this.e.emit(ins.op === 'NEG' ? 'xorpd' : 'andpd', [xmm(dest), ripRef(mask, 128)]);
    } else if (repr === 'int') {
      if (ins.op === 'NEG') {
        if (!(a.kind === 'reg' && a.reg === dest)) this.e.emit('mov', [gpr(dest, 32), this.intOrImm(a)]);
        this.e.emit('neg', [gpr(dest, 32)]);
      } else {
        this.e.emit('mov', [gpr(TMP, 32), this.int(a)]);
        this.e.emit('neg', [gpr(TMP, 32)]);
        this.e.emit('cmov', [gpr(TMP, 32), this.int(a)], { cond: COND.s });
        this.e.emit('mov', [gpr(dest, 32), gpr(TMP, 32)]);
      }
    } else {
      throw new AsmError(this.where(i), `${ins.type} ${ins.op} is not supported by the backend`);
    }
  }

  private fpmath(ins: IRIns, i: number): void {
    const name = FPMATH_NAMES[ins.op2];
    const inline = ins.type === 'num' ? FPMATH_INLINE[name] : undefined;
    if (!inline) throw new AsmError(this.where(i), `FPMATH ${name ?? ins.op2} is not supported by the backend`);
    const [a] = this.sources(ins, i);
    const dest = this.alloc.ins[i].dest;
    if (dest === undefined) return;
    const [mnemonic, operands] = inline(xmm(dest), this.num(a));
    this.e.emit(mnemonic, operands);
  }

  private compare(ins: IRIns, i: number, op: ComparisonOp): void {
    const repr = checkedRepr(ins.type, this.where(i));
    const [a, b] = this.sources(ins, i);
    if (repr === 'num') return this.compareNum(op, a, b, i);
    if (repr !== 'int' && !isInt64(ins.type) && op !== 'EQ' && op !== 'NE') throw new AsmError(this.where(i), `${ins.type} ${op} is not supported by the backend`);
    const wide = repr !== 'int';
    const left = a.kind === 'reg' ? gpr(a.reg, wide ? 64 : 32) : gpr(TMP, wide ? 64 : 32);
    if (a.kind === 'const') this.e.emit('mov', [left, wide ? this.quad(a) : this.intOrImm(a)]);
    this.e.emit('cmp', [left, wide ? this.quad(b) : this.intOrImm(b)]);
    this.exit(negate(INT_COMPARE[op]), i);
  }

  private compareNum(op: ComparisonOp, a: Src, b: Src, i: number): void {
    const ucomisd = (x: Src, y: Src): void => {
      if (x.kind === 'const') this.e.emit('movsd', [xmm(FTMP), this.num(x)]);
      this.e.emit('ucomisd', [xmm(x.kind === 'reg' ? x.reg : FTMP), this.num(y)]);
    };
    if (op === 'EQ') {
      ucomisd(a, b);
      this.exit(COND.p, i);
      this.exit(COND.ne, i);
    } else if (op === 'NE') {
      ucomisd(a, b);
      // jp over the je: unordered operands are not equal, so NE holds.
      const skip = this.e.here + 2 + 6;
      this.e.emit('j', [rel(skip, 8)], { cond: COND.p });
      this.exit(COND.e, i);
    } else {
      const row = NUM_COMPARE[op];
      if (row.swap) ucomisd(b, a);
      else ucomisd(a, b);
      this.exit(negate(row.holds), i);
    }
  }

  private conv(ins: IRIns, i: number): void {
    const c = decodeConv(ins.op2);
    const [a] = this.sources(ins, i);
    const dest = this.alloc.ins[i].dest;
    if (c.dst === 'num' && c.src === 'int') {
      if (dest !== undefined) this.e.emit('cvtsi2sd', [xmm(dest), this.int(a)]);
    } else if (c.dst === 'int' && c.src === 'num') {
      if (c.check === 'check' || c.check === 'index') this.checkedToInt(this.num(a) as Operand, dest, i);
      else if (dest !== undefined) this.e.emit('cvttsd2si', [gpr(dest, 32), this.num(a)]);
    } else if (isInt64(c.dst) && c.src === 'int') {
      // Sign-extended (LuaJIT's i64.int sext); a constant was folded by the recorder.
      if (dest !== undefined) this.e.emit('movsxd', [gpr(dest, 64), this.int(a)]);
    } else if (c.dst === 'i64' && c.src === 'num') {
      // cvttsd2si's integer indefinite (-2^63) for NaN and out-of-range values, as lj_num2i64.
      if (dest !== undefined) this.e.emit('cvttsd2si', [gpr(dest, 64), this.num(a)]);
    } else {
      throw new AsmError(this.where(i), `CONV ${c.dst}.${c.src} is not supported by the backend`);
    }
  }

  private retf(ins: IRIns, i: number): void {
    const k = isConstRef(ins.op2) ? this.trace.consts[constIndex(ins.op2)] : undefined;
    if (k?.op !== 'KPTR') throw new AsmError(this.where(i), 'RETF needs a return-PC pointer constant as op2');
    const site = this.input.returnSites.find((s) => s.pc === k.address);
    if (!site) throw new AsmError(this.where(i), `no return site for [0x${k.address.toString(16)}]: add \`retpc [0x${k.address.toString(16)}] delta N\` to the scenario`);
    this.e.emit('mov', [gpr(TMP), imm(k.address, 64)]);
    this.e.emit('cmp', [mem(RDX_BASE, -SLOT_BYTES, 64), gpr(TMP)]);
    this.exit(COND.ne, i);
    if (site.delta !== 0) this.e.emit('add', [gpr(RDX_BASE), imm(-SLOT_BYTES * site.delta, 32)]);
  }

  private call(ins: IRIns, i: number): void {
    const call = helperCall(this.trace, ins);
    if (!call) throw new AsmError(this.where(i), `helper ${ins.op2} is not a known host helper`);
    const { helper, args, immediate } = call;
    const passed = args.length + (immediate === undefined ? 0 : 1);
    if (passed !== helper.args.length) {
      throw new AsmError(this.where(i), `${helper.name} takes ${helper.args.length} argument(s), the call passes ${passed}`);
    }
    const regs = [...this.alloc.ins[i].operands];
    let nextGpr = 0;
    let nextFpr = 0;
    const moves: Move[] = args.map((ref, k) => {
      const fpr = helper.args[k] === 'num';
      const dst: Loc = { kind: 'reg', reg: fpr ? 16 + nextFpr++ : SYSV_GPR_ARGS[nextGpr++] };
      const src: Loc | ConstSource = isConstRef(ref) ? { kind: 'const', bits: constBits(this.trace, ref, this.where(i)) } : { kind: 'reg', reg: regs.shift()! };
      return { dst, src, width: helper.args[k] === 'int' ? 32 : 64, fpr };
    });
    if (immediate !== undefined) {
      moves.push({ dst: { kind: 'reg', reg: SYSV_GPR_ARGS[nextGpr] }, src: { kind: 'const', bits: BigInt(immediate) }, width: 32, fpr: false });
    }
    this.e.emit('mov', [mem(R14_DISPATCH, DISPATCH_OFFSETS.savedBase, 64), gpr(RDX_BASE)]);
    this.parallelMove(moves);
    if (ins.op === 'HREF') emitHashLookup(this.e, refType(this.trace, ins.op2), this.where(i));
    else this.e.emit('call', [rel(trapAddress(helperTrap(helper.name, this.where(i))), 32)], { long: true, note: helper.name });
    this.e.emit('mov', [gpr(RDX_BASE), mem(R14_DISPATCH, DISPATCH_OFFSETS.savedBase, 64)]);
    const dest = this.alloc.ins[i].dest;
    if (dest === undefined) return;
    const repr = valueRepr(ins.type);
    if (repr === 'num') this.e.emit('movaps', [xmm(dest), xmm(16)]);
    else this.e.emit('mov', [gpr(dest, repr === 'int' ? 32 : 64), gpr(0, repr === 'int' ? 32 : 64)]);
  }

  // ---- moves

  private parallelMove(moves: readonly Move[]): void {
    const temp: Loc = { kind: 'mem', base: R14_DISPATCH, disp: DISPATCH_OFFSETS.moveTemp };
    for (const m of sequentializeMoves(moves, temp)) this.emitMove(m);
  }

  private move(dst: Loc, src: Loc | ConstSource, repr: ValueRepr): void {
    this.emitMove({ dst, src, width: repr === 'int' ? 32 : 64, fpr: repr === 'num' });
  }

  private emitMove(m: Move): void {
    const { dst, src, width } = m;
    const memOf = (l: Loc & { kind: 'mem' }): Operand => mem(l.base, l.disp, width);
    if (src.kind === 'const') {
      if (dst.kind === 'reg' && !isXmm(dst.reg)) {
        this.e.emit('mov', [gpr(dst.reg, width), imm(width === 32 ? BigInt.asIntN(32, src.bits) : src.bits, width === 32 ? 32 : 64)]);
        return;
      }
      if (dst.kind === 'mem' && width === 32) {
        this.e.emit('mov', [memOf(dst), imm(BigInt.asIntN(32, src.bits), 32)]);
        return;
      }
      this.e.emit('mov', [gpr(TMP), imm(src.bits, 64)]);
      if (dst.kind === 'reg') this.e.emit('movq', [xmm(dst.reg), gpr(TMP)]);
      else this.e.emit('mov', [memOf(dst), gpr(TMP)]);
      return;
    }
    if (src.kind === 'mem' && dst.kind === 'mem') {
      this.e.emit('mov', [gpr(TMP, width), memOf(src)]);
      this.e.emit('mov', [memOf(dst), gpr(TMP, width)]);
      return;
    }
    const regOp = (r: number): Operand => (isXmm(r) ? xmm(r) : gpr(r, width));
    if (src.kind === 'reg' && dst.kind === 'reg') {
      const both = isXmm(src.reg) && isXmm(dst.reg);
      if (both) this.e.emit('movaps', [xmm(dst.reg), xmm(src.reg)]);
      else if (isXmm(src.reg) || isXmm(dst.reg)) this.e.emit('movq', [regOp(dst.reg), regOp(src.reg)].map((o) => (o.kind === 'gpr' ? gpr(o.num, 64) : o)));
      else this.e.emit('mov', [gpr(dst.reg, width), gpr(src.reg, width)]);
      return;
    }
    if (src.kind === 'reg' && dst.kind === 'mem') {
      this.e.emit(isXmm(src.reg) ? 'movsd' : 'mov', [memOf(dst), regOp(src.reg)]);
      return;
    }
    const s = src as Loc & { kind: 'mem' };
    const d = dst as Loc & { kind: 'reg' };
    this.e.emit(isXmm(d.reg) ? 'movsd' : 'mov', [regOp(d.reg), memOf(s)]);
  }

  // ---- side-trace head: values inherited from the parent's exit

  private inheritFromParent(): void {
    const start = this.trace.start as { kind: 'side'; parent: number; exit: number };
    const parent = this.input.parent!;
    const map = parent.exitMaps[start.exit];
    if (!map) throw new AsmError(this.where(), `parent trace ${start.parent} has no exit ${start.exit}`);
    const moves: Move[] = [];
    for (const ins of this.trace.ins) {
      if (ins.op !== 'SLOAD' || !(ins.op2 & SLOAD.P) || this.transferCell.has(ins.op1)) continue;
      const entry = map.find((x) => x.slot === ins.op1);
      if (!entry) continue;
      if (entry.home.kind === 'const') {
        this.transferCell.set(ins.op1, { words: entry.home.words });
        continue;
      }
      const cell = TRANSFER + SLOT_BYTES * moves.length;
      const src: Loc = entry.home.kind === 'reg'
        ? { kind: 'reg', reg: entry.home.reg }
        : { kind: 'mem', base: RSP, disp: this.spdelta + 4 * entry.home.slot };
      moves.push({ dst: { kind: 'mem', base: R14_DISPATCH, disp: cell }, src, width: valueRepr(entry.type) === 'int' ? 32 : 64, fpr: valueRepr(entry.type) === 'num' });
      this.transferCell.set(ins.op1, { cell, type: entry.type });
    }
    for (const m of moves) this.emitMove(m);
  }

  private loadInherited(dest: number, repr: ValueRepr, from: { cell: number; type: ExitSlot['type'] } | { words: TValueWords }, i: number): void {
    if ('words' in from) {
      const bits = wordsToBits(from.words);
      const value = repr === 'int' ? BigInt(truncateToInt(wordsToNumber(from.words))) : bits;
      this.move({ kind: 'reg', reg: dest }, { kind: 'const', bits: value }, repr);
      return;
    }
    const parentRepr = valueRepr(from.type);
    const cell = (width: 32 | 64): Operand => mem(R14_DISPATCH, from.cell, width);
    if (parentRepr === repr) this.move({ kind: 'reg', reg: dest }, { kind: 'mem', base: R14_DISPATCH, disp: from.cell }, repr);
    else if (parentRepr === 'int' && repr === 'num') this.e.emit('cvtsi2sd', [xmm(dest), cell(32)]);
    else if (parentRepr === 'num' && repr === 'int') this.e.emit('cvttsd2si', [gpr(dest, 32), cell(64)]);
    else throw new AsmError(this.where(i), `SLOAD P of a ${from.type} value from the parent as ${this.trace.ins[i].type}`);
  }

  // ---- trace end

  private homeLoc(h: Home): Loc {
    return h.kind === 'reg' ? { kind: 'reg', reg: h.reg } : spillLoc(h.slot);
  }

  private valueSource(ref: Ref, homes: ReadonlyMap<number, Home>): Loc | ConstSource {
    if (isConstRef(ref)) return { kind: 'const', bits: constBits(this.trace, ref, this.where()) };
    const h = homes.get(insIndex(ref));
    if (!h) throw new AsmError(this.where(insIndex(ref)), 'value has no home at the end of the trace');
    return this.homeLoc(h);
  }

  private backEdge(): void {
    const end = this.alloc.ins[this.trace.ins.length].softHomes;
    const loop = loopIndex(this.trace);
    const moves: Move[] = [];
    const phiLeft = new Set<number>();
    for (const ins of this.trace.ins) {
      if (ins.op !== 'PHI') continue;
      const left = insIndex(ins.op1);
      phiLeft.add(left);
      const repr = valueRepr(this.trace.ins[left].type);
      const src = this.valueSource(ins.op2, end);
      const width = repr === 'int' ? 32 : 64;
      const reg = this.alloc.labelRegs.get(left);
      const slot = this.alloc.spillSlots.get(left);
      if (reg !== undefined) moves.push({ dst: { kind: 'reg', reg }, src, width, fpr: repr === 'num' });
      if (slot !== undefined) moves.push({ dst: spillLoc(slot), src, width, fpr: repr === 'num' });
    }
    for (const [value, home] of end) {
      if (value >= loop || phiLeft.has(value)) continue;
      const reg = this.alloc.labelRegs.get(value);
      const repr = valueRepr(this.trace.ins[value].type);
      if (reg !== undefined) moves.push({ dst: { kind: 'reg', reg }, src: this.homeLoc(home), width: repr === 'int' ? 32 : 64, fpr: repr === 'num' });
    }
    this.parallelMove(moves);
    this.e.emit('jmp', [rel(this.loopAddress!, 32)], { note: 'LOOP' });
  }

  private tail(): void {
    const t = this.trace;
    const last = t.snapshots.length - 1;
    if (last >= 0) {
      const end = this.alloc.ins[t.ins.length].softHomes;
      const snap = t.snapshots[last];
      for (const entry of snap.entries) {
        if (entry.flags & SNAP_FLAGS.NORESTORE) continue;
        this.syncSlot(entry.slot, entry.ref, end);
      }
      if (snap.baseAdjust !== 0) this.e.emit('add', [gpr(RDX_BASE), imm(SLOT_BYTES * snap.baseAdjust, 32)]);
    }
    if (t.start.kind === 'side' && t.link.target === t.number) this.reloadParentHomes();
    const target = t.link.target === 0
      ? { kind: 'exit_interp' as const }
      : { kind: 'trace' as const, number: t.link.target, address: this.input.linkAddress(t.link.target) };
    this.e.append(traceTail(this.spadjust, target, this.e.here), target.kind === 'exit_interp' ? 'exit_interp' : undefined);
  }

  /**
   * A side trace that links to itself (down-recursion, luajit-2022) starts again at its head,
   * which takes its inherited values from the parent's exit homes: they are loaded there from
   * the Lua stack the tail just synced. Spilled ones go to the parent's spill slots as this
   * frame places them, so a drifted rsp (#1169) makes the head read the wrong memory, as
   * LuaJIT's does.
   */
  private reloadParentHomes(): void {
    const start = this.trace.start as { kind: 'side'; parent: number; exit: number };
    const map = this.input.parent!.exitMaps[start.exit];
    for (const [slot, from] of this.transferCell) {
      if (!('cell' in from)) continue;
      const entry = map.find((x) => x.slot === slot)!;
      const repr = valueRepr(entry.type);
      const stack = mem(RDX_BASE, slotDisp(slot), 64);
      if (entry.home.kind === 'reg') {
        const reg = entry.home.reg;
        if (repr === 'num') this.e.emit('movsd', [xmm(reg), stack]);
        else if (repr === 'int') this.e.emit('cvttsd2si', [gpr(reg, 32), stack]);
        else this.e.emit('mov', [gpr(reg), stack]);
      } else if (entry.home.kind === 'spill') {
        const at = this.spdelta + 4 * entry.home.slot;
        const spill = (width: 32 | 64) => mem(RSP, at, width);
        if (repr === 'int') {
          this.e.emit('cvttsd2si', [gpr(TMP, 32), stack]);
          this.e.emit('mov', [spill(32), gpr(TMP, 32)]);
        } else {
          this.e.emit('mov', [gpr(TMP), stack]);
          this.e.emit('mov', [spill(64), gpr(TMP)]);
        }
      }
    }
  }

  /** Stores a snapshot value into Lua slot `slot` as a TValue (an int becomes a double). */
  private syncSlot(slot: number, ref: Ref, homes: ReadonlyMap<number, Home>): void {
    const dst = mem(RDX_BASE, slotDisp(slot), 64);
    if (isConstRef(ref)) {
      const w = constWords(this.trace, ref, this.where());
      this.e.emit('mov', [gpr(TMP), imm(wordsToBits(w), 64)]);
      this.e.emit('mov', [dst, gpr(TMP)]);
      return;
    }
    const src = this.valueSource(ref, homes) as Loc;
    const repr = valueRepr(this.trace.ins[insIndex(ref)].type);
    const operand = src.kind === 'reg' ? undefined : mem(src.base, src.disp, repr === 'int' ? 32 : 64);
    if (repr === 'int') {
      this.e.emit('cvtsi2sd', [xmm(FTMP), operand ?? gpr((src as { reg: number }).reg, 32)]);
      this.e.emit('movsd', [dst, xmm(FTMP)]);
    } else if (repr === 'num' && src.kind === 'reg') {
      this.e.emit('movsd', [dst, xmm(src.reg)]);
    } else if (src.kind === 'reg') {
      this.e.emit('mov', [dst, gpr(src.reg)]);
    } else {
      this.e.emit('mov', [gpr(TMP), operand!]);
      this.e.emit('mov', [dst, gpr(TMP)]);
    }
  }

  // ---- exit maps

  private exitMap(n: number): ExitSlot[] {
    const homes = this.alloc.snapshotHomes.get(n);
    const out: ExitSlot[] = [];
    for (const e of this.trace.snapshots[n].entries) {
      if (isConstRef(e.ref)) {
        out.push({ slot: e.slot, ref: e.ref, type: this.trace.consts[constIndex(e.ref)].type, flags: e.flags, home: { kind: 'const', words: constWords(this.trace, e.ref, this.where()) } });
        continue;
      }
      const h = homes?.get(insIndex(e.ref));
      if (!h) continue;
      const home: ValueHome = h.kind === 'reg' ? { kind: 'reg', reg: h.reg } : { kind: 'spill', slot: h.slot };
      out.push({ slot: e.slot, ref: e.ref, type: this.trace.ins[insIndex(e.ref)].type, flags: e.flags, home });
    }
    return out;
  }
}

function isXmm(reg: number): boolean {
  return reg >= 16;
}

function spillLoc(slot: number): Loc {
  return { kind: 'mem', base: RSP, disp: 4 * slot };
}

/** The trace as assembled: each instruction with its `r` column, and the frame's spadjust. */
function withRegisterColumn(t: Trace, alloc: Allocation, spadjust: number): Trace {
  const columns = registerColumns(alloc);
  return { ...t, spadjust, ins: t.ins.map((ins, i) => (columns[i] === undefined ? ins : { ...ins, reg: columns[i] })) };
}

/** The 64-bit integer types, held raw in a GPR and computed with the 64-bit int forms. */
function isInt64(type: IRTypeName): boolean {
  return type === 'i64' || type === 'u64';
}
