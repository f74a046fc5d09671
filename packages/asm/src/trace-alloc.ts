// Connects the register allocator to IR traces: derives each instruction's value class, operand
// uses, snapshot (soft) uses and call clobbers from the IR tables, appends the trace's end (the
// tail's snapshot sync, or the loop back-edge) as one more program step, and turns an
// allocation back into the -jdump `r` column (a spilled value prints as its slot, as LuaJIT's
// dump does, else its register).

import {
  helperCall, insIndex, isHelperCallOp, insRef, isConstRef, opInfo, snapshotInForce, traceLocation, VALUELESS_OPS,
  type IRIns, type Ref, type RegColumn, type Trace, REGISTER_NAMES,
} from '@tracesim/ir';
import { allocateRegisters, ALLOCATION_ORDER, type AllocIns, type Allocation, type RegClass } from './regalloc';
import { valueRepr } from './value-repr';

/** Allocatable registers a SysV call destroys: every caller-saved GPR and every xmm register. */
const CALLER_SAVED: readonly number[] = [
  ...ALLOCATION_ORDER.gpr.filter((r) => ![3, 5, 12, 13, 15].includes(r)),
  ...ALLOCATION_ORDER.fpr,
];

function valueClass(ins: IRIns): RegClass | undefined {
  if (VALUELESS_OPS.has(ins.op) || ins.op === 'CARG' || ins.op === 'PHI') return undefined;
  return valueRepr(ins.type) === 'num' ? 'fpr' : 'gpr';
}

/** Index of an instruction ref that carries a value, else undefined (constants, BASE, valueless ops). */
function valueIndex(trace: Trace, ref: Ref): number | undefined {
  if (ref === 0 || isConstRef(ref)) return undefined;
  const index = insIndex(ref);
  const target = trace.ins[index];
  return target !== undefined && valueClass(target) !== undefined ? index : undefined;
}

/** Indices of the values `ins` reads into registers: its ref operands, a call's argument list flattened. */
function valueOperands(trace: Trace, ins: IRIns, at: number): number[] {
  const call = isHelperCallOp(ins.op) ? helperCall(trace, ins) : undefined;
  if (call) return call.args.flatMap((r) => valueIndex(trace, r) ?? []);
  if (ins.op === 'CARG' || ins.op === 'PHI') return [];
  const info = opInfo(ins.op);
  const refs = [info.op1 === 'ref' ? ins.op1 : 0, info.op2 === 'ref' ? ins.op2 : 0];
  return refs.flatMap((ref) => {
    if (ref === 0 || isConstRef(ref)) return [];
    const index = insIndex(ref);
    // A forward ref is kept for the allocator to report with its location.
    if (index >= at) return [index];
    return valueIndex(trace, ref) ?? [];
  });
}

function snapshotValues(trace: Trace, snap: number): number[] {
  return trace.snapshots[snap].entries.flatMap((e) => valueIndex(trace, e.ref) ?? []);
}

/** The LOOP instruction's index, or -1. */
export function loopIndex(trace: Trace): number {
  return trace.ins.findIndex((i) => i.op === 'LOOP');
}

/**
 * Values the loop back-edge must carry: each PHI's right operand, and every value defined
 * before LOOP and read after it (loop invariants) except the PHIs' left operands.
 */
function backEdgeValues(trace: Trace, program: readonly AllocIns[], loop: number): number[] {
  const phiLeft = new Set<number>();
  const carried: number[] = [];
  for (const ins of trace.ins) {
    if (ins.op !== 'PHI') continue;
    const left = valueIndex(trace, ins.op1);
    if (left !== undefined) phiLeft.add(left);
    const right = valueIndex(trace, ins.op2);
    if (right !== undefined) carried.push(right);
  }
  const invariant = new Set<number>();
  program.slice(loop + 1).forEach((p) => {
    for (const v of [...p.uses, ...(p.softUses ?? [])]) if (v < loop && !phiLeft.has(v)) invariant.add(v);
  });
  return [...new Set([...carried, ...[...invariant].sort((a, b) => a - b)])];
}

/** The allocator's view of a trace: one step per instruction, then one for the trace's end. */
export function allocInput(trace: Trace): AllocIns[] {
  const program: AllocIns[] = trace.ins.map((ins, at) => {
    const guarded = ins.guard || ins.op === 'RETF';
    const snapshot = guarded ? snapshotInForce(trace, insRef(at)) : undefined;
    return {
      cls: valueClass(ins),
      wide: valueRepr(ins.type) !== 'int',
      uses: valueOperands(trace, ins, at),
      ...(snapshot === undefined ? {} : { snapshot, softUses: snapshotValues(trace, snapshot) }),
      ...(isHelperCallOp(ins.op) ? { clobbers: CALLER_SAVED } : {}),
      ...(ins.op === 'LOOP' ? { label: true } : {}),
    };
  });
  const loop = loopIndex(trace);
  const last = trace.snapshots.length - 1;
  const end = loop >= 0 ? backEdgeValues(trace, program, loop) : last >= 0 ? snapshotValues(trace, last) : [];
  program.push({ wide: false, uses: [], softUses: end });
  return program;
}

/** Allocates a trace's registers under a `--regs` budget; errors are located at `trace N ref NNNN`. */
export function allocateTrace(trace: Trace, regs?: number): Allocation {
  return allocateRegisters(allocInput(trace), {
    regs,
    location: (index) => (index < trace.ins.length ? traceLocation(trace.number, insRef(index)) : `${traceLocation(trace.number)} end`),
  });
}

/** The `r` column for each instruction: its spill slot if it has one, else its register. */
export function registerColumns(allocation: Allocation): (RegColumn | undefined)[] {
  return allocation.ins.map((a, index): RegColumn | undefined => {
    const slot = allocation.spillSlots.get(index);
    if (slot !== undefined) return { kind: 'spill', slot };
    return a.dest === undefined ? undefined : { kind: 'reg', name: REGISTER_NAMES[a.dest] };
  });
}
