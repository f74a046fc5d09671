// Small questions about a trace that several passes (and the backend) ask: the argument list of
// a CALL*, the exit (snapshot) a guard at a given ref takes, the value type of a ref.

import { constIndex, insIndex, isConstRef, REF_BASE, REF_NIL, type Ref } from './refs';
import type { Trace, TraceSet } from './trace';
import type { IRTypeName } from './types';

/** Arguments of a CALL* from its op1: none (REF_NIL), one ref, or a left-leaning CARG chain. */
export function callArguments(trace: Trace, op1: Ref): Ref[] {
  if (op1 === REF_NIL) return [];
  const args: Ref[] = [];
  let ref = op1;
  // Follow the chain downwards only, so a malformed (cyclic) chain cannot loop.
  for (let ins = trace.ins[insIndex(ref)]; !isConstRef(ref) && ins?.op === 'CARG' && (isConstRef(ins.op1) || ins.op1 < ref); ins = trace.ins[insIndex(ref)]) {
    args.unshift(ins.op2);
    ref = ins.op1;
  }
  args.unshift(ref);
  return args;
}

/** The exit number (snapshot index) in force for a guard at `ref`, or undefined if none is. */
export function snapshotInForce(trace: Trace, ref: Ref): number | undefined {
  const snaps = trace.snapshots;
  for (let n = snaps.length - 1; n >= 0; n--) if (snaps[n].ref <= ref) return n;
  return undefined;
}

/** Type of a ref; REF_BASE (printed 0000) is the BASE pointer LuaJIT keeps at that ref. */
export function refType(trace: Trace, ref: Ref): IRTypeName {
  if (ref === REF_BASE) return 'p64';
  return isConstRef(ref) ? trace.consts[constIndex(ref)].type : trace.ins[insIndex(ref)].type;
}

/** Types LuaJIT mixes freely as operands: a GC64 pointer and a pointer-sized integer (IRT_INTP). */
export function sameOperandType(a: IRTypeName, b: IRTypeName): boolean {
  return a === b || ((a === 'p64' || a === 'i64') && (b === 'p64' || b === 'i64'));
}

export function findTrace(set: TraceSet, number: number): Trace | undefined {
  return set.traces.find((t) => t.number === number);
}

/** The side trace patched onto exit `exit` of trace `parent`, if any. */
export function sideTraceAt(set: TraceSet, parent: number, exit: number): Trace | undefined {
  return set.traces.find((t) => t.start.kind === 'side' && t.start.parent === parent && t.start.exit === exit);
}
