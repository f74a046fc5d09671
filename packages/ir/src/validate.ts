// The validator: checks a trace set against the IR rules and reports each break with a precise
// location (`trace 2 ref 0005`, `trace 2 snapshot #3`, `trace 2`) and a message saying what is
// wrong. `checkTraceSet` throws the first error; `validateTraceSet` lists them all.

import { HELPERS } from './calls';
import { IrValidationError, snapshotLocation, traceLocation } from './errors';
import { decodeConv, SLOAD } from './literals';
import {
  ALWAYS_GUARDED,
  ARITH_OPS,
  COMPARISON_OPS,
  isOpName,
  opInfo,
  VALUELESS_OPS,
  type IROpName,
} from './opcodes';
import { callArguments, findTrace, refType, sameOperandType } from './queries';
import { constIndex, formatRef, insIndex, insRef, isConstRef, REF_BASE, REF_FIRST, type Ref } from './refs';
import { LINK_KINDS, SELF_LINKS, type IRIns, type Snapshot, type Trace, type TraceSet } from './trace';
import { isTaggedType, isTypeName, type IRTypeName } from './types';

class TraceChecker {
  readonly errors: IrValidationError[] = [];
  private loopRef: Ref | undefined;

  constructor(
    private readonly trace: Trace,
    private readonly set: TraceSet | undefined,
  ) {}

  private error(ref: Ref | undefined, message: string): void {
    this.errors.push(new IrValidationError(traceLocation(this.trace.number, ref), message));
  }

  private defined(ref: number, before: Ref): boolean {
    if (ref === REF_BASE) return true;
    if (isConstRef(ref)) return constIndex(ref) >= 0 && constIndex(ref) < this.trace.consts.length;
    return ref >= REF_FIRST && ref < before && insIndex(ref) < this.trace.ins.length;
  }

  typeOf(ref: Ref): IRTypeName {
    return refType(this.trace, ref);
  }

  private insAt(ref: Ref): IRIns | undefined {
    return isConstRef(ref) || ref === REF_BASE ? undefined : this.trace.ins[insIndex(ref)];
  }

  run(): IrValidationError[] {
    this.checkHeader();
    this.trace.ins.forEach((ins, i) => this.checkIns(ins, insRef(i)));
    this.trace.snapshots.forEach((s, n) => this.checkSnapshot(s, n));
    this.checkGuardsHaveSnapshots();
    this.checkLoop();
    return this.errors;
  }

  private checkHeader(): void {
    const t = this.trace;
    if (!(LINK_KINDS as readonly string[]).includes(t.link.kind)) this.error(undefined, `unknown link kind ${t.link.kind}`);
    if (t.link.kind === 'none') this.error(undefined, 'trace has link kind none: it was never finished');
    if (SELF_LINKS.has(t.link.kind) && t.link.target !== t.number) {
      this.error(undefined, `link kind ${t.link.kind} must target the trace itself (${t.number}), not ${t.link.target}`);
    }
    if (t.link.kind === 'root') {
      const target = this.set && findTrace(this.set, t.link.target);
      if (t.link.target === 0) this.error(undefined, 'link kind root needs a target trace number');
      else if (this.set && !target) this.error(undefined, `links to trace ${t.link.target}, which is not in the trace set`);
      else if (target && target.start.kind === 'side') this.error(undefined, `links to trace ${t.link.target}, which is a side trace; only roots can be link targets`);
    }
    if (t.start.kind === 'side' && this.set) {
      const parent = findTrace(this.set, t.start.parent);
      if (!parent) this.error(undefined, `side trace names parent trace ${t.start.parent}, which is not in the trace set`);
      else if (t.start.exit >= parent.snapshots.length) {
        this.error(undefined, `side trace starts at exit ${t.start.exit} of trace ${parent.number}, which has only ${parent.snapshots.length} exits`);
      }
    }
  }

  private parentSnapshot(): { parent: Trace; snap: Snapshot } | undefined {
    const s = this.trace.start;
    if (s.kind !== 'side' || !this.set) return undefined;
    const parent = findTrace(this.set, s.parent);
    const snap = parent?.snapshots[s.exit];
    return parent && snap ? { parent, snap } : undefined;
  }

  private checkIns(ins: IRIns, ref: Ref): void {
    if (!isOpName(ins.op)) return this.error(ref, `unknown opcode ${ins.op}`);
    if (!isTypeName(ins.type)) return this.error(ref, `unknown IR type ${ins.type}`);
    const info = opInfo(ins.op);
    const operands: [string, number, string][] = [
      ['1', ins.op1, info.op1],
      ['2', ins.op2, info.op2],
    ];
    let operandsOk = true;
    for (const [n, value, mode] of operands) {
      if (mode === 'lit' && !(Number.isInteger(value) && value >= 0 && value <= 0xffff)) {
        this.error(ref, `operand ${n} of ${ins.op} must be a 16-bit literal, got ${value}`);
        operandsOk = false;
      }
      if (mode !== 'ref') continue;
      // PHI's right operand is the loop-carried value computed later in the body.
      if (!this.defined(value, ins.op === 'PHI' ? insRef(this.trace.ins.length) : ref)) {
        const where = isConstRef(value) ? 'a constant that does not exist' : `${formatRef(value)}, which is not defined before ${formatRef(ref)}`;
        this.error(ref, `operand ${n} of ${ins.op} refers to ${where}`);
        operandsOk = false;
      } else if (VALUELESS_OPS.has(this.insAt(value)?.op ?? 'KPRI') && ins.op !== 'CARG') {
        this.error(ref, `operand ${n} of ${ins.op} refers to ${this.insAt(value)?.op} ${formatRef(value)}, which produces no value`);
        operandsOk = false;
      }
    }
    if (ALWAYS_GUARDED.has(ins.op) && !ins.guard) this.error(ref, `${ins.op} must be a guard (flag >)`);
    if (!operandsOk) return;
    this.checkTypes(ins, ref);
  }

  private expectType(ref: Ref, what: string, actual: Ref, expected: IRTypeName, op: IROpName): void {
    const t = this.typeOf(actual);
    if (!sameOperandType(t, expected)) this.error(ref, `type mismatch: ${what} of ${op} is ${t} (${isConstRef(actual) ? 'constant' : formatRef(actual)}), expected ${expected}`);
  }

  private checkTypes(ins: IRIns, ref: Ref): void {
    const { op, type } = ins;
    if ((ARITH_OPS as readonly string[]).includes(op)) {
      if ((op === 'ADDOV' || op === 'SUBOV' || op === 'MULOV') && type !== 'int') this.error(ref, `${op} is only defined for int, not ${type}`);
      this.expectType(ref, 'operand 1', ins.op1, type, op);
      this.expectType(ref, 'operand 2', ins.op2, type, op);
    } else if (op === 'NEG' || op === 'ABS') {
      this.expectType(ref, 'operand 1', ins.op1, type, op);
    } else if ((COMPARISON_OPS as readonly string[]).includes(op)) {
      // An invariant bounds check is typed p32 (rec_idx_abc) but compares int sizes and indexes.
      const operands = op === 'ABC' && type === 'p32' ? 'int' : type;
      this.expectType(ref, 'operand 1', ins.op1, operands, op);
      this.expectType(ref, 'operand 2', ins.op2, operands, op);
    } else if (op === 'CONV') {
      const conv = decodeConv(ins.op2);
      if (conv.dst !== type) this.error(ref, `CONV ${conv.dst}.${conv.src} must have type ${conv.dst}, not ${type}`);
      this.expectType(ref, 'operand 1', ins.op1, conv.src, op);
      if ((conv.check === 'check' || conv.check === 'index') && !ins.guard) this.error(ref, `CONV with ${conv.check} must be a guard (flag >)`);
    } else if (op === 'SLOAD') {
      this.checkSload(ins, ref);
    } else if (op === 'AREF') {
      if (type !== 'p64') this.error(ref, `AREF must have type p64, not ${type}`);
      this.expectType(ref, 'operand 1 (the array part)', ins.op1, 'p64', op);
      this.expectType(ref, 'operand 2 (the index)', ins.op2, 'int', op);
    } else if (op === 'HREFK') {
      if (type !== 'p64') this.error(ref, `HREFK must have type p64, not ${type}`);
      this.expectType(ref, 'operand 1 (the hash part)', ins.op1, 'p64', op);
      const k = isConstRef(ins.op2) ? this.trace.consts[constIndex(ins.op2)] : undefined;
      if (k?.op !== 'KSLOT') this.error(ref, 'operand 2 of HREFK must be a KSLOT constant (key @slot)');
    } else if (op === 'HREF' || op === 'NEWREF') {
      if (type !== 'p64') this.error(ref, `${op} must have type p64, not ${type}`);
      this.expectType(ref, 'operand 1 (the table)', ins.op1, 'tab', op);
      const key = this.typeOf(ins.op2);
      if (key !== undefined && key !== 'num' && (!isTaggedType(key) || key === 'nil')) this.error(ref, `operand 2 of ${op} (the key) must be a num or a non-nil tagged value, not ${key}`);
    } else if (op === 'TBAR') {
      this.expectType(ref, 'operand 1 (the table)', ins.op1, 'tab', op);
    } else if (op === 'ALOAD' || op === 'ASTORE' || op === 'HLOAD' || op === 'HSTORE') {
      const wanted = op === 'ALOAD' || op === 'ASTORE' ? ['AREF'] : op === 'HLOAD' ? ['HREFK', 'HREF'] : ['HREFK', 'HREF', 'NEWREF'];
      const xref = this.insAt(ins.op1);
      const niltv = op === 'HLOAD' && isConstRef(ins.op1) && this.trace.consts[constIndex(ins.op1)]?.op === 'KKPTR';
      if (!niltv && (xref === undefined || !wanted.includes(xref.op))) this.error(ref, `operand 1 of ${op} must be an ${wanted.join(' or ')}, not ${xref ? `${xref.op} ${formatRef(ins.op1)}` : 'a constant'}`);
      const stored = op === 'ASTORE' || op === 'HSTORE' ? this.typeOf(ins.op2) : undefined;
      if (stored === undefined && !isTaggedType(type) && type !== 'num') this.error(ref, `${op} loads a Lua value: num or a tagged type, not ${type}`);
      if (stored !== undefined && !isTaggedType(stored) && !['num', 'int'].includes(stored)) this.error(ref, `${op} stores a Lua value: num, int or a tagged type, not ${stored}`);
    } else if (op === 'PHI') {
      this.checkPhi(ins, ref);
    } else if (op === 'LOOP') {
      if (this.loopRef !== undefined) this.error(ref, `second LOOP; the first is at ${formatRef(this.loopRef)}`);
      else this.loopRef = ref;
    } else if (op === 'CALLN' || op === 'CALLS' || op === 'CALLL' || op === 'CALLA') {
      this.checkCall(ins, ref);
    } else if (op === 'RETF') {
      const k1 = isConstRef(ins.op1) ? this.trace.consts[constIndex(ins.op1)] : undefined;
      const k2 = isConstRef(ins.op2) ? this.trace.consts[constIndex(ins.op2)] : undefined;
      if (k1?.op !== 'KGC' || k1.type !== 'pro') this.error(ref, 'RETF operand 1 must be a prototype constant (proto: 0x...)');
      if (k2?.op !== 'KPTR') this.error(ref, 'RETF operand 2 must be a return-PC pointer constant ([0x...])');
    }
  }

  private checkSload(ins: IRIns, ref: Ref): void {
    if ((ins.op2 & SLOAD.T) && !ins.guard) this.error(ref, 'SLOAD with mode T (typecheck) must be a guard (flag >)');
    // After a RETF, BASE (and so slot numbering) has moved to a lower frame.
    const afterRetf = this.trace.ins.slice(0, insIndex(ref)).some((x) => x.op === 'RETF');
    const parent = afterRetf ? undefined : this.parentSnapshot();
    const inParent = parent?.snap.entries.find((e) => e.slot === ins.op1);
    if (ins.op2 & SLOAD.P) {
      if (this.trace.start.kind !== 'side') return this.error(ref, `SLOAD #${ins.op1} has mode P but trace ${this.trace.number} is not a side trace: only side traces inherit from a parent`);
      if (!parent) return;
      if (!inParent || isConstRef(inParent.ref)) {
        return this.error(ref, `SLOAD #${ins.op1} has mode P but exit ${(this.trace.start as { exit: number }).exit} of trace ${parent.parent.number} has no instruction value for slot ${ins.op1}`);
      }
      const source = parent.parent.ins[insIndex(inParent.ref)];
      // The parent's own check reports a snapshot ref past its instructions; here there is no type to compare.
      if (source === undefined) return this.error(ref, `SLOAD #${ins.op1} has mode P but the parent's exit names ${formatRef(inParent.ref)}, which trace ${parent.parent.number} does not have`);
      const pt = source.type;
      if (pt !== ins.type) this.error(ref, `type mismatch: SLOAD #${ins.op1} P is ${ins.type} but the parent's value ${formatRef(inParent.ref)} is ${pt}`);
    } else if (inParent) {
      this.error(ref, `SLOAD #${ins.op1} reads the stack, but the parent's exit snapshot holds slot ${ins.op1} (not yet written to the stack): use mode P`);
    }
  }

  private checkPhi(ins: IRIns, ref: Ref): void {
    if (this.loopRef === undefined) return this.error(ref, 'PHI without a preceding LOOP');
    if (isConstRef(ins.op1) || ins.op1 >= this.loopRef) this.error(ref, `PHI left operand ${formatRef(ins.op1)} must be an instruction before the LOOP at ${formatRef(this.loopRef)}`);
    if (this.typeOf(ins.op1) !== ins.type || this.typeOf(ins.op2) !== ins.type) {
      this.error(ref, `type mismatch: PHI ${ins.type} joins ${this.typeOf(ins.op1)} ${formatRef(ins.op1)} and ${this.typeOf(ins.op2)} ${formatRef(ins.op2)}`);
    }
    const dup = this.trace.ins.findIndex((x, i) => x.op === 'PHI' && x.op1 === ins.op1 && insRef(i) < ref);
    if (dup >= 0) this.error(ref, `second PHI for ${formatRef(ins.op1)} (first at ${formatRef(insRef(dup))})`);
    for (const r of [ins.op1, ins.op2]) {
      const x = this.insAt(r);
      if (x && !x.phi) this.error(ref, `PHI operand ${formatRef(r)} is not marked as a PHI operand (flag +)`);
    }
    // Only other PHIs, NOPs and the register allocator's RENAMEs may follow.
    const after = this.trace.ins.slice(insIndex(ref) + 1).find((x) => x.op !== 'PHI' && x.op !== 'NOP' && x.op !== 'RENAME');
    if (after) this.error(ref, `PHI must come after every other instruction of the loop body; ${after.op} follows it`);
  }

  private checkCall(ins: IRIns, ref: Ref): void {
    const helper = HELPERS[ins.op2];
    if (!helper) return this.error(ref, `${ins.op} names helper #${ins.op2}, which does not exist`);
    const expectedOp = helper.effect === 'pure' ? 'CALLN' : helper.effect === 'load' ? 'CALLL' : 'CALLS';
    if (helper.effect !== 'pure' && ins.op === 'CALLN') this.error(ref, `CALLN ${helper.name}: the helper has side effects, use ${expectedOp}`);
    const args = callArguments(this.trace, ins.op1);
    if (args.length !== helper.args.length) return this.error(ref, `${helper.name} takes ${helper.args.length} arguments, got ${args.length}`);
    args.forEach((a, i) => this.expectType(ref, `argument ${i + 1}`, a, helper.args[i], ins.op));
    if (ins.type !== helper.result) this.error(ref, `type mismatch: ${helper.name} returns ${helper.result}, instruction type is ${ins.type}`);
  }

  private checkSnapshot(snap: Snapshot, n: number): void {
    const loc = snapshotLocation(this.trace.number, n);
    const prev = this.trace.snapshots[n - 1];
    const end = insRef(this.trace.ins.length);
    if (snap.ref < REF_FIRST || snap.ref > end) this.errors.push(new IrValidationError(loc, `applies from ${formatRef(snap.ref)}, outside the trace (0001..${formatRef(end)})`));
    if (prev && snap.ref < prev.ref) this.errors.push(new IrValidationError(loc, `applies from ${formatRef(snap.ref)}, before snapshot #${n - 1} (${formatRef(prev.ref)})`));
    let lastSlot = -1;
    for (const e of snap.entries) {
      if (e.slot <= lastSlot) this.errors.push(new IrValidationError(loc, `slot ${e.slot} listed out of order or twice`));
      if (e.slot >= snap.nslots) this.errors.push(new IrValidationError(loc, `slot ${e.slot} is not below nslots ${snap.nslots}`));
      lastSlot = e.slot;
      if (!this.defined(e.ref, snap.ref)) {
        this.errors.push(new IrValidationError(loc, `slot ${e.slot} refers to ${isConstRef(e.ref) ? 'a constant that does not exist' : `${formatRef(e.ref)}, which is not defined before the snapshot applies (${formatRef(snap.ref)})`}`));
      } else if (VALUELESS_OPS.has(this.insAt(e.ref)?.op ?? 'KPRI')) {
        this.errors.push(new IrValidationError(loc, `slot ${e.slot} refers to ${this.insAt(e.ref)?.op} ${formatRef(e.ref)}, which produces no value`));
      }
    }
  }

  private checkGuardsHaveSnapshots(): void {
    const first = this.trace.snapshots[0];
    this.trace.ins.forEach((ins, i) => {
      const ref = insRef(i);
      if (ins.guard && (!first || first.ref > ref)) {
        this.error(ref, `guard ${ins.op} has no snapshot in force${first ? ` (the first snapshot applies from ${formatRef(first.ref)})` : ' (the trace has no snapshots)'}`);
      }
    });
  }

  private checkLoop(): void {
    const t = this.trace;
    // LuaJIT runs the LOOP pass on every self-link at depth 0 (loop, tail-/up-/down-recursion).
    if (this.loopRef !== undefined && !(SELF_LINKS.has(t.link.kind) && t.link.target === t.number)) {
      this.error(this.loopRef, `a trace with LOOP must link to itself (loop or recursion), not ${t.link.kind} ${t.link.target}`);
    }
  }
}

export function validateTrace(trace: Trace, set?: TraceSet): IrValidationError[] {
  return new TraceChecker(trace, set).run();
}

export function validateTraceSet(set: TraceSet): IrValidationError[] {
  const errors: IrValidationError[] = [];
  const seen = new Set<number>();
  const sides = new Map<string, number>();
  for (const t of set.traces) {
    if (seen.has(t.number)) errors.push(new IrValidationError(traceLocation(t.number), `trace number ${t.number} is used twice`));
    seen.add(t.number);
    if (t.start.kind === 'side') {
      const key = `${t.start.parent}/${t.start.exit}`;
      const other = sides.get(key);
      if (other !== undefined) errors.push(new IrValidationError(traceLocation(t.number), `exit ${key} already has side trace ${other}`));
      sides.set(key, t.number);
    }
    errors.push(...validateTrace(t, set));
  }
  const sc = set.scenario;
  if (sc && !set.traces.some((t) => t.number === sc.enter)) {
    errors.push(new IrValidationError('scenario', `enter names trace ${sc.enter}, which is not in the trace set`));
  }
  return errors;
}

/** Throws the first validation error, if any. */
export function checkTraceSet(set: TraceSet): void {
  const [first] = validateTraceSet(set);
  if (first) throw first;
}
