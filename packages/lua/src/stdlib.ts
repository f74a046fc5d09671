// The builtins of the subset: base functions, math, string, table and jit. Each is a host
// function over decoded argument values; pcall is only a marker here (the interpreter runs
// it with a FRAME_PCALL frame) and next is the iterator ISNEXT/ITERN specialise.
import { formatString } from './format';
import type { LuaInterpreter } from './interpreter';
import { formatNumber, parseNumber } from './numfmt';
import { LuaTable } from './table';
import { LuaFunction, LuaString, truthy, typeName } from './value';
import type { BuiltinCall, BuiltinFn, LuaValue } from './value';

type Lib = Record<string, BuiltinFn>;

export interface InstalledLibrary {
  readonly pcall: LuaFunction;
  readonly next: LuaFunction;
  /** The string library, which string values index (s:sub(…)). */
  readonly string: LuaTable;
}

const argTypeName = (args: LuaValue[], i: number): string => (i < args.length ? typeName(args[i]) : 'no value');

function checkNumber(args: LuaValue[], i: number, call: BuiltinCall): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  if (v instanceof LuaString) {
    const n = parseNumber(v.s);
    if (n !== undefined) return n;
  }
  return call.argError(i + 1, `number expected, got ${argTypeName(args, i)}`);
}

function optNumber(args: LuaValue[], i: number, def: number, call: BuiltinCall): number {
  return args[i] === undefined ? def : checkNumber(args, i, call);
}

function checkString(args: LuaValue[], i: number, call: BuiltinCall): string {
  const v = args[i];
  if (v instanceof LuaString) return v.s;
  if (typeof v === 'number') return formatNumber(v);
  return call.argError(i + 1, `string expected, got ${argTypeName(args, i)}`);
}

function checkTable(args: LuaValue[], i: number, call: BuiltinCall): LuaTable {
  const v = args[i];
  if (v instanceof LuaTable) return v;
  return call.argError(i + 1, `table expected, got ${argTypeName(args, i)}`);
}

function checkAny(args: LuaValue[], i: number, call: BuiltinCall): void {
  if (i >= args.length) call.argError(i + 1, 'value expected');
}

/** Lua 5.1's string.sub/byte index rules: negative counts from the end. */
function strIndex(pos: number, len: number): number {
  return pos >= 0 ? pos : Math.max(len + pos + 1, 0);
}

export function installStdlib(vm: LuaInterpreter): InstalledLibrary {
  const heap = vm.heap;
  const str = (s: string): LuaString => heap.str(s);

  const next: BuiltinFn = (args, call) => {
    const t = checkTable(args, 0, call);
    const pos = t.positionAfter(args[1]);
    if (pos === undefined) return call.error(str('invalid key to \'next\''), 1);
    const entry = t.nextFrom(pos);
    return entry === undefined ? [undefined] : [entry[1], entry[2]];
  };
  const nextFn = heap.builtin('next', next);

  const ipairsAux: BuiltinFn = (args) => {
    const t = args[0] as LuaTable;
    const i = (args[1] as number) + 1;
    const v = t.getInt(i);
    return v === undefined ? [undefined] : [i, v];
  };
  const ipairsAuxFn = heap.builtin('ipairs_aux', ipairsAux);

  const base: Lib = {
    print: (args) => {
      vm.write(args.map((v) => vm.tostring(v)).join('\t') + '\n');
    },
    type: (args, call) => {
      checkAny(args, 0, call);
      return str(typeName(args[0]));
    },
    tostring: (args, call) => {
      checkAny(args, 0, call);
      return str(vm.tostring(args[0]));
    },
    tonumber: (args, call) => {
      const v = args[0];
      checkAny(args, 0, call);
      if (args[1] === undefined) return [vm.tonumber(v)];
      const radix = checkNumber(args, 1, call);
      if (radix < 2 || radix > 36) return call.argError(2, 'base out of range');
      const s = checkString(args, 0, call).trim().toLowerCase();
      if (s === '' || ![...s.replace(/^-/, '')].every((c) => parseInt(c, 36) < radix)) return [undefined];
      return [parseInt(s, radix)];
    },
    ipairs: (args, call) => {
      checkTable(args, 0, call);
      return [ipairsAuxFn, args[0], 0];
    },
    pairs: (args, call) => {
      checkTable(args, 0, call);
      return [nextFn, args[0], undefined];
    },
    select: (args, call) => {
      const n = args[0];
      if (n instanceof LuaString && n.s === '#') return args.length - 1;
      const i = Math.trunc(checkNumber(args, 0, call));
      if (i < 0) {
        if (-i > args.length - 1) return call.argError(1, 'index out of range');
        return args.slice(args.length + i);
      }
      if (i === 0) return call.argError(1, 'index out of range');
      return args.slice(i);
    },
    error: (args, call) => call.error(args[0], args[1] === undefined ? 1 : checkNumber(args, 1, call)),
    assert: (args, call) => {
      if (args.length === 0) return call.argError(1, 'value expected');
      if (!truthy(args[0])) return call.error(str(args.length > 1 ? checkString(args, 1, call) : 'assertion failed!'), 1);
      return args;
    },
    unpack: (args, call) => {
      const t = checkTable(args, 0, call);
      const i = optNumber(args, 1, 1, call);
      const j = args[2] === undefined ? t.length() : checkNumber(args, 2, call);
      if (j - i >= 8000) return call.error(str('too many results to unpack'), 1);
      const out: LuaValue[] = [];
      for (let k = i; k <= j; k++) out.push(t.getInt(k));
      return out;
    },
    pcall: () => undefined,
  };

  const math: Lib = {
    floor: (args, call) => Math.floor(checkNumber(args, 0, call)),
    ceil: (args, call) => Math.ceil(checkNumber(args, 0, call)),
    abs: (args, call) => Math.abs(checkNumber(args, 0, call)),
    sqrt: (args, call) => Math.sqrt(checkNumber(args, 0, call)),
    min: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        if (v < m) m = v;
      }
      return m;
    },
    max: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        if (v > m) m = v;
      }
      return m;
    },
    modf: (args, call) => {
      const x = checkNumber(args, 0, call);
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      return [ip, Number.isFinite(x) ? x - ip : 0];
    },
    fmod: (args, call) => checkNumber(args, 0, call) % checkNumber(args, 1, call),
  };

  const string: Lib = {
    len: (args, call) => checkString(args, 0, call).length,
    sub: (args, call) => {
      const s = checkString(args, 0, call);
      let i = strIndex(Math.trunc(optNumber(args, 1, 1, call)), s.length);
      let j = strIndex(Math.trunc(optNumber(args, 2, -1, call)), s.length);
      if (i < 1) i = 1;
      if (j > s.length) j = s.length;
      return str(i <= j ? s.slice(i - 1, j) : '');
    },
    byte: (args, call) => {
      const s = checkString(args, 0, call);
      let i = strIndex(Math.trunc(optNumber(args, 1, 1, call)), s.length);
      let j = strIndex(Math.trunc(args[2] === undefined ? i : checkNumber(args, 2, call)), s.length);
      if (i < 1) i = 1;
      if (j > s.length) j = s.length;
      const out: LuaValue[] = [];
      for (let p = i; p <= j; p++) out.push(s.charCodeAt(p - 1));
      return out;
    },
    char: (args, call) => {
      let s = '';
      for (let i = 0; i < args.length; i++) {
        const c = checkNumber(args, i, call);
        if (c < 0 || c > 255 || c !== Math.floor(c)) return call.argError(i + 1, 'invalid value');
        s += String.fromCharCode(c);
      }
      return str(s);
    },
    rep: (args, call) => {
      const s = checkString(args, 0, call);
      const n = Math.trunc(checkNumber(args, 1, call));
      if (n * s.length > 1 << 28) return call.error(str('resulting string too large'), 1);
      return str(n > 0 ? s.repeat(n) : '');
    },
    format: (args, call) => {
      const fmt = checkString(args, 0, call);
      return str(
        formatString(fmt, {
          count: args.length - 1,
          number: (i) => (i >= args.length ? call.argError(i + 1, 'no value') : checkNumber(args, i, call)),
          string: (i) => {
            if (i >= args.length) return call.argError(i + 1, 'no value');
            return args[i] instanceof LuaString || typeof args[i] === 'number' ? checkString(args, i, call) : vm.tostring(args[i]);
          },
          fail: (i, msg) => call.argError(i, msg),
        }),
      );
    },
  };

  const table: Lib = {
    insert: (args, call) => {
      const t = checkTable(args, 0, call);
      if (args.length === 2) {
        t.set(t.length() + 1, args[1]);
        return;
      }
      if (args.length !== 3) return call.error(str("wrong number of arguments to 'insert'"), 1);
      t.insert(Math.trunc(checkNumber(args, 1, call)), args[2]);
    },
    remove: (args, call) => {
      const t = checkTable(args, 0, call);
      const n = t.length();
      if (n === 0) return undefined;
      const pos = Math.trunc(optNumber(args, 1, n, call));
      const removed = t.getInt(pos);
      for (let i = pos; i < n; i++) t.set(i, t.getInt(i + 1));
      t.set(n, undefined);
      return [removed];
    },
    concat: (args, call) => {
      const t = checkTable(args, 0, call);
      const sep = args[1] === undefined ? '' : checkString(args, 1, call);
      const i = optNumber(args, 2, 1, call);
      const j = args[3] === undefined ? t.length() : checkNumber(args, 3, call);
      const parts: string[] = [];
      for (let k = i; k <= j; k++) {
        const v = t.getInt(k);
        if (v instanceof LuaString) parts.push(v.s);
        else if (typeof v === 'number') parts.push(formatNumber(v));
        else return call.error(str(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`), 1);
      }
      return str(parts.join(sep));
    },
  };

  const jitOpt: Lib = {
    start: (args, call) => {
      for (let i = 0; i < args.length; i++) {
        const item = checkString(args, i, call);
        let changed;
        try {
          changed = vm.jit.apply(item, vm.where(1).replace(/: $/, ''));
        } catch {
          return call.error(str(`unknown or malformed optimization flag '${item}'`), 1);
        }
        if (changed.includes('hotloop')) vm.resetHotCounters();
      }
    },
  };
  const jit: Lib = {
    on: () => vm.setJit(true),
    off: () => vm.setJit(false),
    status: () => [vm.jitEnabled, ...vm.jit.enabledFlags().map((f) => str(f))],
  };

  const g = vm.globals;
  const fns = (lib: Lib, prefix = ''): Record<string, LuaValue> =>
    Object.fromEntries(Object.entries(lib).map(([name, fn]) => [name, heap.builtin(prefix + name, fn)]));
  const baseFns = fns(base);
  for (const [name, fn] of Object.entries(baseFns)) g.set(str(name), fn);
  g.set(str('next'), nextFn);
  g.set(str('math'), heap.library({ ...fns(math, 'math.'), huge: Infinity, pi: Math.PI }));
  const stringLib = heap.library(fns(string, 'string.'));
  g.set(str('string'), stringLib);
  g.set(str('table'), heap.library(fns(table, 'table.')));
  g.set(str('jit'), heap.library({ ...fns(jit, 'jit.'), opt: heap.library(fns(jitOpt, 'jit.opt.')), version: str('LuaJIT 2.1.0-beta3'), arch: str('x64'), os: str('Linux') }));
  return { pcall: baseFns.pcall as LuaFunction, next: nextFn, string: stringLib };
}
