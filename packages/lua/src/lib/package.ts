// require and the package table (lib_package.c): the standard libraries are in package.loaded;
// LuaJIT's own preloaded modules (ffi, table.new, table.clear) load on first require; other
// modules load from `./NAME.lua` (dots become slashes) through the host, or are reported as
// `not supported: module NAME`. Lua 5.1's module() and package.seeall are here too.
import { LuaTable } from '../table';
import { LuaFunction, LuaString, type BuiltinCall } from '../value';
import { checkString, checkTable } from './args';
import type { Library } from './library';
import { loadChunk } from './load';

export const packageLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const loaded = vm.heap.table();
  const preload = vm.heap.table();
  /** The table at dotted path `name` from the globals, made as needed (luaL_findtable). */
  const findTable = (name: string, call: BuiltinCall): LuaTable => {
    let t = vm.globals;
    for (const part of name.split('.')) {
      const v = t.get(str(part));
      if (v === undefined) {
        const made = vm.heap.table();
        t.set(str(part), made);
        t = made;
      } else if (v instanceof LuaTable) t = v;
      else return call.error(str(`name conflict for module '${name}'`), 1);
    }
    return t;
  };
  return {
    functions: {
      seeall: (args, call) => {
        const mod = checkTable(args, 0, call);
        if (!mod.metatable) mod.metatable = vm.heap.table();
        mod.metatable.set(str('__index'), vm.globals);
        return undefined;
      },
    },
    values: { loaded, preload, path: str('./?.lua'), cpath: str('') },
    install: (table) => {
      for (const name of ['_G', 'string', 'table', 'math', 'os', 'io', 'coroutine', 'bit', 'jit', 'debug', 'package']) {
        const lib = vm.globals.get(str(name));
        if (lib !== undefined) loaded.set(str(name), lib);
      }
      loaded.set(str('package'), table);
      const jit = vm.globals.get(str('jit'));
      if (jit instanceof LuaTable) loaded.set(str('jit.opt'), jit.get(str('opt')));
      for (const [name, fn] of vm.preloads) preload.set(str(name), fn);
      const require = vm.heap.builtin('require', (args, call) => {
        const name = checkString(args, 0, call);
        const key = str(name);
        const have = loaded.get(key);
        if (have !== undefined) return have;
        const loader = preload.get(key);
        let result;
        if (loader instanceof LuaFunction) result = call.call(loader, [key])[0];
        else {
          const file = `${name.replace(/\./g, '/')}.lua`;
          const text = vm.host.readFile?.(file);
          if (text === undefined) return vm.notSupported(`module ${name}`);
          const chunk = loadChunk(vm, text, `@${file}`);
          if (chunk[0] === undefined) return call.error(str(`error loading module '${name}' from file '${file}':\n\t${(chunk[1] as LuaString).s}`), 1);
          result = call.call(chunk[0], [key])[0];
        }
        const value = result === undefined ? (loaded.get(key) ?? true) : result;
        loaded.set(key, value);
        return value;
      });
      vm.globals.set(str('require'), require);
      // module(name, ...): the module's table, named and registered, becomes the caller's environment.
      vm.globals.set(str('module'), vm.heap.builtin('module', (args, call) => {
        const name = checkString(args, 0, call);
        const key = str(name);
        const have = loaded.get(key);
        const mod = have instanceof LuaTable ? have : findTable(name, call);
        loaded.set(key, mod);
        if (mod.get(str('_NAME')) === undefined) {
          mod.set(str('_M'), mod);
          mod.set(str('_NAME'), key);
          mod.set(str('_PACKAGE'), str(name.slice(0, name.lastIndexOf('.') + 1)));
        }
        const caller = vm.functionAtLevel(1);
        if (!caller || caller.proto === null) return call.error(str("'module' not called from a Lua function"), 1);
        vm.setEnvironment(caller, mod);
        for (const option of args.slice(1)) call.call(option, [mod]);
        return undefined;
      }));
    },
  };
};
