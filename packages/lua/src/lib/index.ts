// Installs the standard library into an interpreter's globals: each library's builtins are
// named as LuaJIT's -jv names them (`print`, `math.modf`, `jit.opt.start`).
import type { LuaInterpreter } from '../interpreter';
import type { LuaTable } from '../table';
import { baseLibrary } from './base';
import { bitLibrary } from './bit';
import { coroutineLibrary } from './coroutine';
import { debugLibrary } from './debug';
import { ffiLibrary } from './ffi';
import { ioLibrary } from './io';
import { osLibrary } from './os';
import { jitLibrary, jitOptLibrary } from './jit';
import type { Library } from './library';
import { mathLibrary } from './math';
import { packageLibrary } from './package';
import { stringLibrary } from './string';
import { tableLibrary } from './table';

/** Where each library goes: '' is the global table itself, 'a.b' a field of library 'a'. */
const LIBRARIES: readonly (readonly [path: string, library: Library])[] = [
  ['', baseLibrary],
  ['math', mathLibrary],
  ['string', stringLibrary],
  ['table', tableLibrary],
  ['jit', jitLibrary],
  ['jit.opt', jitOptLibrary],
  ['coroutine', coroutineLibrary],
  ['io', ioLibrary],
  ['os', osLibrary],
  ['ffi', ffiLibrary],
  ['bit', bitLibrary],
  ['debug', debugLibrary],
  ['package', packageLibrary],
];

/** Installs every library; answers the table installed at each path. */
export function installStdlib(vm: LuaInterpreter): ReadonlyMap<string, LuaTable> {
  const heap = vm.heap;
  const tables = new Map<string, LuaTable>([['', vm.globals]]);
  for (const [path, library] of LIBRARIES) {
    const contents = library(vm);
    let table = tables.get(path);
    if (!table) {
      table = heap.table();
      const dot = path.lastIndexOf('.');
      tables.get(dot < 0 ? '' : path.slice(0, dot))!.set(heap.str(path.slice(dot + 1)), table);
      tables.set(path, table);
    }
    const prefix = path === '' ? '' : `${path}.`;
    for (const [name, fn] of Object.entries(contents.functions)) table.set(heap.str(name), heap.builtin(prefix + name, fn));
    for (const [name, value] of Object.entries(contents.values ?? {})) table.set(heap.str(name), value);
    for (const [name, fn] of Object.entries(contents.internal ?? {})) heap.builtin(name, fn);
    contents.install?.(table);
  }
  return tables;
}
