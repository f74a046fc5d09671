// Argument checks shared by every library (lauxlib's luaL_check*/luaL_opt*): each raises
// Lua's own `bad argument #n to 'name' (... expected, got ...)` through the BuiltinCall.
import { formatNumber, parseNumber } from '../numfmt';
import { LuaTable } from '../table';
import { LuaFunction, LuaString, typeName } from '../value';
import type { BuiltinCall, LuaValue } from '../value';

/** The type name an argument error reports ('no value' past the last argument). */
export const argTypeName = (args: readonly LuaValue[], i: number): string => (i < args.length ? typeName(args[i]) : 'no value');

export function checkNumber(args: readonly LuaValue[], i: number, call: BuiltinCall): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  if (v instanceof LuaString) {
    const n = parseNumber(v.s);
    if (n !== undefined) return n;
  }
  return call.argError(i + 1, `number expected, got ${argTypeName(args, i)}`);
}

export function optNumber(args: readonly LuaValue[], i: number, def: number, call: BuiltinCall): number {
  return args[i] === undefined ? def : checkNumber(args, i, call);
}

/** luaL_checkint: a number truncated towards zero (C's cast of lua_Number to int). */
export function checkInt(args: readonly LuaValue[], i: number, call: BuiltinCall): number {
  return toInt(checkNumber(args, i, call));
}

export function optInt(args: readonly LuaValue[], i: number, def: number, call: BuiltinCall): number {
  return args[i] === undefined ? def : checkInt(args, i, call);
}

/** C's (int) cast of a double: truncation, with out-of-range values as x86's cvttsd2si gives them. */
export function toInt(n: number): number {
  if (!Number.isFinite(n) || n >= 2 ** 31 || n < -(2 ** 31)) return -(2 ** 31);
  return Math.trunc(n) | 0;
}

export function checkString(args: readonly LuaValue[], i: number, call: BuiltinCall): string {
  const v = args[i];
  if (v instanceof LuaString) return v.s;
  if (typeof v === 'number') return formatNumber(v);
  return call.argError(i + 1, `string expected, got ${argTypeName(args, i)}`);
}

export function optString(args: readonly LuaValue[], i: number, def: string, call: BuiltinCall): string {
  return args[i] === undefined ? def : checkString(args, i, call);
}

export function checkTable(args: readonly LuaValue[], i: number, call: BuiltinCall): LuaTable {
  const v = args[i];
  if (v instanceof LuaTable) return v;
  return call.argError(i + 1, `table expected, got ${argTypeName(args, i)}`);
}

export function checkFunction(args: readonly LuaValue[], i: number, call: BuiltinCall): LuaFunction {
  const v = args[i];
  if (v instanceof LuaFunction) return v;
  return call.argError(i + 1, `function expected, got ${argTypeName(args, i)}`);
}

export function checkAny(args: readonly LuaValue[], i: number, call: BuiltinCall): void {
  if (i >= args.length) call.argError(i + 1, 'value expected');
}
