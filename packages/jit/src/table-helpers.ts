// The table, string and upvalue helpers recorded code calls (ir's tab_*, str_cat, uv_get/uv_set, at asm's
// HELPER_TRAPS entries): tables are host objects of the interpreter, so these run in
// TypeScript on the interpreter's heap. Arguments and results are raw 64-bit TValues in SysV
// registers (rdi, rsi, rdx); tab_get leaves the value in the helper-result cell and returns
// its address, for the trace's type-checking XLOAD.
import type { Cpu } from '@tracesim/cpu-sim';
import { LuaFunction, LuaString, LuaTable, formatNumber, type LuaInterpreter } from '@tracesim/lua';
import { DISPATCH, DISPATCH_OFFSETS, trapAddress } from '@tracesim/machine';

const RDI = 7;
const RSI = 6;
const RDX = 2;
const RAX = 0;
const CELL = DISPATCH + DISPATCH_OFFSETS.helperResult;

export function mapTableHelpers(cpu: Cpu, vm: LuaInterpreter): void {
  /** The Lua value of raw TValue bits (decoded through the result cell). */
  const value = (bits: bigint) => {
    cpu.memory.write64(CELL, bits);
    return vm.stack.get(CELL);
  };
  const table = (bits: bigint): LuaTable => value(bits) as LuaTable;
  const bitsOf = (v: Parameters<typeof vm.stack.set>[1]): bigint => {
    vm.stack.set(CELL, v);
    return cpu.memory.read64(CELL);
  };
  cpu.mapTrap(trapAddress('helper_tab_get'), 'helper_tab_get', (c) => {
    vm.stack.set(CELL, table(c.state.reg(RDI)).get(value(c.state.reg(RSI))));
    c.state.setRegNumber(RAX, CELL);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_set'), 'helper_tab_set', (c) => {
    const key = value(c.state.reg(RSI));
    table(c.state.reg(RDI)).set(key as never, value(c.state.reg(RDX)));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_len'), 'helper_tab_len', (c) => {
    c.state.setXmmDouble(0, table(c.state.reg(RDI)).length());
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_str_concat'), 'helper_str_concat', (c) => {
    const text = (v: unknown): string => (v instanceof LuaString ? v.s : formatNumber(v as number));
    c.state.setReg(RAX, bitsOf(vm.heap.str(text(value(c.state.reg(RDI))) + text(value(c.state.reg(RSI))))));
    return { kind: 'return' };
  });
  const upvalue = (c: Cpu) => (value(c.state.reg(RDI)) as LuaFunction).upvalues[Number(c.state.reg(RSI))];
  cpu.mapTrap(trapAddress('helper_uv_get'), 'helper_uv_get', (c) => {
    const uv = upvalue(c);
    if (uv.closed) vm.stack.set(CELL, uv.value);
    c.state.setRegNumber(RAX, uv.closed ? CELL : uv.address);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_uv_set'), 'helper_uv_set', (c) => {
    const uv = upvalue(c);
    const v = value(c.state.reg(RDX));
    if (uv.closed) uv.value = v;
    else vm.stack.set(uv.address, v);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_new'), 'helper_tab_new', (c) => {
    c.state.setReg(RAX, bitsOf(vm.heap.table()));
    return { kind: 'return' };
  });
}
