// The host-side GC heap: every string, table and function gets a handle (its TValue payload);
// strings are interned. Handles count up from 1 and are never reused, so runs are deterministic.
import { LuaTable } from './table';
import type { Proto } from './proto';
import { LuaFunction, LuaString, Upvalue } from './value';
import type { BuiltinFn, LuaObject, LuaValue } from './value';

export class Heap {
  readonly objects: (LuaObject | undefined)[] = [undefined];
  private readonly strings = new Map<string, LuaString>();
  private readonly builtins = new Map<string, LuaFunction>();

  str(s: string): LuaString {
    let found = this.strings.get(s);
    if (!found) {
      found = new LuaString(this.objects.length, s);
      this.objects.push(found);
      this.strings.set(s, found);
    }
    return found;
  }

  table(): LuaTable {
    const t = new LuaTable(this.objects.length);
    this.objects.push(t);
    return t;
  }

  closure(proto: Proto, upvalues: Upvalue[]): LuaFunction {
    const f = new LuaFunction(this.objects.length, proto, upvalues, null, '');
    this.objects.push(f);
    return f;
  }

  builtin(name: string, fn: BuiltinFn): LuaFunction {
    const f = new LuaFunction(this.objects.length, null, [], fn, name);
    this.objects.push(f);
    this.builtins.set(name, f);
    return f;
  }

  /** The builtin created under `name` (the JIT records some builtins' results as constants). */
  builtinNamed(name: string): LuaFunction | undefined {
    return this.builtins.get(name);
  }

  /** A table holding builtins and other fields, keyed by interned strings. */
  library(fields: Record<string, LuaValue>): LuaTable {
    const t = this.table();
    for (const [k, v] of Object.entries(fields)) t.set(this.str(k), v);
    return t;
  }
}
