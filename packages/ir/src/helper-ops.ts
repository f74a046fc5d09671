// The instructions the backend carries out as a host helper call, with the arguments passed:
// CALLN/CALLL/CALLS name their helper in op2 (arguments in op1's CARG chain); BUFPUT, BUFSTR,
// TOSTR, TDUP, TNEW and NEWREF call the C functions LuaJIT's backend calls for them (asm_bufput
// → lj_buf_putstr, asm_bufstr → lj_buf_tostr, asm_tostr → lj_strfmt_int/num, asm_tdup →
// lj_tab_dup, asm_tnew → lj_tab_new1 with the sizes as one immediate, asm_newref →
// lj_tab_newkey). BUFHDR, which LuaJIT emits inline (two stores into the SBuf), is a call to
// lj_buf_reset here. HREF is emitted inline, but takes its operands and leaves its result as a
// call does (asm's hash-lookup.ts).

import { HELPERS, helperId, type HostHelper } from './calls';
import { TOSTR_MODES } from './literals';
import type { IROpName } from './opcodes';
import { callArguments } from './queries';
import type { Ref } from './refs';
import type { IRIns, Trace } from './trace';

export interface HelperCall {
  readonly helper: HostHelper;
  readonly args: readonly Ref[];
  /** A last argument that is no ref but an immediate (TNEW's sizes). */
  readonly immediate?: number;
}

const TOSTR_INT = TOSTR_MODES.indexOf('INT');

const LOWERED: Partial<Record<IROpName, (ins: IRIns) => readonly [string, readonly Ref[], number?]>> = {
  BUFHDR: (ins) => ['lj_buf_reset', [ins.op1]],
  BUFPUT: (ins) => ['lj_buf_putstr', [ins.op1, ins.op2]],
  BUFSTR: (ins) => ['lj_buf_tostr', [ins.op1]],
  TOSTR: (ins) => [ins.op2 === TOSTR_INT ? 'lj_strfmt_int' : 'lj_strfmt_num', [ins.op1]],
  TDUP: (ins) => ['lj_tab_dup', [ins.op1]],
  TNEW: (ins) => ['lj_tab_new1', [], (ins.op1 | (ins.op2 << 24)) >>> 0],
  NEWREF: (ins) => ['lj_tab_newkey', [ins.op1, ins.op2]],
  HREF: (ins) => ['hash_lookup', [ins.op1, ins.op2]],
};

const CALL_OPS: ReadonlySet<IROpName> = new Set<IROpName>(['CALLN', 'CALLL', 'CALLS']);

/** The helper call `ins` is carried out as, or undefined when it is not one (or names no helper). */
export function helperCall(trace: Trace, ins: IRIns): HelperCall | undefined {
  if (CALL_OPS.has(ins.op)) {
    const helper = HELPERS[ins.op2];
    return helper ? { helper, args: callArguments(trace, ins.op1) } : undefined;
  }
  const lowered = LOWERED[ins.op];
  if (!lowered) return undefined;
  const [name, args, immediate] = lowered(ins);
  return { helper: HELPERS[helperId(name)!], args, ...(immediate !== undefined ? { immediate } : {}) };
}

/** Whether the backend carries `op` out as a helper call. */
export function isHelperCallOp(op: IROpName): boolean {
  return CALL_OPS.has(op) || LOWERED[op] !== undefined;
}
