// Host-side Lua values and GC objects. Numbers, booleans and nil are plain JS values; strings,
// tables and functions are objects that own a 47-bit handle (their payload in a NaN-tagged
// GC64 TValue). Strings are interned, so equal strings are the same object and handle.
import type { LuaTable } from './table';
import type { Proto } from './proto';

export class LuaString {
  constructor(readonly handle: number, readonly s: string) {}
}

/** An upvalue: open while it aliases a stack slot (by address), closed once it holds its own value. */
export class Upvalue {
  closed = false;
  value: LuaValue = undefined;
  constructor(public address: number) {}
}

/** A builtin returns its results: an array, a single non-nil value, or undefined for no results. */
export type BuiltinFn = (args: LuaValue[], call: BuiltinCall) => LuaValue[] | LuaValue | void;

/** What a builtin may ask of the interpreter. */
export interface BuiltinCall {
  readonly name: string;
  str(s: string): LuaString;
  /** Raise a Lua error with a value (error()), with `level` as in Lua. */
  error(value: LuaValue, level: number): never;
  /** Raise `bad argument #n to 'name' (msg)`. */
  argError(n: number, msg: string): never;
}

export class LuaFunction {
  constructor(
    readonly handle: number,
    readonly proto: Proto | null,
    readonly upvalues: Upvalue[],
    readonly builtin: BuiltinFn | null,
    /** A builtin's name as LuaJIT's -jv names it: `print`, `math.modf`, `string.sub`. */
    readonly name: string,
  ) {}

  /** The short name Lua's argument errors use (`modf` for math.modf). */
  get shortName(): string {
    return this.name.slice(this.name.lastIndexOf('.') + 1);
  }
}

export type LuaObject = LuaString | LuaTable | LuaFunction;
export type LuaValue = undefined | boolean | number | LuaObject;

/** Lua's type() name. */
export function typeName(v: LuaValue): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (v instanceof LuaString) return 'string';
  if (v instanceof LuaFunction) return 'function';
  return 'table';
}

export const truthy = (v: LuaValue): boolean => v !== undefined && v !== false;
