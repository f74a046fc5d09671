// The host-side GC heap: every string, table, function, coroutine and cdata gets a handle (its
// TValue payload); strings are interned. Handles count up from 1 and are never reused, so runs
// are deterministic. The global table is created first, as every function's default environment.
import { LuaTable } from './table';
import type { Proto } from './proto';
import type { CType } from './ctype';
import { LuaCdata, LuaFunction, LuaString, LuaThread, LuaUserdata, Upvalue } from './value';
import type { BuiltinFn, LuaObject } from './value';

export class Heap {
  readonly objects: (LuaObject | undefined)[] = [undefined];
  private readonly strings = new Map<string, LuaString>();
  private readonly builtins = new Map<string, LuaFunction>();
  /** Bytes allocated so far, by LuaJIT's object sizes (GCstr header + data, GCtab, GCfunc …). */
  bytes = 0;
  /** The global table (handle 1). */
  readonly globals: LuaTable = this.table();

  str(s: string): LuaString {
    let found = this.strings.get(s);
    if (!found) {
      found = new LuaString(this.objects.length, s);
      this.objects.push(found);
      this.bytes += 24 + s.length + 1;
      this.strings.set(s, found);
    }
    return found;
  }

  table(): LuaTable {
    const t = new LuaTable(this.objects.length);
    this.objects.push(t);
    this.bytes += 64;
    return t;
  }

  closure(proto: Proto, upvalues: Upvalue[], env: LuaTable): LuaFunction {
    const f = new LuaFunction(this.objects.length, proto, upvalues, null, '', env);
    this.objects.push(f);
    this.bytes += 40 + 8 * upvalues.length;
    return f;
  }

  builtin(name: string, fn: BuiltinFn): LuaFunction {
    const f = new LuaFunction(this.objects.length, null, [], fn, name, this.globals);
    this.objects.push(f);
    if (!this.builtins.has(name)) this.builtins.set(name, f);
    return f;
  }

  /** The builtin created under `name` (the JIT records some builtins' results as constants). */
  builtinNamed(name: string): LuaFunction | undefined {
    return this.builtins.get(name);
  }

  thread(stackBase: number, stackLimit: number, body: LuaFunction | null): LuaThread {
    const t = new LuaThread(this.objects.length, stackBase, stackLimit, body);
    this.objects.push(t);
    this.bytes += 112 + (stackLimit - stackBase);
    return t;
  }

  cdata(ctype: CType, value: bigint, isCtype = false): LuaCdata {
    const c = new LuaCdata(this.objects.length, ctype, value, isCtype);
    this.objects.push(c);
    this.bytes += 16;
    return c;
  }

  userdata(): LuaUserdata {
    const u = new LuaUserdata(this.objects.length);
    this.objects.push(u);
    this.bytes += 40;
    return u;
  }

  /** Objects allocated so far (collectgarbage('count') estimates from it). */
  get count(): number {
    return this.objects.length - 1;
  }
}
