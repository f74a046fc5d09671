// Which builtins the recorder records and how (LuaJIT's lj_ffrecord.c decides which fast
// functions are recorded; the others stitch). Checked against Debian LuaJIT's -jv by
// fixtures/decisions/ff_*.lua. Three treatments here:
// - as IR: the math builtins LuaJIT turns into FPMATH, ABS, MIN and MAX;
// - through the ff_call helper (CALLL): builtins without side effects, run on the interpreter's
//   heap when the trace runs; their one result's type is guarded;
// - through ff_call_side (CALLS): builtins that change state, whose result type is known
//   before they run, so that no guard after the call can fail once the state has changed.

import { FPMATH_NAMES, type IRTypeName, type Ref, type TraceBuilder } from '@tracesim/ir';
import { LuaString, LuaTable, type LuaValue } from '@tracesim/lua';

/** math builtins recorded as IR (the arguments are already guarded numbers). */
export const MATH_RECORDED: Readonly<Record<string, (b: TraceBuilder, args: readonly Ref[]) => Ref>> = {
  'math.floor': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('floor'))!,
  'math.ceil': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('ceil'))!,
  'math.sqrt': (b, [x]) => b.emit('FPMATH', 'num', x, FPMATH_NAMES.indexOf('sqrt'))!,
  'math.abs': (b, [x]) => b.arith('ABS', 'num', x),
  'math.min': (b, args) => args.reduce((m, x) => b.arith('MIN', 'num', m, x)),
  'math.max': (b, args) => args.reduce((m, x) => b.arith('MAX', 'num', m, x)),
};

/** Builtins without side effects that LuaJIT records and that run here through ff_call. */
export const HELPER_RECORDED: ReadonlySet<string> = new Set([
  'assert', 'tostring', 'tonumber', 'select', 'rawget', 'rawequal', 'getmetatable', 'next', 'string.find',
  'string.len', 'string.sub', 'string.byte', 'string.char', 'string.rep', 'string.format',
  'string.lower', 'string.upper', 'string.reverse', 'table.getn', 'table.concat',
  'math.exp', 'math.log', 'math.log10', 'math.sin', 'math.cos', 'math.tan', 'math.asin', 'math.acos',
  'math.atan', 'math.atan2', 'math.sinh', 'math.cosh', 'math.tanh', 'math.pow', 'math.ldexp',
  'math.deg', 'math.rad',
  'bit.tobit', 'bit.bnot', 'bit.bswap', 'bit.band', 'bit.bor', 'bit.bxor', 'bit.lshift', 'bit.rshift',
  'bit.arshift', 'bit.rol', 'bit.ror', 'bit.tohex',
  'ffi.new', 'ffi.cast',
]);

/**
 * Helper-recorded builtins that may answer two values; the first one's type tells how many
 * there are (nil alone, or two), so its guard also checks the count.
 */
export const TWO_RESULTS: ReadonlySet<string> = new Set(['next', 'string.find']);

/** Characters that make a string.find pattern a pattern (lj_str_haspattern). */
const PATTERN_SPECIALS = /[\^$*+?.([%-]/;

/**
 * Arguments a helper-recorded builtin is recorded with; other calls stitch as LuaJIT's do
 * (recff_string_find records only a plain find: `plain` true or no special in the pattern).
 */
export const RECORDED_WITH: Readonly<Partial<Record<string, (args: readonly LuaValue[]) => boolean>>> = {
  'string.find': ([, pattern, , plain]) => pattern instanceof LuaString && ((plain !== undefined && plain !== false) || !PATTERN_SPECIALS.test(pattern.s)),
};

/** Builtins that read their table arguments raw: no metamethod (no Lua code) runs inside them. */
export const RAW_ACCESS: ReadonlySet<string> = new Set(['next', 'rawget', 'rawequal', 'getmetatable', 'table.getn', 'table.concat', 'rawset', 'setmetatable', 'table.insert']);

/**
 * Builtins with side effects that LuaJIT records, run here through ff_call_side: the type of
 * their result (nil: they return nothing) given arguments they accept, else undefined (the
 * call then stitches; the interpreter raises any error).
 */
export const SIDE_RECORDED: Readonly<Partial<Record<string, (args: readonly LuaValue[], str: (s: string) => LuaValue) => IRTypeName | undefined>>> = {
  rawset: ([t, k]) => (t instanceof LuaTable && k !== undefined && !Number.isNaN(k) ? 'tab' : undefined),
  setmetatable: ([t, mt], str) => (t instanceof LuaTable && (mt === undefined || mt instanceof LuaTable) && t.metatable?.get(str('__metatable')) === undefined ? 'tab' : undefined),
  'table.insert': (args) => (args[0] instanceof LuaTable && (args.length === 2 || (args.length === 3 && typeof args[1] === 'number')) ? 'nil' : undefined),
  'math.random': (args) => (args.every((a) => typeof a === 'number') ? 'num' : undefined),
  // Lua 5.1's io.write answers true; strings and numbers are written whole, so it cannot fail midway.
  'io.write': (args) => (args.every((a) => typeof a === 'number' || a instanceof LuaString) ? 'tru' : undefined),
};

/** Arguments ff_call passes (the helper's four value registers). */
export const FF_CALL_ARGS = 4;
