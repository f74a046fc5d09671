// The typed errors of the Lua front end and interpreter. Every one carries a `location`
// (`prog.lua:3:7` for syntax, `prog.lua:3` for runtime) and a message a user can act on.

/** Base class: anything wrong with the Lua program itself. */
export class LuaError extends Error {
  constructor(readonly location: string, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The source does not parse (luaparse's message, `file:line:col`). */
export class LuaSyntaxError extends LuaError {}

/** The source uses a feature outside tracesim's Lua subset (goto, metatables, coroutines, io, os, ffi, varargs, …). */
export class NotSupportedError extends LuaError {
  constructor(location: string, readonly feature: string) {
    super(location, `not supported: ${feature}`);
  }
}

/** An uncaught Lua runtime error (Lua's message, `file:line`). */
export class LuaRuntimeError extends LuaError {}

/** The instruction budget ran out (a runaway program). */
export class LuaBudgetExceeded extends LuaError {}

/** A bad `jit.opt.start` / `-O` item. */
export class JitOptionError extends LuaError {}
