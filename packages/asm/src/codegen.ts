// Code generation for one trace: the head (rsp drop and vmstate store; a side trace first copies
// the values it inherits from its parent's exit into the transfer area), then each IR
// instruction in order with its spill store and reloads, then either the loop back-edge
// (a parallel move of PHI values to their label homes and `jmp ->LOOP`) or the tail (snapshot
// sync into the Lua stack, BASE adjust, `add rsp, spadjust`, jmp to the link target).

import { DISPATCH_OFFSETS, trapAddress, wordsToNumber, type TValueWords } from '@tracesim/machine';
import type { Operand } from '@tracesim/x86';
import {
  ARITH_OPS, COMPARISON_OPS, SLOAD, SNAP_FLAGS, constIndex, helperCall, insIndex, insRef, refType,
  isConstRef, itypeOfType, opInfo, snapshotInForce, traceLocation, truncateToInt, wordsToBits,
  type ArithOp, type ComparisonOp, type IRIns, type Ref, type ReturnSite, type Trace,
} from '@tracesim/ir';
import type { AssembledTrace, ExitSlot, ValueHome } from './assembled';
import { constBits, constWords, type ConstPool } from './const-pool';
import { Emitter, gpr, imm, mem, rel, xmm } from './emitter';
import { AsmError } from './errors';
import { branchesAfterVmstate, type ExitBranch } from './exit-patch';
import { sideTraceFrame } from './frame';
import { traceHead, traceTail } from './heads-tails';
import { emitHashLookup } from './hash-lookup';
import { helperTrap, SYSV_GPR_ARGS } from './helper-traps';
import { COND } from './op-tables';
import { sequentializeMoves, type ConstSource, type Loc, type Move } from './parallel-move';
import { SCRATCH, type Allocation, type Home } from './regalloc';
import { allocateTrace, loopIndex, registerColumns } from './trace-alloc';
import { valueRepr, checkedRepr, type ValueRepr } from './value-repr';
import { formatMcodeLine } from './jdump-syntax';
import { ArithCodegen } from './arith-codegen';
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
  private readonly numbers: ArithCodegen;

  constructor(private readonly input: TraceCodegenInput) {
    this.trace = input.trace;
    this.alloc = allocateTrace(this.trace, input.regs);
    this.e = new Emitter(input.address);
    const context = {
      e: this.e,
      trace: this.trace,
      pool: input.pool,
      where: (i?: number) => this.where(i),
      sources: (ins: IRIns, i: number) => this.sources(ins, i),
      dest: (i: number) => this.alloc.ins[i].dest,
      exit: (cond: number, i: number) => this.exit(cond, i),
    };
    this.objects = new ObjectAccessCodegen(context);
    this.numbers = new ArithCodegen(context);
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
    if ((COMPARISON_OPS as readonly string[]).includes(op)) return this.numbers.compare(ins, i, op as ComparisonOp);
    if ((ARITH_OPS as readonly string[]).includes(op)) return this.numbers.arith(ins, i, op as ArithOp);
    switch (op) {
      case 'NOP': case 'USE': case 'CARG': case 'PHI':
        return;
      case 'LOOP':
        this.e.label('->LOOP');
        this.loopAddress = this.e.here;
        return;
      case 'NEG': case 'ABS':
        return this.numbers.unary(ins, i);
      case 'FPMATH':
        return this.numbers.fpmath(ins, i);
      case 'CONV':
        return this.numbers.conv(ins, i);
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
      this.numbers.checkedToInt(at(64), dest, i);
    } else if (dest !== undefined) {
      if (repr === 'int') this.e.emit('cvttsd2si', [gpr(dest, 32), at(64)]);
      else if (repr === 'num') this.e.emit('movsd', [xmm(dest), at(64)]);
      else this.e.emit('mov', [gpr(dest), at(64)]);
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
