// The host-side GC heap: every string, table, function, coroutine and cdata gets a handle (its
// TValue payload); strings are interned. Handles count up from 1 and are never reused, so runs
// are deterministic. The global table is created first, as every function's default environment.
// Every allocation is charged against a memory budget (--max-memory); one that would pass it
// raises Lua's "not enough memory" instead of growing the host's heap.
import type { Memory } from '@tracesim/cpu-sim';
import { LuaTable, TABLE_BYTES } from './table';
import { TableArrays } from './table-arrays';
import { LuaStack } from './stack';
import { mapObjectHeaders, tableHeaderFields, writeFunctionHeader, writeStringHeader, writeTableHeader } from './object-headers';
import type { Proto } from './proto';
import type { CType } from './ctype';
import { LuaCdata, LuaFunction, LuaString, LuaThread, LuaUserdata, Upvalue } from './value';
import type { BuiltinFn, LuaObject } from './value';

/** The default memory budget: 256 MB of LuaJIT-sized objects. */
export const DEFAULT_MAX_MEMORY = 256 * 1024 * 1024;

/** Lua's message for a failed allocation (lj_err_mem: LJ_ERR_ERRMEM), interned before any budget applies. */
const MEMORY_ERROR = 'not enough memory';

export class Heap {
  readonly objects: (LuaObject | undefined)[] = [undefined];
  private readonly strings = new Map<string, LuaString>();
  private readonly builtins = new Map<string, LuaFunction>();
  /** Bytes allocated so far, by LuaJIT's object sizes (GCstr header + data, GCtab, GCfunc …). */
  bytes = 0;
  /** The most bytes in use at once so far (the heap's high-water mark). */
  peakBytes = 0;
  /** The memory budget in bytes. */
  limit = DEFAULT_MAX_MEMORY;
  /** Raises the Lua error for an allocation past the budget (the interpreter throws it as a Lua error). */
  exhausted: () => never = () => {
    throw new RangeError(MEMORY_ERROR);
  };
  /** Every table whose handle is taken (the collector sweeps this list). */
  tables: LuaTable[] = [];
  /** Every function's handle (functions are never freed): their headers hold the environment. */
  private readonly functions: number[] = [];
  /** Bytes past which an allocation asks for a collection (gc.ts sets it after each one). */
  threshold = Infinity;
  /** Asked for a collection (the interpreter collects when no trace runs and none records). */
  pressure: () => void = () => {};
  /** Where tables' array parts live in emulated memory. */
  readonly arrays: TableArrays;
  /** The global table (handle 1). */
  readonly globals: LuaTable;
  /** The error value of a failed allocation, made while memory is still free. */
  readonly memoryError: LuaString;

  constructor(private readonly mem: Memory) {
    mapObjectHeaders(mem);
    this.arrays = new TableArrays(mem, new LuaStack(mem, this));
    this.globals = this.table();
    this.memoryError = this.str(MEMORY_ERROR);
  }

  /**
   * Counts `n` more bytes, or raises "not enough memory" (allocating nothing) when they pass the
   * budget. Past the collector's threshold it first asks for a collection (`pressure`), which
   * runs only where it is safe.
   */
  charge(n: number): void {
    if (this.bytes + n > this.threshold) this.pressure();
    if (this.bytes + n > this.limit) this.exhausted();
    this.bytes += n;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
  }

  /** Whether a string of `length` characters fits in the budget (builders check before making a long one). */
  fitsString(length: number): boolean {
    return this.bytes + stringBytes(length) <= this.limit;
  }

  str(s: string): LuaString {
    let found = this.strings.get(s);
    if (!found) {
      this.charge(stringBytes(s.length));
      found = new LuaString(this.objects.length, s);
      writeStringHeader(this.mem, found.handle, s);
      this.objects.push(found);
      this.strings.set(s, found);
    }
    return found;
  }

  /** lj_tab_new: a table with `asize` array slots and 2^hbits nodes (hbits 0: no hash part). */
  table(asize = 0, hbits = 0): LuaTable {
    this.charge(TABLE_BYTES);
    const t = new LuaTable(this.objects.length, this, asize, hbits);
    this.objects.push(t);
    this.tables.push(t);
    return t;
  }

  /** A table the collector never frees: a constructor's template, a constant of its prototype. */
  constantTable(asize: number, hbits: number): LuaTable {
    const t = new LuaTable(this.objects.length, this, asize, hbits);
    this.objects.push(t);
    return t;
  }

  /** A table's sizes, parts or metatable changed: its header is written again. */
  reshaped(t: LuaTable): void {
    writeTableHeader(this.mem, t.handle, tableHeaderFields(t));
  }

  /** The handles of every object whose header must stay: the live tables and every (interned, never freed) string and function. */
  *liveHeaders(): Iterable<number> {
    for (const t of this.tables) yield t.handle;
    for (const s of this.strings.values()) yield s.handle;
    yield* this.functions;
  }

  /** A function's environment changed (setfenv): its header is written again. */
  setEnvironment(f: LuaFunction, env: LuaTable): void {
    f.env = env;
    writeFunctionHeader(this.mem, f.handle, env);
  }

  private functionMade(f: LuaFunction): void {
    this.functions.push(f.handle);
    writeFunctionHeader(this.mem, f.handle, f.env);
  }

  /** A swept table stored again: its handle is its own once more and its bytes count again. */
  revive(t: LuaTable): void {
    t.swept = false;
    t.moveParts();
    this.objects[t.handle] = t;
    this.reshaped(t);
    this.bytes += t.bytes;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
    this.tables.push(t);
  }

  closure(proto: Proto, upvalues: Upvalue[], env: LuaTable): LuaFunction {
    this.charge(40 + 8 * upvalues.length);
    const f = new LuaFunction(this.objects.length, proto, upvalues, null, '', env);
    this.objects.push(f);
    this.functionMade(f);
    return f;
  }

  builtin(name: string, fn: BuiltinFn): LuaFunction {
    const f = new LuaFunction(this.objects.length, null, [], fn, name, this.globals);
    this.objects.push(f);
    this.functionMade(f);
    if (!this.builtins.has(name)) this.builtins.set(name, f);
    return f;
  }

  /** The builtin created under `name` (the JIT records some builtins' results as constants). */
  builtinNamed(name: string): LuaFunction | undefined {
    return this.builtins.get(name);
  }

  thread(stackBase: number, stackLimit: number, body: LuaFunction | null): LuaThread {
    this.charge(112 + (stackLimit - stackBase));
    const t = new LuaThread(this.objects.length, stackBase, stackLimit, body);
    this.objects.push(t);
    return t;
  }

  cdata(ctype: CType, value: bigint, isCtype = false): LuaCdata {
    this.charge(16);
    const c = new LuaCdata(this.objects.length, ctype, value, isCtype);
    this.objects.push(c);
    return c;
  }

  userdata(): LuaUserdata {
    this.charge(40);
    const u = new LuaUserdata(this.objects.length);
    this.objects.push(u);
    return u;
  }

  /** Objects allocated so far (collectgarbage('count') estimates from it). */
  get count(): number {
    return this.objects.length - 1;
  }
}

/** A GCstr's size: its 24-byte header, the characters and the terminating NUL. */
function stringBytes(length: number): number {
  return 24 + length + 1;
}
