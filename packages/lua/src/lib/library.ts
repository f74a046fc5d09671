// How a library is described: its builtins (named `lib.fn` as LuaJIT's -jv names them) and
// its plain fields. Each lib/*.ts exports one Library; lib/index.ts installs them all.
import type { LuaInterpreter } from '../interpreter';
import type { LuaTable } from '../table';
import type { BuiltinFn, LuaValue } from '../value';

export interface LibraryContents {
  readonly functions: Readonly<Record<string, BuiltinFn>>;
  readonly values?: Readonly<Record<string, LuaValue>>;
  /** Builtins that exist (and have -jv names) but are not fields of the library (ipairs_aux). */
  readonly internal?: Readonly<Record<string, BuiltinFn>>;
  /** Runs once the library's table and builtins exist (frame builtins, metatables). */
  readonly install?: (table: LuaTable) => void;
}

/** Builds a library's contents for one interpreter. */
export type Library = (vm: LuaInterpreter) => LibraryContents;
