// Which trap-page entry each host helper (ir's HELPERS, by name) is called at. The replay
// engine maps the same entries to the helpers' implementations.

import type { TrapName } from '@tracesim/machine';
import { AsmError } from './errors';

/** SysV integer argument registers in order (rdi, rsi, rdx, rcx, r8, r9), as helpers receive them. */
export const SYSV_GPR_ARGS: readonly number[] = [7, 6, 2, 1, 8, 9];

export const HELPER_TRAPS: Readonly<Record<string, TrapName>> = {
  lj_vm_floor: 'helper_floor',
  lj_vm_ceil: 'helper_ceil',
  lj_vm_trunc: 'helper_trunc',
  lj_vm_modi: 'helper_modi',
  pow: 'helper_pow',
  fmod: 'helper_fmod',
  tracesim_tick: 'helper_tick',
  tab_get: 'helper_tab_get',
  lj_tab_newkey: 'helper_tab_newkey',
  tab_len: 'helper_tab_len',
  lj_tab_new1: 'helper_tab_new',
  lj_tab_dup: 'helper_tab_dup',
  lj_buf_reset: 'helper_buf_reset',
  lj_buf_putstr: 'helper_buf_putstr',
  lj_buf_tostr: 'helper_buf_tostr',
  lj_strfmt_num: 'helper_strfmt_num',
  lj_strfmt_int: 'helper_strfmt_int',
  uv_get: 'helper_uv_get',
  uv_set: 'helper_uv_set',
  tab_next: 'helper_tab_next',
  tab_key: 'helper_tab_key',
  ff_call: 'helper_ff_call',
  ff_call_side: 'helper_ff_call_side',
  ff_result2: 'helper_ff_result2',
  uv_slot: 'helper_uv_slot',
  cdata_ctypeid: 'helper_cdata_ctypeid',
  cdata_i64: 'helper_cdata_i64',
  cdata_new: 'helper_cdata_new',
};

export function helperTrap(name: string, location: string): TrapName {
  const trap = HELPER_TRAPS[name];
  if (!trap) throw new AsmError(location, `helper ${name} has no trap entry, so traces cannot call it`);
  return trap;
}
