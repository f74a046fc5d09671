// The host helpers behind the trap page: each helper the backend calls (asm's HELPER_TRAPS,
// by name) runs ir's implementation with SysV arguments (ints in edi, esi, ...; nums in xmm0,
// xmm1, ...) and returns its result in eax or xmm0, then `ret`s to the trace.
import { HELPER_TRAPS, SYSV_GPR_ARGS } from '@tracesim/asm';
import type { Cpu } from '@tracesim/cpu-sim';
import { HELPERS, wordsToBits, type HelperState, type HostHelper, type StringModel } from '@tracesim/ir';
import { trapAddress, type TrapName } from '@tracesim/machine';

const RAX = 0;

function callHelper(cpu: Cpu, helper: HostHelper, run: NonNullable<HostHelper['run']>, state: HelperState): void {
  let ints = 0;
  let nums = 0;
  const args = helper.args.map((type) => (type === 'num' ? cpu.state.xmmDouble(nums++) : cpu.state.gpr[2 * SYSV_GPR_ARGS[ints++]]));
  const result = run(args, state);
  if (helper.result === 'num') cpu.state.setXmmDouble(0, result);
  else cpu.state.setRegNumber(RAX, result >>> 0);
}

/** Maps every modelled helper's trap entry; `state` carries side effects (tracesim_tick) across the run. */
export function mapHelpers(cpu: Cpu, state: HelperState): void {
  for (const helper of HELPERS) {
    const trap = HELPER_TRAPS[helper.name];
    const run = helper.run;
    if (trap === undefined || run === undefined) continue;
    cpu.mapTrap(trapAddress(trap), trap, (c) => {
      callHelper(c, helper, run, state);
      return { kind: 'return' };
    });
  }
}

/**
 * The string-buffer helpers over ir's StringModel, for replaying trace sets without an
 * interpreter: the same strings the reference interpreter makes (lj_buf_reset, lj_buf_putstr,
 * lj_buf_tostr, lj_strfmt_num, lj_strfmt_int; pointers and strings are whole 64-bit values).
 */
export function mapModelStringHelpers(cpu: Cpu, strings: StringModel): void {
  const arg = (c: Cpu, i: number): bigint => c.state.reg(SYSV_GPR_ARGS[i]);
  const answer = (trap: TrapName, compute: (c: Cpu) => bigint) =>
    cpu.mapTrap(trapAddress(trap), trap, (c) => {
      c.state.setReg(RAX, compute(c));
      return { kind: 'return' };
    });
  answer('helper_buf_reset', (c) => strings.reset(arg(c, 0)));
  answer('helper_buf_putstr', (c) => strings.put(arg(c, 0), arg(c, 1), 'lj_buf_putstr'));
  answer('helper_buf_tostr', (c) => wordsToBits(strings.toString(arg(c, 0), 'lj_buf_tostr')));
  answer('helper_strfmt_num', (c) => wordsToBits(strings.fromNumber(c.state.xmmDouble(0))));
  answer('helper_strfmt_int', (c) => wordsToBits(strings.fromInt(Number(BigInt.asIntN(32, arg(c, 0))))));
}
