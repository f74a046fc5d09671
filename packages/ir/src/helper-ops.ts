// The instructions the backend carries out as a host helper call, with the arguments passed:
// CALLN/CALLL/CALLS name their helper in op2 (arguments in op1's CARG chain); BUFPUT, BUFSTR,
// TOSTR and TDUP call the C functions LuaJIT's backend calls for them (asm_bufput →
// lj_buf_putstr, asm_bufstr → lj_buf_tostr, asm_tostr → lj_strfmt_int/num, asm_tdup → lj_tab_dup). BUFHDR, which LuaJIT emits inline
// (two stores into the SBuf), is a call to lj_buf_reset here.

import { HELPERS, helperId, type HostHelper } from './calls';
import { TOSTR_MODES } from './literals';
import type { IROpName } from './opcodes';
import { callArguments } from './queries';
import type { Ref } from './refs';
import type { IRIns, Trace } from './trace';

export interface HelperCall {
  readonly helper: HostHelper;
  readonly args: readonly Ref[];
}

const TOSTR_INT = TOSTR_MODES.indexOf('INT');

const LOWERED: Partial<Record<IROpName, (ins: IRIns) => readonly [string, readonly Ref[]]>> = {
  BUFHDR: (ins) => ['lj_buf_reset', [ins.op1]],
  BUFPUT: (ins) => ['lj_buf_putstr', [ins.op1, ins.op2]],
  BUFSTR: (ins) => ['lj_buf_tostr', [ins.op1]],
  TOSTR: (ins) => [ins.op2 === TOSTR_INT ? 'lj_strfmt_int' : 'lj_strfmt_num', [ins.op1]],
  TDUP: (ins) => ['lj_tab_dup', [ins.op1]],
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
  const [name, args] = lowered(ins);
  return { helper: HELPERS[helperId(name)!], args };
}

/** Whether the backend carries `op` out as a helper call. */
export function isHelperCallOp(op: IROpName): boolean {
  return CALL_OPS.has(op) || LOWERED[op] !== undefined;
}
