// Compiling a chunk at run time (load, loadstring, loadfile, dofile): Lua's chunk names
// (`=name` as is, `@file` as the file, other sources as `[string "first line..."]`) and
// compile errors as the `nil, message` pair Lua's loaders answer.
import { compileLua } from '../compiler';
import { LuaSyntaxError } from '../errors';
import type { LuaInterpreter } from '../interpreter';
import type { LuaValue } from '../value';

/** LUA_IDSIZE: how long a chunk's display name may be. */
const ID_SIZE = 60;

/** The name positions in a chunk print (luaO_chunkid). */
export function chunkDisplayName(chunkname: string): string {
  if (chunkname.startsWith('=')) return chunkname.slice(1, ID_SIZE);
  if (chunkname.startsWith('@')) {
    const file = chunkname.slice(1);
    return file.length <= ID_SIZE - 1 ? file : `...${file.slice(file.length - (ID_SIZE - 4))}`;
  }
  const firstLine = chunkname.split(/[\r\n]/)[0];
  const room = ID_SIZE - '[string "..."]'.length;
  const cut = firstLine.length < chunkname.length || firstLine.length > room;
  return `[string "${cut ? `${firstLine.slice(0, room)}...` : firstLine}"]`;
}

/** Compiles `source`: [function] in the global environment, or [nil, message] for a syntax error. */
export function loadChunk(vm: LuaInterpreter, source: string, chunkname: string): LuaValue[] {
  const display = chunkDisplayName(chunkname);
  try {
    return [vm.mainClosure(compileLua(source, display))];
  } catch (err) {
    if (!(err instanceof LuaSyntaxError)) throw err;
    return [undefined, vm.heap.str(`${err.location.replace(/:\d+$/, '')}: ${err.message}`)];
  }
}
