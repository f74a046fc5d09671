// The base library (lib_base.c): print, type, tostring, tonumber, pairs/ipairs/next, select,
// error, assert, unpack, pcall/xpcall (frame builtins), metatables and raw access, load,
// loadstring, loadfile, dofile, environments, collectgarbage, gcinfo, newproxy.
import { LuaTable } from '../table';
import { LuaCdata, LuaFunction, LuaString, LuaUserdata, truthy, typeName } from '../value';
import type { BuiltinCall, BuiltinFn, LuaValue } from '../value';
import { argTypeName, checkAny, checkInt, checkNumber, checkString, checkTable, optInt, optString } from './args';
import { loadChunk } from './load';
import type { Library } from './library';

/** collectgarbage's options ('collect' runs the collector, gc.ts; the others only answer). */
const GC_OPTIONS = new Set(['collect', 'stop', 'restart', 'count', 'step', 'setpause', 'setstepmul', 'isrunning']);

export const baseLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const gcSettings = { pause: 200, stepmul: 200, running: true };
  const next: BuiltinFn = (args, call) => {
    const t = checkTable(args, 0, call);
    const pos = t.positionAfter(args[1]);
    if (pos === undefined) return call.error(str("invalid key to 'next'"), 1);
    const entry = t.nextFrom(pos);
    return entry === undefined ? [undefined] : [entry[1], entry[2]];
  };
  const ipairsAux: BuiltinFn = (args) => {
    const t = args[0] as LuaTable;
    const i = (args[1] as number) + 1;
    const v = t.getInt(i);
    return v === undefined ? [undefined] : [i, v];
  };
  /** The environment a level names (getfenv/setfenv): 0 is the global one, 1 the caller. */
  const functionAtLevel = (v: LuaValue, call: BuiltinCall): LuaFunction | undefined => {
    if (v instanceof LuaFunction) return v;
    const level = v === undefined ? 1 : checkInt([v], 0, call);
    if (level < 0) return call.argError(1, 'level must be non-negative');
    if (level === 0) return undefined;
    const fn = vm.functionAtLevel(level);
    if (fn === null) return call.argError(1, 'invalid level');
    return fn;
  };
  const tostringFn = (v: LuaValue): string => {
    const custom = vm.globals.get(str('tostring'));
    if (custom === vm.builtin('tostring')) return vm.tostring(v);
    const s = vm.calls.callValue(custom, [v])[0];
    if (!(s instanceof LuaString) && typeof s !== 'number') throw vm.runtimeError("'tostring' must return a string to 'print'");
    return vm.tostring(s);
  };
  return {
    functions: {
      print: (args) => {
        vm.write(args.map(tostringFn).join('\t') + '\n');
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
        checkAny(args, 0, call);
        const v = args[0];
        if (args[1] === undefined) return [v instanceof LuaCdata && !v.isCtype ? Number(v.value) : vm.tonumber(v)];
        const radix = checkInt(args, 1, call);
        if (radix < 2 || radix > 36) return call.argError(2, 'base out of range');
        if (radix === 10) return [vm.tonumber(v)];
        const s = checkString(args, 0, call).trim().toLowerCase();
        const digits = s.replace(/^-/, '');
        if (digits === '' || ![...digits].every((c) => /[0-9a-z]/.test(c) && parseInt(c, 36) < radix)) return [undefined];
        const n = [...digits].reduce((acc, c) => acc * radix + parseInt(c, 36), 0);
        return [s.startsWith('-') ? -n : n];
      },
      next,
      ipairs: (args, call) => {
        checkTable(args, 0, call);
        return [vm.builtin('ipairs_aux'), args[0], 0];
      },
      pairs: (args, call) => {
        checkTable(args, 0, call);
        return [vm.nextFn, args[0], undefined];
      },
      select: (args, call) => {
        const n = args[0];
        if (n instanceof LuaString && n.s.startsWith('#')) return args.length - 1;
        const i = checkInt(args, 0, call);
        if (i < 0) {
          if (-i > args.length - 1) return call.argError(1, 'index out of range');
          return args.slice(args.length + i);
        }
        if (i === 0) return call.argError(1, 'index out of range');
        return args.slice(i);
      },
      error: (args, call) => call.error(args[0], args[1] === undefined ? 1 : checkInt(args, 1, call)),
      assert: (args, call) => {
        if (args.length === 0) return call.argError(1, 'value expected');
        if (!truthy(args[0])) {
          if (args.length > 1) return call.error(args[1] instanceof LuaString || typeof args[1] === 'number' ? str(checkString(args, 1, call)) : args[1], 0);
          return call.error(str('assertion failed!'), 1);
        }
        return args;
      },
      unpack: (args, call) => {
        const t = checkTable(args, 0, call);
        const i = optInt(args, 1, 1, call);
        const j = args[2] === undefined ? t.length() : checkInt(args, 2, call);
        if (i > j) return [];
        if (j - i >= 8000) return call.error(str('too many results to unpack'), 0);
        const out: LuaValue[] = [];
        for (let k = i; k <= j; k++) out.push(t.getInt(k));
        return out;
      },
      pcall: () => undefined,
      xpcall: () => undefined,
      getmetatable: (args, call) => {
        checkAny(args, 0, call);
        const mt = vm.meta.metatableOf(args[0]);
        if (mt === null) return [undefined];
        const protectedBy = mt.get(str('__metatable'));
        return [protectedBy !== undefined ? protectedBy : mt];
      },
      setmetatable: (args, call) => {
        const t = checkTable(args, 0, call);
        const mt = args[1];
        if (!(mt === undefined || mt instanceof LuaTable)) return call.argError(2, 'nil or table expected');
        if (t.metatable !== null && t.metatable.get(str('__metatable')) !== undefined) return call.error(str('cannot change a protected metatable'), 1);
        t.metatable = mt ?? null;
        return t;
      },
      rawget: (args, call) => [checkTable(args, 0, call).get(args[1])],
      rawset: (args, call) => {
        const t = checkTable(args, 0, call);
        checkAny(args, 1, call);
        checkAny(args, 2, call);
        vm.rawSet(t, args[1], args[2]);
        return t;
      },
      rawequal: (args, call) => {
        checkAny(args, 0, call);
        checkAny(args, 1, call);
        return vm.meta.sameValue(args[0], args[1]);
      },
      loadstring: (args, call) => loadChunk(vm, checkString(args, 0, call), optString(args, 1, checkString(args, 0, call), call)),
      load: (args, call) => {
        const chunk = args[0];
        if (chunk instanceof LuaString) return loadChunk(vm, chunk.s, optString(args, 1, chunk.s, call));
        if (!(chunk instanceof LuaFunction)) return call.argError(1, `function expected, got ${argTypeName(args, 0)}`);
        const pieces: string[] = [];
        for (let guard = 0; guard < 1 << 24; guard++) {
          const piece = call.call(chunk, [])[0];
          if (piece === undefined || (piece instanceof LuaString && piece.s === '')) break;
          if (!(piece instanceof LuaString)) return [undefined, str('reader function must return a string')];
          pieces.push(piece.s);
        }
        return loadChunk(vm, pieces.join(''), optString(args, 1, '=(load)', call));
      },
      loadfile: (args, call) => {
        const name = optString(args, 0, '', call);
        const text = name === '' ? vm.host.readStdin?.() : vm.host.readFile?.(name);
        if (text === undefined) return [undefined, str(`cannot open ${name}: No such file or directory`)];
        return loadChunk(vm, text, name === '' ? '=stdin' : `@${name}`);
      },
      dofile: (args, call) => {
        const name = optString(args, 0, '', call);
        const text = name === '' ? vm.host.readStdin?.() : vm.host.readFile?.(name);
        if (text === undefined) return call.error(str(`cannot open ${name}: No such file or directory`), 0);
        const loaded = loadChunk(vm, text, name === '' ? '=stdin' : `@${name}`);
        if (loaded[0] === undefined) return call.error(loaded[1], 0);
        return call.call(loaded[0], []);
      },
      getfenv: (args, call) => {
        const fn = functionAtLevel(args[0], call);
        return fn === undefined ? vm.globals : fn.env;
      },
      setfenv: (args, call) => {
        const env = checkTable(args, 1, call);
        const target = args[0];
        if (target === 0) return vm.notSupported('setfenv(0, ...): the thread environment');
        const fn = functionAtLevel(target, call);
        if (fn === undefined || fn.proto === null) return call.error(str("'setfenv' cannot change environment of given object"), 1);
        vm.setEnvironment(fn, env);
        return fn;
      },
      collectgarbage: (args, call) => {
        const option = optString(args, 0, 'collect', call);
        if (!GC_OPTIONS.has(option)) return call.argError(1, `invalid option '${option}'`);
        switch (option) {
          case 'count': {
            const kb = vm.memoryInUse() / 1024;
            return [kb, Math.floor(kb)];
          }
          case 'collect': vm.collectIfSafe(); return 0;
          case 'step': return false;
          case 'isrunning': return gcSettings.running;
          case 'stop': gcSettings.running = false; return 0;
          case 'restart': gcSettings.running = true; return 0;
          case 'setpause': {
            const old = gcSettings.pause;
            gcSettings.pause = optInt(args, 1, old, call);
            return old;
          }
          case 'setstepmul': {
            const old = gcSettings.stepmul;
            gcSettings.stepmul = optInt(args, 1, old, call);
            return old;
          }
          default: return 0;
        }
      },
      gcinfo: () => Math.floor(vm.memoryInUse() / 1024),
      newproxy: (args, call) => {
        const u = vm.heap.userdata();
        const how = args[0];
        if (how === true) u.metatable = vm.heap.table();
        else if (how instanceof LuaUserdata) u.metatable = how.metatable;
        else if (how !== undefined && how !== false) return call.argError(1, 'boolean or proxy expected');
        return u;
      },
    },
    values: { _VERSION: str('Lua 5.1'), _G: vm.globals },
    internal: { ipairs_aux: ipairsAux },
    install: () => {
      vm.calls.frameBuiltins.set(vm.builtin('pcall'), (fa, nargs) => vm.calls.pcall(fa, nargs));
      vm.calls.frameBuiltins.set(vm.builtin('xpcall'), (fa, nargs) => vm.calls.xpcall(fa, nargs));
    },
  };
};
