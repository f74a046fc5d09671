// The table, string, upvalue and builtin helpers recorded code calls (ir's tab_*, str_cat,
// uv_get/uv_set, ff_call, at asm's HELPER_TRAPS entries): tables are host objects of the
// interpreter, so these run in TypeScript on the interpreter's heap. Arguments and results are
// raw 64-bit TValues in SysV registers (rdi, rsi, rdx, rcx, r8); tab_get and ff_call leave the
// value in the helper-result cell and return its address, for the trace's type-checking XLOAD.
import type { Cpu } from '@tracesim/cpu-sim';
import { LuaFunction, LuaString, LuaTable, formatNumber, type LuaInterpreter, type LuaValue } from '@tracesim/lua';
import { trapAddress } from '@tracesim/machine';
import { RESULT_CELL, tvalueBits, tvalueOf } from './tvalue-cell';

const RDI = 7;
const RSI = 6;
const RDX = 2;
const RCX = 1;
const R8 = 8;
const RAX = 0;

export function mapTableHelpers(cpu: Cpu, vm: LuaInterpreter): void {
  const value = (bits: bigint) => tvalueOf(vm, bits);
  const table = (bits: bigint): LuaTable => value(bits) as LuaTable;
  const bitsOf = (v: LuaValue): bigint => tvalueBits(vm, v);
  cpu.mapTrap(trapAddress('helper_tab_get'), 'helper_tab_get', (c) => {
    vm.stack.set(RESULT_CELL, table(c.state.reg(RDI)).get(value(c.state.reg(RSI))));
    c.state.setRegNumber(RAX, RESULT_CELL);
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
    if (uv.closed) vm.stack.set(RESULT_CELL, uv.value);
    c.state.setRegNumber(RAX, uv.closed ? RESULT_CELL : uv.address);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_uv_set'), 'helper_uv_set', (c) => {
    const uv = upvalue(c);
    const v = value(c.state.reg(RDX));
    if (uv.closed) uv.value = v;
    else vm.stack.set(uv.address, v);
    return { kind: 'return' };
  });
  // Positions are the interpreter's ITERN control values: array index, then hash slot after the array.
  const position = (c: Cpu) => value(c.state.reg(RSI)) as number;
  cpu.mapTrap(trapAddress('helper_tab_next'), 'helper_tab_next', (c) => {
    c.state.setXmmDouble(0, table(c.state.reg(RDI)).nextFrom(position(c))?.[0] ?? -1);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_key'), 'helper_tab_key', (c) => {
    vm.stack.set(RESULT_CELL, table(c.state.reg(RDI)).nextFrom(position(c))![1] as LuaValue);
    c.state.setRegNumber(RAX, RESULT_CELL);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_ff_call'), 'helper_ff_call', (c) => {
    const args = [RDX, RCX, R8].slice(0, Number(c.state.reg(RSI))).map((r) => value(c.state.reg(r)));
    vm.stack.set(RESULT_CELL, vm.runBuiltin(value(c.state.reg(RDI)) as LuaFunction, args)[0]);
    c.state.setRegNumber(RAX, RESULT_CELL);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_new'), 'helper_tab_new', (c) => {
    c.state.setReg(RAX, bitsOf(vm.heap.table()));
    return { kind: 'return' };
  });
}
