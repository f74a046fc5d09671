// Public API of @tracesim/lua: compile Lua-subset source to LuaJIT 2.1 bytecode, list it,
// and run it on an interpreter whose Lua stack lives in the modelled machine's memory.
export { compileLua } from './compiler';
export { listBytecode, bcLine } from './listing';
export type { Proto, GcConstant, VarInfo, TemplateTable } from './proto';
export { BC, BCDEF, MODE_A, MODE_B, MODE_CD, OP_NAMES, HOT_VARIANTS, insA, insB, insC, insD, insJ, insOp, insAD, insABC } from './bytecode';
export type { OpName } from './bytecode';
export { LuaError, LuaSyntaxError, LuaRuntimeError, NotSupportedError, LuaBudgetExceeded, JitOptionError } from './errors';
export { formatNumber } from './numfmt';
export { LuaInterpreter, LuaThrow } from './interpreter';
export type { InterpreterOptions, InterpreterHooks, HostAccess, HotEvent, InstructionEvent, TraceEntry, ResumePoint, FrameInfo } from './interpreter';
export { LuaExit } from './lib/os';
export { hostAccess } from './host';
export { JitOptions, JIT_PARAMS, JIT_FLAGS, OPT_LEVELS } from './jitparams';
export type { JitParamName, JitFlagName, JitParams } from './jitparams';
export { HotCounters, HOTCOUNT_SIZE, HOTCOUNT_LOOP, HOTCOUNT_CALL } from './hotcount';
export { LuaTable } from './table';
export { LuaString, LuaFunction, LuaThread, LuaCdata, LuaUserdata, Upvalue, typeName } from './value';
export { tagOf, FRAME_PCALL, FRAME_PCALLH, FRAME_DELTA_MASK, isPcallFrame } from './stack';
export { INT64, UINT64, wrap } from './ctype';
export type { CType } from './ctype';
export { numberToInt64 } from './lib/ffi-arith';
export type { LuaValue } from './value';
export { runLua } from './run';
export { forCountsUp, forEnters, forContinues } from './forloop';
export type { RunOptions, RunResult } from './run';
export { readLuaSource } from './source';
export { MAX_ASIZE } from './table-sizing';
export { stringHash } from './string-hash';
