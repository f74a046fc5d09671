// TraceBuilder: the emitter the recorder (and tests) use to build a trace. Every instruction goes
// through constant folding and CSE of pure ops (both optional), constants are interned below the
// bias, snapshots are taken at the next ref, and `finish` yields an immutable Trace.

import { TableForwarding } from './table-forward';
import { helperId, HELPERS } from './calls';
import { ConstPool } from './constants';
import { IrValidationError, traceLocation } from './errors';
import { foldIns } from './fold';
import { encodeConv, SLOAD, type ConvCheck } from './literals';
import { ALWAYS_GUARDED, opInfo, VALUELESS_OPS, type ArithOp, type ComparisonOp, type IROpName } from './opcodes';
import { insIndex, insRef, isConstRef, REF_NIL, type Ref } from './refs';
import {
  SELF_LINKS,
  type IRConst,
  type IRIns,
  type LinkKind,
  type SnapEntry,
  type Snapshot,
  type Trace,
  type TraceStart,
} from './trace';
import type { IRTypeName, NumericType } from './types';

export interface BuilderOptions {
  /** Fold constant arithmetic and identities (default true). */
  readonly fold?: boolean;
  /** Common-subexpression elimination of pure ops (default true). */
  readonly cse?: boolean;
}

export interface TraceHead {
  readonly number: number;
  readonly start: TraceStart;
  readonly location: string;
}

export interface SnapshotOptions {
  readonly nslots?: number;
  readonly topslot?: number;
  readonly baseAdjust?: number;
  readonly pc?: bigint;
  /** Overwrite the last snapshot instead of adding one (no guard was emitted since it). */
  readonly replaceLast?: boolean;
}

export class TraceBuilder {
  private readonly pool = new ConstPool();
  private readonly ins: IRIns[] = [];
  private readonly snapshots: Snapshot[] = [];
  private loopRef: Ref | undefined;
  private readonly fold: boolean;
  private readonly cse: boolean;

  constructor(
    private readonly head: TraceHead,
    options: BuilderOptions = {},
  ) {
    this.fold = options.fold ?? true;
    this.cse = options.cse ?? true;
  }

  get nextRef(): Ref {
    return insRef(this.ins.length);
  }

  instruction(ref: Ref): IRIns {
    return this.ins[insIndex(ref)];
  }

  /** Table-load forwarding over the instructions built so far. */
  readonly forwarding = new TableForwarding(this.ins, (ref) => this.pool.get(ref));

  typeOf(ref: Ref): IRTypeName {
    return isConstRef(ref) ? this.pool.get(ref).type : this.ins[insIndex(ref)].type;
  }

  constant(k: IRConst): Ref {
    return this.pool.intern(k);
  }

  /** The constant a constant ref stands for. */
  constantAt(ref: Ref): IRConst {
    return this.pool.get(ref);
  }

  kint(value: number): Ref {
    if ((value | 0) !== value) throw new RangeError(`${value} is not an int32`);
    return this.pool.intern({ op: 'KINT', type: 'int', value });
  }

  /** A 64-bit integer constant (i64 or u64), signed for i64. */
  kint64(value: bigint, type: 'i64' | 'u64'): Ref {
    return this.pool.intern({ op: 'KINT64', type, value: type === 'i64' ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value) });
  }

  knum(value: number): Ref {
    return this.pool.intern({ op: 'KNUM', type: 'num', value });
  }

  kgc(type: IRTypeName, text: string): Ref {
    return this.pool.intern({ op: 'KGC', type, text });
  }

  kptr(address: bigint): Ref {
    return this.pool.intern({ op: 'KPTR', type: 'p64', address });
  }

  /**
   * Emits one instruction after folding and CSE. Returns the ref holding the result (possibly a
   * constant or an earlier instruction), or undefined for a guard that folded away.
   */
  emit(op: IROpName, type: IRTypeName, op1: number, op2: number, guard = ALWAYS_GUARDED.has(op)): Ref | undefined {
    if (this.fold) {
      const folded = foldIns(this.pool, op, type, op1, op2);
      if (folded) return folded.kind === 'ref' ? folded.ref : undefined;
    }
    if (this.cse) {
      const found = this.findEqual(op, type, op1, op2, guard);
      if (found !== undefined) return VALUELESS_OPS.has(op) ? undefined : found;
    }
    return this.append({ op, type, guard, phi: false, op1, op2 });
  }

  /** Appends without folding or CSE (LOOP, PHI, NOP, CARG, loads and stores go this way). */
  append(ins: IRIns): Ref {
    this.ins.push(ins);
    return insRef(this.ins.length - 1);
  }

  private findEqual(op: IROpName, type: IRTypeName, op1: number, op2: number, guard: boolean): Ref | undefined {
    const info = opInfo(op);
    if ((info.kind !== 'N' && info.kind !== 'R') || op === 'NOP' || op === 'CARG' || op === 'CALLN') return undefined;
    const limit = this.loopRef === undefined ? 0 : insIndex(this.loopRef) + 1;
    for (let i = this.ins.length - 1; i >= limit; i--) {
      const c = this.ins[i];
      if (c.op !== op || c.type !== type || c.guard !== guard) continue;
      if ((c.op1 === op1 && c.op2 === op2) || (info.commutative && c.op1 === op2 && c.op2 === op1)) return insRef(i);
    }
    return undefined;
  }

  /** A stack slot load; guarded when it checks the type (T), or when asked (a checked int conversion, C). */
  sload(slot: number, type: IRTypeName, mode: number, guard = (mode & SLOAD.T) !== 0): Ref {
    return this.append({ op: 'SLOAD', type, guard, phi: false, op1: slot, op2: mode });
  }

  arith(op: ArithOp | 'NEG' | 'ABS', type: NumericType, a: Ref, b?: Ref): Ref {
    const second = b ?? (type === 'num' ? this.knum(-0) : this.kint(0));
    return this.emit(op, type, a, second)!;
  }

  /** A comparison guard: the trace continues while `a op b` holds. */
  guard(op: ComparisonOp, type: IRTypeName, a: Ref, b: Ref): void {
    this.emit(op, type, a, b, true);
  }

  conv(dst: IRTypeName, src: IRTypeName, value: Ref, check: ConvCheck = dst === 'int' ? 'check' : ''): Ref {
    const guard = check === 'check' || check === 'index';
    return this.emit('CONV', dst, value, encodeConv({ dst, src, sext: false, check }), guard)!;
  }

  /** CALLN/CALLL/CALLS (by the helper's effect) with a CARG chain for 2+ arguments. */
  call(helper: string, args: readonly Ref[]): Ref {
    const id = helperId(helper);
    if (id === undefined) throw new IrValidationError(traceLocation(this.head.number, this.nextRef), `unknown helper ${helper}`);
    let op1: Ref = args.length === 0 ? REF_NIL : args[0];
    for (let i = 1; i < args.length; i++) {
      op1 = this.append({ op: 'CARG', type: 'nil', guard: false, phi: false, op1, op2: args[i] });
    }
    const h = HELPERS[id];
    const op: IROpName = h.effect === 'pure' ? 'CALLN' : h.effect === 'load' ? 'CALLL' : 'CALLS';
    return this.append({ op, type: h.result, guard: false, phi: false, op1, op2: id });
  }

  /** RETF guard: return to the frame whose prototype is `proto` at return PC `pc`. */
  retf(proto: string, pc: bigint): void {
    this.append({ op: 'RETF', type: 'p64', guard: true, phi: false, op1: this.kgc('pro', proto), op2: this.kptr(pc) });
  }

  loop(): Ref {
    this.loopRef = this.append({ op: 'LOOP', type: 'nil', guard: false, phi: false, op1: 0, op2: 0 });
    return this.loopRef;
  }

  /** PHI(left, right); marks both operands with IRT_ISPHI. */
  phi(left: Ref, right: Ref): Ref {
    for (const r of [left, right]) {
      if (!isConstRef(r)) this.ins[insIndex(r)] = { ...this.ins[insIndex(r)], phi: true };
    }
    return this.append({ op: 'PHI', type: this.typeOf(left), guard: false, phi: false, op1: left, op2: right });
  }

  /**
   * Takes a snapshot applying from the next instruction. As LuaJIT does for snapshot #0, a NOP
   * is emitted first when the previous snapshot would otherwise share its ref, so exit numbers do
   * not depend on how much folding removed.
   */
  snapshot(entries: readonly (Omit<SnapEntry, 'flags'> & { flags?: number })[], options: SnapshotOptions = {}): number {
    if (options.replaceLast) this.snapshots.pop();
    const prev = this.snapshots[this.snapshots.length - 1];
    if (prev && prev.ref === this.nextRef) this.append({ op: 'NOP', type: 'nil', guard: false, phi: false, op1: 0, op2: 0 });
    const sorted = [...entries].sort((a, b) => a.slot - b.slot).map((e) => ({ slot: e.slot, ref: e.ref, flags: e.flags ?? 0 }));
    const nslots = options.nslots ?? (sorted.length ? sorted[sorted.length - 1].slot + 1 : 0);
    this.snapshots.push({
      ref: this.nextRef,
      entries: sorted,
      nslots,
      topslot: options.topslot ?? nslots,
      baseAdjust: options.baseAdjust ?? 0,
      ...(options.pc !== undefined ? { pc: options.pc } : {}),
      count: 0,
    });
    return this.snapshots.length - 1;
  }

  /** Ends the trace. The target defaults to self for loop/recursion kinds and 0 otherwise. */
  finish(kind: LinkKind, target?: number): Trace {
    return {
      number: this.head.number,
      start: this.head.start,
      location: this.head.location,
      link: { kind, target: target ?? (SELF_LINKS.has(kind) ? this.head.number : 0) },
      ins: this.ins.slice(),
      consts: [...this.pool.all()],
      snapshots: this.snapshots.slice(),
    };
  }
}
