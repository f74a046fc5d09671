// Converting between Lua values and their raw 64-bit TValues, through the interpreter's own
// encoding: the value goes through the helper-result cell on the global page. The recorder
// uses it for constants, the host helpers for their arguments and results.
import { SYSV_GPR_ARGS } from '@tracesim/asm';
import type { Cpu } from '@tracesim/cpu-sim';
import type { LuaInterpreter, LuaValue } from '@tracesim/lua';
import { DISPATCH, DISPATCH_OFFSETS } from '@tracesim/machine';

const RAX = 0;

/** Where tab_get leaves its value and where values are encoded and decoded. */
export const RESULT_CELL = DISPATCH + DISPATCH_OFFSETS.helperResult;
/** Where ff_call leaves a second result. */
export const RESULT_CELL2 = DISPATCH + DISPATCH_OFFSETS.helperResult2;

export function tvalueBits(vm: LuaInterpreter, v: LuaValue): bigint {
  vm.stack.set(RESULT_CELL, v);
  return vm.mem.read64(RESULT_CELL);
}

export function tvalueOf(vm: LuaInterpreter, bits: bigint): LuaValue {
  vm.mem.write64(RESULT_CELL, bits);
  return vm.stack.get(RESULT_CELL);
}

/**
 * Argument `i` (a TValue in its SysV register) and the result (a TValue in rax) of the helper
 * call being served. They go through the result cell as int32 halves: no BigInt on the
 * per-call path, which a table-heavy loop takes millions of times.
 */
export function helperValues(vm: LuaInterpreter): { arg: (c: Cpu, i: number) => LuaValue; result: (c: Cpu, v: LuaValue) => void } {
  return {
    arg: (c, i) => {
      const r = SYSV_GPR_ARGS[i];
      vm.mem.write64Halves(RESULT_CELL, c.state.gpr[2 * r], c.state.gpr[2 * r + 1]);
      return vm.stack.get(RESULT_CELL);
    },
    result: (c, v) => {
      vm.stack.set(RESULT_CELL, v);
      c.state.gpr[2 * RAX] = vm.mem.read32(RESULT_CELL);
      c.state.gpr[2 * RAX + 1] = vm.mem.read32(RESULT_CELL + 4);
    },
  };
}
