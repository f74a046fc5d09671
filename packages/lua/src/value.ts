// Host-side Lua values and GC objects. Numbers, booleans and nil are plain JS values; strings,
// tables, functions, coroutines and cdata are objects that own a 47-bit handle (their payload
// in a NaN-tagged GC64 TValue). Strings are interned, so equal strings are the same object.
import type { LuaTable } from './table';
import type { Proto } from './proto';
import type { CType } from './ctype';
import { stringHash } from '@tracesim/machine';

export class LuaString {
  private cachedHash: number | undefined;
  constructor(readonly handle: number, readonly s: string) {}

  /** The hash its GCstr header holds (a table's main position for it). */
  get hash(): number {
    return (this.cachedHash ??= stringHash(this.s));
  }
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
  /** Call a value (a function, or anything with __call) from this builtin, as lua_call does: all its results. */
  call(fn: LuaValue, args: readonly LuaValue[]): LuaValue[];
}

export class LuaFunction {
  constructor(
    readonly handle: number,
    readonly proto: Proto | null,
    readonly upvalues: Upvalue[],
    readonly builtin: BuiltinFn | null,
    /** A builtin's name as LuaJIT's -jv names it: `print`, `math.modf`, `string.sub`. */
    readonly name: string,
    /** The function's environment (globals for GGET/GSET); setfenv replaces it. */
    public env: LuaTable,
  ) {}

  /** The short name Lua's argument errors use (`modf` for math.modf). */
  get shortName(): string {
    return this.name.slice(this.name.lastIndexOf('.') + 1);
  }
}

export type ThreadStatus = 'suspended' | 'running' | 'normal' | 'dead';

/** A coroutine (lua_State): its own Lua stack; coroutine.ts switches between them. */
export class LuaThread {
  status: ThreadStatus = 'suspended';
  /** Open upvalues pointing into this thread's stack. */
  readonly openUpvalues: Upvalue[] = [];
  constructor(
    readonly handle: number,
    /** Lowest address of the thread's stack (its bottom frame's function slot) and the limit frames must stay below. */
    readonly stackBase: number,
    readonly stackLimit: number,
    /** The body function; null for the main thread. */
    readonly body: LuaFunction | null,
  ) {}
}

/** An FFI cdata object: a 64-bit integer of a C integer type (ffi's boxed int64_t/uint64_t), or a ctype itself. */
export class LuaCdata {
  constructor(
    readonly handle: number,
    readonly ctype: CType,
    readonly value: bigint,
    /** True for a ctype object (what ffi.typeof answers), whose `value` means nothing. */
    readonly isCtype = false,
  ) {}
}

/** A userdata (newproxy): no payload, an optional metatable. */
export class LuaUserdata {
  metatable: LuaTable | null = null;
  constructor(readonly handle: number) {}
}

export type LuaObject = LuaString | LuaTable | LuaFunction | LuaThread | LuaCdata | LuaUserdata;
export type LuaValue = undefined | boolean | number | LuaObject;

/** Lua's type() name. */
export function typeName(v: LuaValue): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (v instanceof LuaString) return 'string';
  if (v instanceof LuaFunction) return 'function';
  if (v instanceof LuaThread) return 'thread';
  if (v instanceof LuaCdata) return 'cdata';
  if (v instanceof LuaUserdata) return 'userdata';
  return 'table';
}

export const truthy = (v: LuaValue): boolean => v !== undefined && v !== false;
