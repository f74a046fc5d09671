// The table, upvalue and builtin helpers recorded code calls (NEWREF's lj_tab_newkey, TNEW's
// lj_tab_new1, TDUP's lj_tab_dup, ir's tab_*, uv_get/uv_set, ff_call, at asm's HELPER_TRAPS
// entries): they run in TypeScript on the interpreter's heap. Arguments and results are raw
// 64-bit TValues in SysV registers (rdi, rsi, rdx, rcx, r8); tab_get and ff_call leave the value
// in the helper-result cell and return its address, for the trace's type-checking XLOAD;
// lj_tab_newkey returns the address of the new key's value cell in emulated memory, which the
// trace's HSTORE then writes.
import { SYSV_GPR_ARGS } from '@tracesim/asm';
import type { Cpu } from '@tracesim/cpu-sim';
import { LuaFunction, LuaTable, LuaThrow, type LuaInterpreter, type LuaValue } from '@tracesim/lua';
import { DISPATCH, DISPATCH_OFFSETS, ITYPE, gcWords, trapAddress } from '@tracesim/machine';
import { helperValues, RESULT_CELL, RESULT_CELL2 } from './tvalue-cell';
import { templateOf } from './template-handles';
import { ReplayInputError } from './errors';

const RAX = 0;
/** An upvalue-tagged TValue: no type guard accepts it (the helper's way to leave the trace). */
const NOT_A_VALUE = gcWords(ITYPE.upval, 0);

/** Integer argument `i` of the helper call being served. */
const arg = (c: Cpu, i: number): bigint => c.state.reg(SYSV_GPR_ARGS[i]);

export function mapTableHelpers(cpu: Cpu, vm: LuaInterpreter): void {
  const { arg: argValue, result: returnValue } = helperValues(vm);
  const table = (c: Cpu, i: number): LuaTable => argValue(c, i) as LuaTable;
  cpu.mapTrap(trapAddress('helper_tab_get'), 'helper_tab_get', (c) => {
    vm.stack.set(RESULT_CELL, table(c, 0).get(argValue(c, 1)));
    c.state.setRegNumber(RAX, RESULT_CELL);
    return { kind: 'return' };
  });
  // A new key, which may rehash the table (the recorder knows it may).
  cpu.mapTrap(trapAddress('helper_tab_newkey'), 'helper_tab_newkey', (c) => {
    c.state.setRegNumber(RAX, table(c, 0).newKeyCell(argValue(c, 1) as never));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_len'), 'helper_tab_len', (c) => {
    c.state.setXmmDouble(0, table(c, 0).length());
    return { kind: 'return' };
  });
  const upvalue = (c: Cpu) => (argValue(c, 0) as LuaFunction).upvalues[Number(arg(c, 1))];
  cpu.mapTrap(trapAddress('helper_uv_get'), 'helper_uv_get', (c) => {
    const uv = upvalue(c);
    if (uv.closed) vm.stack.set(RESULT_CELL, uv.value);
    c.state.setRegNumber(RAX, uv.closed ? RESULT_CELL : uv.address);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_uv_set'), 'helper_uv_set', (c) => {
    const uv = upvalue(c);
    const v = argValue(c, 2);
    if (uv.closed) uv.value = v;
    else vm.stack.set(uv.address, v);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_uv_slot'), 'helper_uv_slot', (c) => {
    const uv = upvalue(c);
    const base = c.memory.read32(DISPATCH + DISPATCH_OFFSETS.savedBase);
    c.state.setRegNumber(RAX, uv.closed ? 0xffffffff : (2 + (uv.address - base) / 8) >>> 0);
    return { kind: 'return' };
  });
  // Positions are the interpreter's ITERN control values: array index, then hash slot after the array.
  const position = (c: Cpu) => argValue(c, 1) as number;
  cpu.mapTrap(trapAddress('helper_tab_next'), 'helper_tab_next', (c) => {
    c.state.setXmmDouble(0, table(c, 0).nextFrom(position(c))?.[0] ?? -1);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_key'), 'helper_tab_key', (c) => {
    vm.stack.set(RESULT_CELL, table(c, 0).nextFrom(position(c))![1] as LuaValue);
    c.state.setRegNumber(RAX, RESULT_CELL);
    return { kind: 'return' };
  });
  const callBuiltin = (c: Cpu) => {
    // ff_call(fn, nargs, a, b, c, d): the builtin's arguments are integer arguments 2..5.
    const args = [2, 3, 4, 5].slice(0, Number(arg(c, 1))).map((i) => argValue(c, i));
    try {
      // The second cell gets nil when there is no second result, which its guard then sees.
      const results = vm.runBuiltin(argValue(c, 0) as LuaFunction, args);
      vm.stack.set(RESULT_CELL2, results[1]);
      vm.stack.set(RESULT_CELL, results[0]);
    } catch (err) {
      if (!(err instanceof LuaThrow)) throw err;
      // The builtin raised an error: a value of no Lua type fails the trace's type guard, and
      // the interpreter runs the call again from the exit's snapshot and raises it properly.
      vm.mem.write64Halves(RESULT_CELL, NOT_A_VALUE.lo, NOT_A_VALUE.hi);
      vm.mem.write64Halves(RESULT_CELL2, NOT_A_VALUE.lo, NOT_A_VALUE.hi);
    }
    c.state.setRegNumber(RAX, RESULT_CELL);
    return { kind: 'return' } as const;
  };
  cpu.mapTrap(trapAddress('helper_ff_call'), 'helper_ff_call', callBuiltin);
  cpu.mapTrap(trapAddress('helper_ff_result2'), 'helper_ff_result2', (c) => {
    c.state.setRegNumber(RAX, RESULT_CELL2);
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_ff_call_side'), 'helper_ff_call_side', callBuiltin);
  cpu.mapTrap(trapAddress('helper_tab_new'), 'helper_tab_new', (c) => {
    const sizes = Number(arg(c, 0));
    returnValue(c, vm.heap.table(sizes & 0xffffff, sizes >>> 24));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_tab_dup'), 'helper_tab_dup', (c) => {
    const template = templateOf(table(c, 0));
    if (!template) throw new ReplayInputError('lj_tab_dup', 'the argument is not a TDUP template of this program');
    returnValue(c, vm.duplicate(template));
    return { kind: 'return' };
  });
}
