// Connects the register allocator to IR traces: derives each instruction's value class and
// operand uses from the IR tables, and turns an allocation back into the -jdump `r` column
// (a spilled value prints as its slot, as LuaJIT's dump does, else its register).

import {
  insIndex, insRef, isConstRef, opInfo, traceLocation, VALUELESS_OPS,
  type IRIns, type RegColumn, type Trace, REGISTER_NAMES,
} from '@tracesim/ir';
import { isWideType } from './frame';
import { allocateRegisters, type AllocIns, type Allocation } from './regalloc';

function valueClass(ins: IRIns): AllocIns['cls'] {
  if (VALUELESS_OPS.has(ins.op) || ins.op === 'CARG') return undefined;
  return ins.type === 'num' || ins.type === 'flt' ? 'fpr' : 'gpr';
}

/**
 * Instruction indices whose values `ins` reads: its ref operands, with a CARG chain (a call's
 * argument list) flattened into the arguments it holds, left to right.
 */
function valueOperands(trace: Trace, ins: IRIns, at: number): number[] {
  const info = opInfo(ins.op);
  const refs = [info.op1 === 'ref' ? ins.op1 : 0, info.op2 === 'ref' ? ins.op2 : 0];
  return refs.flatMap((ref) => {
    if (ref === 0 || isConstRef(ref)) return [];
    const index = insIndex(ref);
    const target = trace.ins[index];
    if (target === undefined) return [];
    // Only earlier CARGs are followed, so a malformed chain cannot cycle; any other forward
    // ref to a value is kept for the allocator to report with its location.
    if (target.op === 'CARG' && index < at) return valueOperands(trace, target, index);
    return valueClass(target) === undefined ? [] : [index];
  });
}

/** The allocator's view of a trace: per instruction, its value class and the values it reads. */
export function allocInput(trace: Trace): AllocIns[] {
  return trace.ins.map((ins, at) => ({
    cls: valueClass(ins),
    wide: isWideType(ins.type),
    uses: ins.op === 'CARG' ? [] : valueOperands(trace, ins, at),
  }));
}

/** Allocates a trace's registers under a `--regs` budget; errors are located at `trace N ref NNNN`. */
export function allocateTrace(trace: Trace, regs?: number): Allocation {
  return allocateRegisters(allocInput(trace), { regs, location: (index) => traceLocation(trace.number, insRef(index)) });
}

/** The `r` column for each instruction: its spill slot if it has one, else its register. */
export function registerColumns(allocation: Allocation): (RegColumn | undefined)[] {
  return allocation.ins.map((a, index): RegColumn | undefined => {
    const slot = allocation.spillSlots.get(index);
    if (slot !== undefined) return { kind: 'spill', slot };
    return a.dest === undefined ? undefined : { kind: 'reg', name: REGISTER_NAMES[a.dest] };
  });
}
