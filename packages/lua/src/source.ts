// Reading a Lua program from disk; the path as given becomes the chunk name (as lua/luajit do).
import { readFileSync } from 'fs';
import { LuaError } from './errors';

/** The file's bytes as latin-1 text (Lua strings are byte strings). */
export function readLuaSource(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    throw new LuaError(path, `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
