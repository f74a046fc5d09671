// The debug library (lib_debug.c): getinfo (with LuaJIT's nparams/isvararg), traceback in
// Lua 5.1's layout, locals and upvalues by index, raw metatables and environments, upvalue
// identity and joins. Hooks are not modelled: clearing one is accepted, setting one is
// `not supported`.
import { BC, insA } from '../bytecode';
import type { LuaInterpreter } from '../interpreter';
import type { Proto } from '../proto';
import { slotName } from '../slotname';
import { stackLevel, type StackLevel } from '../stack-levels';
import { LuaTable } from '../table';
import { LuaFunction, LuaString, LuaThread, LuaUserdata, Upvalue, type BuiltinCall, type LuaValue } from '../value';
import { checkFunction, checkInt, checkTable, optString } from './args';
import type { Library } from './library';

const INFO_OPTIONS = /^[SlnufL]*$/;
/** luaL_traceback's window: the first LEVELS1 levels and the last LEVELS2 of a deep stack. */
const LEVELS1 = 12;
const LEVELS2 = 10;
/** A tail call leaves no name behind. */
const CALL_OPS: ReadonlySet<number> = new Set([BC.CALL, BC.CALLM]);

/** `function name` as the caller's call instruction names it (getfuncname), for a level whose caller is Lua. */
function calledName(vm: LuaInterpreter, level: number): [namewhat: string, name: string] | undefined {
  const caller = stackLevel(vm, level + 1);
  if (!caller || caller.pc <= 0 || caller.fn.proto === null) return undefined;
  const p = caller.fn.proto;
  const ins = p.bc[caller.pc - 1];
  if (!CALL_OPS.has(ins & 0xff)) return undefined;
  return slotName(p, caller.pc - 1, insA(ins));
}

function sourceOf(p: Proto): string {
  return p.chunkname.startsWith('[string "') ? p.chunkname.slice(9, -2) : `@${p.chunkname}`;
}

export const debugLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);
  const registry = vm.heap.table();
  const upvalueIds = new WeakMap<Upvalue, LuaUserdata>();

  /** The optional leading thread argument: only the running one can be inspected here. */
  const skipThread = (args: LuaValue[]): LuaValue[] => {
    if (!(args[0] instanceof LuaThread)) return args;
    if (args[0] !== vm.thread) return vm.notSupported('debug functions on another coroutine');
    return args.slice(1);
  };

  const levelArg = (v: LuaValue, n: number, call: BuiltinCall): StackLevel | null => {
    if (typeof v !== 'number') return call.argError(n, 'level expected');
    return v >= 1 ? stackLevel(vm, Math.trunc(v)) : null;
  };

  const info = (fn: LuaFunction, level: number | undefined, what: string): LuaTable => {
    const t = vm.heap.table();
    const set = (k: string, v: LuaValue) => t.set(str(k), v);
    const p = fn.proto;
    const at = level === undefined ? undefined : stackLevel(vm, level);
    for (const option of what) {
      if (option === 'S') {
        set('source', str(p ? sourceOf(p) : '=[C]'));
        set('short_src', str(p ? p.chunkname : '[C]'));
        set('linedefined', p ? p.firstline : -1);
        set('lastlinedefined', p ? p.lastline : -1);
        set('what', str(p === null ? 'C' : p.firstline === 0 ? 'main' : 'Lua'));
      } else if (option === 'l') {
        set('currentline', p && at && at.pc >= 0 ? p.lines[Math.max(at.pc - 1, 0)] : -1);
      } else if (option === 'u') {
        set('nups', fn.upvalues.length);
        set('nparams', p ? p.numparams : 0);
        set('isvararg', p ? p.isVararg : true);
      } else if (option === 'n') {
        const named = level === undefined ? undefined : calledName(vm, level);
        set('namewhat', str(named ? named[0] : ''));
        if (named) set('name', str(named[1]));
      } else if (option === 'f') {
        set('func', fn);
      } else if (option === 'L' && p) {
        const lines = vm.heap.table();
        for (let i = 1; i < p.lines.length; i++) lines.set(p.lines[i], true);
        set('activelines', lines);
      }
    }
    return t;
  };

  const describe = (level: number, at: StackLevel): string => {
    const p = at.fn.proto;
    const named = calledName(vm, level);
    if (p === null) return named ? `[C]: in function '${named[1]}'` : '[C]: ?';
    const where = `${p.chunkname}:${at.pc >= 0 ? p.lines[Math.max(at.pc - 1, 0)] : -1}:`;
    if (p.firstline === 0) return `${where} in main chunk`;
    return named ? `${where} in function '${named[1]}'` : `${where} in function <${p.chunkname}:${p.firstline}>`;
  };

  const localAt = (at: StackLevel, n: number): { name: string; slot: number } | undefined => {
    const p = at.fn.proto;
    if (!p || n < 1) return undefined;
    const active = p.vars.filter((v) => v.startpc <= at.pc - 1 && at.pc - 1 < v.endpc);
    const v = active[n - 1];
    return v && { name: v.name, slot: v.slot };
  };

  const upvalueOf = (args: LuaValue[], call: BuiltinCall): { fn: LuaFunction; uv: Upvalue; name: string } | undefined => {
    const fn = checkFunction(args, 0, call);
    const n = checkInt(args, 1, call);
    const uv = fn.upvalues[n - 1];
    if (uv === undefined) return undefined;
    return { fn, uv, name: fn.proto ? fn.proto.uvnames[n - 1] ?? '' : '' };
  };
  const read = (uv: Upvalue): LuaValue => (uv.closed ? uv.value : vm.stack.get(uv.address));

  return {
    functions: {
      getinfo: (raw, call) => {
        const args = skipThread(raw);
        const what = optString(args, 1, 'flnSu', call);
        if (!INFO_OPTIONS.test(what)) return call.argError(2, 'invalid option');
        if (args[0] instanceof LuaFunction) return info(args[0], undefined, what);
        if (typeof args[0] !== 'number') return call.argError(1, 'function or level expected');
        const level = Math.trunc(args[0]);
        if (level === 0) return info(vm.builtin('debug.getinfo'), undefined, what);
        const at = level > 0 ? stackLevel(vm, level) : null;
        return [at ? info(at.fn, level, what) : undefined];
      },
      traceback: (raw, call) => {
        const args = skipThread(raw);
        const msg = args[0];
        if (msg !== undefined && !(msg instanceof LuaString) && typeof msg !== 'number') return msg;
        const first = typeof args[1] === 'number' ? Math.trunc(args[1]) : 1;
        const lines = [`${msg === undefined ? '' : call.str(vm.tostring(msg)).s}${msg === undefined ? '' : '\n'}stack traceback:`];
        const levels: [number, StackLevel][] = [];
        for (let level = Math.max(first, 1), at = stackLevel(vm, level); at; at = stackLevel(vm, ++level)) levels.push([level, at]);
        levels.forEach(([level, at], i) => {
          if (levels.length > LEVELS1 + LEVELS2 && i >= LEVELS1 && i < levels.length - LEVELS2) {
            if (i === LEVELS1) lines.push('\t...');
            return;
          }
          lines.push(`\t${describe(level, at)}`);
        });
        // The host's call into the main chunk, as lua5.1 shows it.
        lines.push('\t[C]: ?');
        return str(lines.join('\n'));
      },
      getlocal: (raw, call) => {
        const args = skipThread(raw);
        const at = levelArg(args[0], 1, call);
        if (!at) return call.argError(1, 'level out of range');
        const local = localAt(at, checkInt(args, 1, call));
        return local ? [str(local.name), vm.slot(at.base, local.slot)] : [undefined];
      },
      setlocal: (raw, call) => {
        const args = skipThread(raw);
        const at = levelArg(args[0], 1, call);
        if (!at) return call.argError(1, 'level out of range');
        const local = localAt(at, checkInt(args, 1, call));
        if (!local) return undefined;
        vm.setSlot(at.base, local.slot, args[2]);
        return str(local.name);
      },
      getupvalue: (args, call) => {
        const found = upvalueOf(args, call);
        return found ? [str(found.name), read(found.uv)] : undefined;
      },
      setupvalue: (args, call) => {
        const found = upvalueOf(args, call);
        if (!found) return undefined;
        if (found.uv.closed) found.uv.value = args[2];
        else vm.stack.set(found.uv.address, args[2]);
        return str(found.name);
      },
      upvalueid: (args, call) => {
        const found = upvalueOf(args, call);
        if (!found) return call.argError(2, 'invalid upvalue index');
        let id = upvalueIds.get(found.uv);
        if (!id) upvalueIds.set(found.uv, (id = vm.heap.userdata()));
        return id;
      },
      upvaluejoin: (args, call) => {
        const f1 = checkFunction(args, 0, call);
        const f2 = checkFunction(args, 2, call);
        const [n1, n2] = [checkInt(args, 1, call), checkInt(args, 3, call)];
        if (!f1.proto || !f1.upvalues[n1 - 1]) return call.argError(2, 'invalid upvalue index');
        if (!f2.proto || !f2.upvalues[n2 - 1]) return call.argError(4, 'invalid upvalue index');
        f1.upvalues[n1 - 1] = f2.upvalues[n2 - 1];
        return undefined;
      },
      getmetatable: (args) => vm.meta.metatableOf(args[0]) ?? undefined,
      setmetatable: (args, call) => {
        const mt = args[1];
        if (mt !== undefined && !(mt instanceof LuaTable)) return call.argError(2, 'nil or table expected');
        const v = args[0];
        if (v instanceof LuaTable || v instanceof LuaUserdata) v.metatable = mt ?? null;
        else if (v instanceof LuaString) vm.meta.stringMeta = mt ?? null;
        else return vm.notSupported('debug.setmetatable on a value of this type (per-type metatables)');
        return v;
      },
      getfenv: (args) => (args[0] instanceof LuaFunction ? args[0].env : undefined),
      setfenv: (args, call) => {
        const env = checkTable(args, 1, call);
        if (!(args[0] instanceof LuaFunction) || args[0].proto === null) return call.error(str("'setfenv' cannot change environment of given object"), 1);
        vm.setEnvironment(args[0], env);
        return args[0];
      },
      getregistry: () => registry,
      gethook: () => [undefined, str(''), 0],
      sethook: (raw) => (skipThread(raw).some((v) => v instanceof LuaFunction) ? vm.notSupported('debug.sethook with a hook function') : undefined),
      debug: () => vm.notSupported('debug.debug'),
    },
  };
};
