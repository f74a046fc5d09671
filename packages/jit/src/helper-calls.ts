// The host helpers behind the trap page: each helper the backend calls (asm's HELPER_TRAPS,
// by name) runs ir's implementation with SysV arguments (ints in edi, esi, ...; nums in xmm0,
// xmm1, ...) and returns its result in eax or xmm0, then `ret`s to the trace.
import { HELPER_TRAPS, SYSV_GPR_ARGS } from '@tracesim/asm';
import type { Cpu } from '@tracesim/cpu-sim';
import { HELPERS, type HelperState, type HostHelper } from '@tracesim/ir';
import { trapAddress } from '@tracesim/machine';

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
