// Converting between Lua values and their raw 64-bit TValues, through the interpreter's own
// encoding: the value goes through the helper-result cell on the global page. The recorder
// uses it for constants, the host helpers for their arguments and results.
import type { LuaInterpreter, LuaValue } from '@tracesim/lua';
import { DISPATCH, DISPATCH_OFFSETS } from '@tracesim/machine';

/** Where tab_get leaves its value and where values are encoded and decoded. */
export const RESULT_CELL = DISPATCH + DISPATCH_OFFSETS.helperResult;

export function tvalueBits(vm: LuaInterpreter, v: LuaValue): bigint {
  vm.stack.set(RESULT_CELL, v);
  return vm.mem.read64(RESULT_CELL);
}

export function tvalueOf(vm: LuaInterpreter, bits: bigint): LuaValue {
  vm.mem.write64(RESULT_CELL, bits);
  return vm.stack.get(RESULT_CELL);
}
