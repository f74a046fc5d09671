// require and the package table (lib_package.c): the standard libraries are in package.loaded;
// LuaJIT's own preloaded modules (ffi, table.new, table.clear) load on first require; other
// modules load from `./NAME.lua` (dots become slashes) through the host, or are reported as
// `not supported: module NAME`.
import { LuaTable } from '../table';
import { LuaFunction, LuaString } from '../value';
import { checkString } from './args';
import type { Library } from './library';
import { loadChunk } from './load';

export const packageLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const loaded = vm.heap.table();
  const preload = vm.heap.table();
  return {
    functions: {},
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
    },
  };
};
