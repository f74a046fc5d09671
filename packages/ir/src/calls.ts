// Host helpers that CALLN/CALLL/CALLS may name in op2 (the IRCallID literal), with their
// signatures and the JavaScript implementation the reference interpreter runs. The backend maps
// the same names to trap-page entries. Entries without `run` exist so LuaJIT dumps that name
// them parse and print; the interpreter reports them as not modelled.

import { luaPow } from '@tracesim/machine';
import type { IRTypeName } from './types';

/** Mutable per-run state a side-effecting helper may touch. */
export interface HelperState {
  ticks: number;
}

export interface HostHelper {
  readonly name: string;
  readonly args: readonly IRTypeName[];
  readonly result: IRTypeName;
  /** 'pure' helpers may be CSE'd (CALLN); 'load' read state (CALLL); 'side' have side effects (CALLS). */
  readonly effect: 'pure' | 'load' | 'side';
  readonly run?: (args: readonly number[], state: HelperState) => number;
}

/** Lua's integer modulo (result takes the divisor's sign), as lj_vm_modi computes it. */
export function luaModInt(a: number, b: number): number {
  const r = a % b;
  return (r !== 0 && (r ^ b) < 0 ? r + b : r) | 0;
}

/** Lua's number modulo: a - floor(a/b)*b, as lj_vm_foldarith computes it. */
export function luaModNum(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

export const HOST_HELPERS = [
  { name: 'lj_vm_floor', args: ['num'], result: 'num', effect: 'pure', run: ([a]) => Math.floor(a) },
  { name: 'lj_vm_ceil', args: ['num'], result: 'num', effect: 'pure', run: ([a]) => Math.ceil(a) },
  { name: 'lj_vm_trunc', args: ['num'], result: 'num', effect: 'pure', run: ([a]) => Math.trunc(a) },
  { name: 'lj_vm_modi', args: ['int', 'int'], result: 'int', effect: 'pure', run: ([a, b]) => luaModInt(a, b) },
  { name: 'pow', args: ['num', 'num'], result: 'num', effect: 'pure', run: ([a, b]) => luaPow(a, b) },
  { name: 'fmod', args: ['num', 'num'], result: 'num', effect: 'pure', run: ([a, b]) => a % b },
  { name: 'lj_vm_next', args: ['tab', 'int'], result: 'p64', effect: 'load' },
  // pairs() traversal's value (recorder-loops.ts): arguments are raw 64-bit TValues; tab_get
  // answers the address of a cell holding the value, which the trace then loads with a
  // type-checking XLOAD. Only the JIT runtime implements it, as tab_len.
  { name: 'tab_get', args: ['i64', 'i64'], result: 'p64', effect: 'load' },
  { name: 'tab_len', args: ['i64'], result: 'num', effect: 'load' },
  /** HREF's operands (the table, the key's TValue) and result (its value cell, or niltv): the backend emits the lookup inline. */
  { name: 'hash_lookup', args: ['tab', 'i64'], result: 'p64', effect: 'load' },
  /** NEWREF: lj_tab_newkey(t, key), the value cell of a new key (nil), after a rehash if the hash part is full. */
  { name: 'lj_tab_newkey', args: ['tab', 'i64'], result: 'p64', effect: 'side' },
  /** TNEW: lj_tab_new1(asize | hbits << 24), a new table with those sizes. */
  { name: 'lj_tab_new1', args: ['int'], result: 'tab', effect: 'side' },
  /** TDUP: a copy of a constructor's template table (op1), which LuaJIT's backend also calls. */
  { name: 'lj_tab_dup', args: ['tab'], result: 'tab', effect: 'side' },
  /** Upvalue `idx` of a closure: the address of its TValue (the stack slot while open). */
  { name: 'uv_get', args: ['i64', 'i64'], result: 'p64', effect: 'load' },
  { name: 'uv_set', args: ['i64', 'i64', 'i64'], result: 'p64', effect: 'side' },
  // String buffers (BUFHDR, BUFPUT, BUFSTR and TOSTR, which LuaJIT's backend also lowers to
  // these C calls): the buffer is the SBuf at the pointer; strings are tagged TValues.
  { name: 'lj_buf_reset', args: ['p64'], result: 'p64', effect: 'side' },
  { name: 'lj_buf_putstr', args: ['p64', 'str'], result: 'p64', effect: 'side' },
  { name: 'lj_buf_tostr', args: ['p64'], result: 'str', effect: 'side' },
  { name: 'lj_strfmt_num', args: ['num'], result: 'str', effect: 'side' },
  { name: 'lj_strfmt_int', args: ['int'], result: 'str', effect: 'side' },
  /** Test helper with a side effect: returns how many times it has been called in this run. */
  { name: 'tracesim_tick', args: [], result: 'int', effect: 'side', run: (_a, state) => ++state.ticks },
  /** pairs() traversal: the position of the first element at or after a position (a num), or -1. */
  { name: 'tab_next', args: ['i64', 'i64'], result: 'num', effect: 'load' },
  /** The key at a position tab_next found: the address of a cell holding it. */
  { name: 'tab_key', args: ['i64', 'i64'], result: 'p64', effect: 'load' },
  /**
   * Where upvalue `idx` of a closure lives, as a slot of the running trace (2 + (address - BASE) / 8):
   * what rec_upvalue's UREFO guards compare. -1 for a closed upvalue.
   */
  { name: 'uv_slot', args: ['i64', 'i64'], result: 'int', effect: 'load' },
  /** A side-effect-free builtin (function, argument count, up to four arguments): the address of a cell with its first result. */
  { name: 'ff_call', args: ['i64', 'i64', 'i64', 'i64', 'i64', 'i64'], result: 'p64', effect: 'load' },
  /** The address of the cell with the second result of the last ff_call (next, string.find). */
  { name: 'ff_result2', args: [], result: 'p64', effect: 'load' },
  /** The same for a builtin that changes state (rawset, setmetatable, table.insert, math.random, io.write). */
  { name: 'ff_call_side', args: ['i64', 'i64', 'i64', 'i64', 'i64', 'i64'], result: 'p64', effect: 'side' },
  // 64-bit integer cdata (host objects behind handles, like tables): a cdata's type (FLOAD
  // cdata.ctypeid; for a ctype object, the type it names in the high half), its value (FLOAD
  // cdata.int64) and a new one boxing a value (CNEWI: an allocation, so DCE drops unused ones).
  { name: 'cdata_ctypeid', args: ['i64'], result: 'int', effect: 'load' },
  { name: 'cdata_i64', args: ['i64'], result: 'i64', effect: 'load' },
  { name: 'cdata_new', args: ['int', 'i64'], result: 'cdt', effect: 'load' },
] as const satisfies readonly HostHelper[];

export const HELPERS: readonly HostHelper[] = HOST_HELPERS;

export function helperId(name: string): number | undefined {
  const id = HELPERS.findIndex((h) => h.name === name);
  return id >= 0 ? id : undefined;
}
