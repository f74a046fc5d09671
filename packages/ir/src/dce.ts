// Dead-code elimination (as lj_opt_dce): an instruction survives if a snapshot, a PHI or a kept
// instruction uses it, or if it has a side effect (store-kind op, or a guard whose op is not
// marked W in IRDEF). Dead instructions become NOPs so refs and exit numbers stay put.

import { opInfo } from './opcodes';
import { insIndex, isConstRef, REF_FIRST } from './refs';
import type { IRIns, Trace } from './trace';

export function hasSideEffect(ins: IRIns): boolean {
  const info = opInfo(ins.op);
  return info.kind === 'S' || (ins.guard && !info.weakGuard);
}

export function eliminateDeadCode(trace: Trace): Trace {
  const live = new Array<boolean>(trace.ins.length).fill(false);
  const mark = (ref: number): void => {
    if (ref >= REF_FIRST && !isConstRef(ref) && insIndex(ref) < live.length) live[insIndex(ref)] = true;
  };
  for (const snap of trace.snapshots) for (const e of snap.entries) mark(e.ref);
  for (let i = trace.ins.length - 1; i >= 0; i--) {
    const ins = trace.ins[i];
    if (ins.op === 'NOP') continue;
    if (hasSideEffect(ins)) live[i] = true;
    if (!live[i]) continue;
    const info = opInfo(ins.op);
    if (info.op1 === 'ref') mark(ins.op1);
    if (info.op2 === 'ref') mark(ins.op2);
  }
  const ins = trace.ins.map((x, i): IRIns => (live[i] || x.op === 'NOP' ? x : { op: 'NOP', type: 'nil', guard: false, phi: false, op1: 0, op2: 0 }));
  return { ...trace, ins };
}
