// The bytecode interpreter. Its Lua stacks live in the modelled machine's memory (GC64
// TValues, FR2 frames), its bytecode sits at fixed addresses in the bytecode region, and its
// 64 hot counters tick as LuaJIT's do. Hooks for packages/jit: hot loop / hot call events, a
// per-instruction recording hook, trace entry at J-variant ops, and resumption at any pc/base.
// The loop itself is dispatch.ts; calls and frames calls.ts; metamethods meta.ts; coroutines
// coroutine.ts.
import { Memory } from '@tracesim/cpu-sim';
import { DISPATCH, DISPATCH_OFFSETS, LUA_STACK_LIMIT, PAGE_SIZE, REGIONS } from '@tracesim/machine';
import { BC, OP_NAMES, insA } from './bytecode';
import type { OpName } from './bytecode';
import { Calls, ENTERED, RETURNED_TO_C } from './calls';
import { Coroutines } from './coroutine';
import { dispatch } from './dispatch';
import { LuaBudgetExceeded, LuaRuntimeError, NotSupportedError } from './errors';
import { DEFAULT_MAX_MEMORY, Heap } from './heap';
import { collectGarbage, MIN_GC_THRESHOLD } from './gc';
import { HOTCOUNT_CALL, HOTCOUNT_LOOP, HotCounters } from './hotcount';
import { JitOptions } from './jitparams';
import { installStdlib } from './lib';
import { Meta, toArithNumber } from './meta';
import { formatNumber } from './numfmt';
import type { Proto, TemplateTable } from './proto';
import { UV_LOCAL } from './proto';
import { FRAME_C, FRAME_CONT, FRAME_DELTA_MASK, FRAME_VARG, LuaStack, frameType, isLuaFrame } from './stack';
import { slotName } from './slotname';
import { stackLevel } from './stack-levels';
import { LuaTable } from './table';
import { discardDeadHeaders } from './object-headers';
import { LuaCdata, LuaFunction, LuaString, LuaThread, Upvalue, typeName } from './value';
import type { BuiltinCall, LuaValue } from './value';
import { cdataToString } from './lib/ffi-arith';

/** A hot loop (FORL/ITERL/ITERN/LOOP) or hot call (FUNCF) as the counters report it. */
export interface HotEvent {
  readonly kind: 'loop' | 'call';
  readonly proto: Proto;
  /** Index of the hot instruction in proto.bc. */
  readonly pc: number;
  readonly op: OpName;
  /** Address of BASE (slot 0 of the frame). */
  readonly base: number;
}

/** One instruction about to execute, for the recorder. Slot values are read via the VM. */
export interface InstructionEvent {
  readonly proto: Proto;
  readonly pc: number;
  readonly ins: number;
  readonly op: OpName;
  readonly base: number;
}

/**
 * A J-variant op reached: run trace `traceNo`; the hook returns where to resume. As in
 * LuaJIT, JFORL and JITERL first do their loop step and enter only when the loop goes on
 * (the state is then that of the loop body's first instruction); JLOOP and JFUNCF enter at once.
 * `pc` is the index of the J-variant op.
 */
export interface TraceEntry {
  readonly traceNo: number;
  readonly proto: Proto;
  readonly pc: number;
  readonly base: number;
}

/** One frame of the chain, innermost first: its BASE, function and frame link. */
export interface FrameInfo {
  readonly base: number;
  readonly fn: LuaFunction;
  /** The raw link at BASE-8: a return PC (kind 'lua') or delta|type. */
  readonly link: number;
  readonly kind: 'lua' | 'pcall' | 'c' | 'cont' | 'vararg';
}

/** Where the interpreter continues: a bytecode address and a BASE (the frame's function slot is at base-16). */
export interface ResumePoint {
  readonly pcAddress: number;
  readonly base: number;
  /**
   * An instruction to execute once in place of the one at `pcAddress`: after an exit to the
   * JLOOP that a RET-started root trace was patched into, LuaJIT runs the original RET
   * (lj_trace_exit), so the program makes progress instead of re-entering the trace.
   */
  readonly ins?: number;
}

/** The regions whose TValues the collector marks from (stacks, global page, trace constants, spill slots). */
const GC_ROOT_REGIONS: ReadonlySet<string> = new Set([REGIONS.luaStack.name, REGIONS.coroutineStacks.name, REGIONS.global.name, REGIONS.mcode.name, REGIONS.cStack.name]);

export interface InterpreterHooks {
  onHotLoop?(event: HotEvent): void;
  onHotCall?(event: HotEvent): void;
  enterTrace?(entry: TraceEntry): ResumePoint;
  /** A Lua error is being raised (the JIT aborts a recording: "error thrown or hook called during recording"). */
  onError?(): void;
  /** The program asked to drop every compiled trace (jit.flush). */
  onFlush?(): void;
  /**
   * The running trace's general registers as [lo, hi] words, for a collection inside one of its
   * helper calls (its tagged values live there and in spill slots on the host C stack). Without
   * it the collector waits until no trace runs.
   */
  traceRegisters?(): readonly (readonly [number, number])[];
}

/** What a program may read from outside: its files (dofile, loadfile) and standard input (io.read). */
export interface HostAccess {
  readFile?(path: string): string | undefined;
  readStdin?(): string;
  getenv?(name: string): string | undefined;
}

export interface InterpreterOptions {
  /** The machine's memory; the Lua stack and bytecode regions are mapped in it if missing. */
  readonly memory?: Memory;
  /** Receives program output (print, io.write), as latin-1 text. */
  readonly output: (text: string) => void;
  /** Receives what the program writes to io.stderr (dropped when absent). */
  readonly errorOutput?: (text: string) => void;
  /** Bytecodes executed before LuaBudgetExceeded (default 2e9). */
  readonly maxInstructions?: number;
  /** The memory budget in bytes (default 256 MB): an allocation past it raises "not enough memory". */
  readonly maxMemory?: number;
  readonly hooks?: InterpreterHooks;
  /** JIT on at start (hot counters tick and events fire); needs hooks to mean anything. */
  readonly jit?: boolean;
  /** `-O` items applied before the run. */
  readonly jitOptions?: string;
  readonly host?: HostAccess;
}

/** A Lua error value in flight (error(), runtime errors); caught by pcall frames. */
export class LuaThrow {
  /** A dispatch loop has handed its position to the interpreter for this error (set once, innermost first). */
  positioned = false;
  constructor(readonly value: LuaValue) {}
}

interface LoadedConstants {
  readonly kgc: (LuaString | Proto | TemplateTable | LuaCdata)[];
  readonly knum: readonly number[];
}

const STACK_BASE = REGIONS.luaStack.base;

export class LuaInterpreter {
  readonly mem: Memory;
  readonly heap: Heap;
  readonly stack: LuaStack;
  readonly globals: LuaTable;
  readonly jit = new JitOptions();
  readonly hot: HotCounters;
  readonly meta: Meta;
  readonly calls: Calls;
  readonly coroutines: Coroutines;
  readonly host: HostAccess;
  jitEnabled: boolean;
  /**
   * The recording hook: when set, called before every instruction. Returning a resume point
   * skips the instruction and continues there (the hook ran a trace for it).
   */
  recorder: ((event: InstructionEvent) => ResumePoint | void) | null = null;
  /** A trace is running (the collector waits until it exits). */
  private inTrace = false;

  // Interpreter state (valid whenever control is outside the dispatch loop). Internal to the package.
  base: number = STACK_BASE + 16;
  pc = 0;
  cl!: LuaFunction;
  multres = 0;
  /** Arguments passed to the function just entered (FUNCV sets up its vararg frame from it). */
  callNargs = 0;
  /** While a builtin runs: the first free slot above its arguments (callValue builds C frames there). */
  top: number = STACK_BASE;
  private running!: LuaThread;

  /** The running coroutine (the main thread outside any). */
  get thread(): LuaThread {
    return this.running;
  }

  set thread(t: LuaThread) {
    this.running = t;
    this.publishStackLimit();
  }

  /** Writes the running thread's stack limit where compiled traces read it (their stack check), once the global page exists. */
  publishStackLimit(): void {
    const cell = DISPATCH + DISPATCH_OFFSETS.stackLimit;
    if (this.mem.isMapped(cell)) this.mem.write64(cell, BigInt(this.running.stackLimit));
  }
  readonly mainThread: LuaThread;
  budget: number;
  readonly nextFn: LuaFunction;
  /** Modules `require` loads on demand (package.preload): ffi, table.new, table.clear. Filled by the libraries. */
  readonly preloads = new Map<string, LuaFunction>();

  private readonly hooks: InterpreterHooks;
  private readonly output: (text: string) => void;
  private readonly errorOutput: (text: string) => void;
  private readonly maxInstructions: number;
  private nextBytecode = REGIONS.bytecode.base;
  private readonly constants = new Map<Proto, LoadedConstants>();
  /** Each constructor template's table (templateTable), made on its first TDUP. */
  private readonly templates = new WeakMap<TemplateTable, LuaTable>();
  /** ResumePoint.ins, waiting to run in place of the next instruction fetched. */
  private pendingIns: number | undefined;
  private outBuf: string[] = [];
  private outLen = 0;

  constructor(options: InterpreterOptions) {
    this.mem = options.memory ?? new Memory();
    this.heap = new Heap(this.mem);
    const stackRegion = REGIONS.luaStack;
    if (!this.mem.isMapped(stackRegion.base)) this.mem.map(stackRegion.base, stackRegion.size, 'rw', stackRegion.name);
    this.stack = new LuaStack(this.mem, this.heap);
    this.output = options.output;
    this.errorOutput = options.errorOutput ?? (() => undefined);
    this.hooks = options.hooks ?? {};
    this.host = options.host ?? {};
    this.jitEnabled = options.jit ?? false;
    this.maxInstructions = options.maxInstructions ?? 2e9;
    this.heap.exhausted = () => {
      throw new LuaThrow(this.heap.memoryError);
    };
    this.heap.pressure = () => this.collectIfSafe();
    this.budget = this.maxInstructions;
    if (options.jitOptions) this.jit.applyList(options.jitOptions, '-O');
    this.hot = new HotCounters(this.jit.params.hotloop);
    this.globals = this.heap.globals;
    this.mainThread = this.heap.thread(STACK_BASE, LUA_STACK_LIMIT, null);
    this.mainThread.status = 'running';
    this.thread = this.mainThread;
    this.meta = new Meta(this);
    this.calls = new Calls(this);
    this.coroutines = new Coroutines(this);
    installStdlib(this);
    this.nextFn = this.builtin('next');
    // The budget applies once the base state exists; lua.c fails the same way when it cannot.
    const limit = options.maxMemory ?? DEFAULT_MAX_MEMORY;
    if (this.heap.bytes > limit) throw new LuaRuntimeError('memory budget', `cannot create state: not enough memory (the base state takes ${this.heap.bytes} bytes)`);
    this.heap.limit = limit;
    this.heap.threshold = MIN_GC_THRESHOLD;
  }

  /** Bytecodes executed so far. */
  get executed(): number {
    return this.maxInstructions - this.budget;
  }

  /** Highest address a frame of the running thread may reach. */
  get stackLimit(): number {
    return this.thread.stackLimit;
  }

  /** The builtin named `name` as -jv names it (`print`, `math.modf`). */
  builtin(name: string): LuaFunction {
    const fn = this.heap.builtinNamed(name);
    if (!fn) throw new Error(`no builtin named ${name}`);
    return fn;
  }

  // ---- loading ---------------------------------------------------------------------------

  /** Places a prototype (and its children) at fixed addresses in the bytecode region. */
  load(proto: Proto): void {
    if (this.constants.has(proto)) return;
    proto.bcAddress = this.nextBytecode;
    this.nextBytecode += 4 * proto.bc.length;
    if (this.nextBytecode > REGIONS.bytecode.base + REGIONS.bytecode.size) {
      throw new LuaRuntimeError(`${proto.chunkname}:${proto.firstline}`, 'program too large for the bytecode region');
    }
    this.mapBytecodePages(proto.bcAddress, this.nextBytecode);
    for (let i = 0; i < proto.bc.length; i++) this.mem.write32(proto.bcAddress + 4 * i, proto.bc[i]);
    const kgc = proto.kgc.map((k) => {
      switch (k.kind) {
        case 'str': return this.heap.str(k.value);
        case 'proto': return k.proto;
        case 'cdata': return this.heap.cdata(k.ctype, k.value);
        default: return k;
      }
    });
    this.constants.set(proto, { kgc, knum: proto.knum });
    for (const child of proto.children) this.load(child);
  }

  constantsOf(proto: Proto): LoadedConstants {
    return this.constants.get(proto)!;
  }

  /**
   * Maps the bytecode region page by page as it fills. It must be writable (J-variants are
   * patched in place): an embedder that maps it itself has to map it 'rw'.
   */
  private mapBytecodePages(from: number, to: number): void {
    const region = REGIONS.bytecode;
    for (let page = from - (from % PAGE_SIZE); page < to; page += PAGE_SIZE) {
      if (!this.mem.isMapped(page)) this.mem.map(page, PAGE_SIZE, 'rw', region.name);
      else if (!this.mem.regions().some((r) => r.address <= page && page < r.address + r.size && r.perm.includes('w'))) {
        throw new Error(`the bytecode region at 0x${page.toString(16)} is mapped read-only; the interpreter patches bytecode and needs it 'rw'`);
      }
    }
  }

  /** Rewrites one instruction (J-variants, despecialisation) in the proto and in memory. */
  patchInstruction(proto: Proto, pc: number, ins: number): void {
    proto.bc[pc] = ins >>> 0;
    this.mem.write32(proto.bcAddress + 4 * pc, ins);
  }

  /** A closure of a loaded main chunk, in the global environment (load, loadstring, dofile). */
  mainClosure(main: Proto): LuaFunction {
    this.load(main);
    return this.heap.closure(main, [], this.globals);
  }

  /**
   * The `arg` table a standalone interpreter gives a script: arg[0] the script, arg[1…] its
   * arguments, arg[-1] the interpreter. Answers the arguments as the main chunk's `...`.
   */
  setScriptArguments(script: string, args: readonly string[]): LuaValue[] {
    return this.outsideLua(script, () => {
      const arg = this.heap.table();
      arg.set(-1, this.heap.str('tracesim'));
      arg.set(0, this.heap.str(script));
      const values = args.map((a) => this.heap.str(a));
      values.forEach((v, i) => arg.set(i + 1, v));
      this.globals.set(this.heap.str('arg'), arg);
      return values;
    });
  }

  /** Setup that runs before any Lua frame exists: a failed allocation there is lua.c's bare 'not enough memory', at `where`. */
  private outsideLua<T>(where: string, build: () => T): T {
    try {
      return build();
    } catch (e) {
      if (e instanceof LuaThrow && e.value === this.heap.memoryError) throw new LuaRuntimeError(where, 'not enough memory');
      throw e;
    }
  }

  /** Runs a main chunk to completion with `args` as its `...`; returns its results. */
  run(main: Proto, args: readonly LuaValue[] = []): LuaValue[] {
    const fn = this.outsideLua(main.chunkname, () => this.mainClosure(main));
    this.stack.set(STACK_BASE, fn);
    this.stack.setLink(STACK_BASE + 8, 16 | FRAME_C);
    args.forEach((v, i) => this.stack.set(STACK_BASE + 16 + 8 * i, v));
    this.calls.enterLua(fn, STACK_BASE + 16, args.length);
    try {
      this.execute(false);
    } finally {
      this.flushOutput();
    }
    const results: LuaValue[] = [];
    for (let i = 0; i < this.multres; i++) results.push(this.stack.get(STACK_BASE + 8 * i));
    return results;
  }

  /** Continues at a bytecode address with a BASE (after a trace exit restored a snapshot). */
  resumeAt(point: ResumePoint): void {
    this.base = point.base;
    this.cl = this.functionAt(point.base);
    this.pc = (point.pcAddress - this.cl.proto!.bcAddress) >>> 2;
    this.pendingIns = point.ins;
  }

  takePendingIns(): number {
    const ins = this.pendingIns ?? -1;
    this.pendingIns = undefined;
    return ins;
  }

  /** The Lua function whose frame has this BASE. */
  functionAt(base: number): LuaFunction {
    return this.heap.objects[this.mem.read32(base - 16)] as LuaFunction;
  }

  /** The frame chain from the current frame (or `base`) outwards to the running thread's bottom frame. */
  frames(base = this.base): FrameInfo[] {
    const out: FrameInfo[] = [];
    const bottom = this.thread.stackBase + 16;
    for (let b = base; b >= bottom && out.length < REGIONS.luaStack.size / 16; ) {
      const link = this.stack.link(b - 8);
      const fn = this.functionAt(b);
      const type = frameType(link);
      if (type === 0) {
        out.push({ base: b, fn, link, kind: 'lua' });
        b = b - 16 - 8 * insA(this.mem.read32(link - 4));
        continue;
      }
      const kind = type === FRAME_C ? 'c' : type === 2 ? 'cont' : type === 3 ? 'vararg' : 'pcall';
      out.push({ base: b, fn, link, kind });
      if (b === bottom) break;
      b -= link & FRAME_DELTA_MASK;
    }
    return out;
  }

  slot(base: number, n: number): LuaValue {
    return this.stack.get(base + 8 * n);
  }

  setSlot(base: number, n: number, v: LuaValue): void {
    this.stack.set(base + 8 * n, v);
  }

  /** Re-initialises the hot counters (after hotloop changed). */
  resetHotCounters(): void {
    this.hot.reset(this.jit.params.hotloop);
  }

  write(text: string): void {
    this.outBuf.push(text);
    this.outLen += text.length;
    if (this.outLen > 1 << 16) this.flushOutput();
  }

  /** io.stderr: unbuffered, after what stdout has buffered so far. */
  writeError(text: string): void {
    this.flushOutput();
    this.errorOutput(text);
  }

  flushOutput(): void {
    if (this.outBuf.length === 0) return;
    this.output(this.outBuf.join(''));
    this.outBuf = [];
    this.outLen = 0;
  }

  // ---- running --------------------------------------------------------------------------------

  /**
   * Runs the dispatch loop until the frame it started in returns into a C frame. Errors unwind
   * to the innermost pcall; a nested run (a builtin calling Lua) passes an uncaught one on to
   * its builtin, the outermost run reports it. A coroutine's uncaught error ends the coroutine.
   */
  execute(nested: boolean): void {
    for (;;) {
      try {
        dispatch(this);
        return;
      } catch (err) {
        if (!(err instanceof LuaThrow)) throw err;
        let value = err.value;
        this.hooks.onError?.();
        for (;;) {
          const outcome = this.calls.unwind(value);
          if (outcome === 'resumed') break;
          if (outcome === 'returned') return;
          if (outcome === 'bottom' && this.thread !== this.mainThread) {
            const after = this.coroutines.died(value);
            if (after === 'resumed') break;
            if (after === 'returned') return;
            value = after.value;
            continue;
          }
          if (nested) throw new LuaThrow(value);
          throw this.uncaught(value);
        }
      }
    }
  }

  // ---- hot counters and traces --------------------------------------------------------------

  /**
   * Ticks the counter of the loop op being executed (pc = the next instruction). On a borrow
   * the hook runs (it may attach the recorder or patch bytecode); the op then executes as usual.
   */
  tickLoop(proto: Proto, pc: number, base: number): void {
    if (!this.hot.tick(((proto.bcAddress + 4 * pc) >>> 2) & 63, HOTCOUNT_LOOP)) return;
    const hook = this.hooks.onHotLoop;
    if (hook !== undefined) hook({ kind: 'loop', proto, pc: pc - 1, op: OP_NAMES[proto.bc[pc - 1] & 0xff], base });
  }

  tickCall(proto: Proto, pc: number, base: number): void {
    if (!this.hot.tick(((proto.bcAddress + 4 * pc) >>> 2) & 63, HOTCOUNT_CALL)) return;
    const hook = this.hooks.onHotCall;
    if (hook !== undefined) hook({ kind: 'call', proto, pc: pc - 1, op: 'FUNCF', base });
  }

  enterTrace(traceNo: number, proto: Proto, pc: number, base: number): void {
    const hook = this.hooks.enterTrace;
    if (hook === undefined) throw this.runtimeError(`trace ${traceNo} reached but no JIT is attached`);
    this.inTrace = true;
    let resume: ResumePoint;
    try {
      resume = hook({ traceNo, proto, pc, base });
    } finally {
      this.inTrace = false;
    }
    this.resumeAt(resume);
  }

  /**
   * Collects (gc.ts) unless a trace is being recorded (its constants are not in the mcode area
   * yet). Inside a trace (a helper call allocating) the trace's registers and the host C stack
   * (its spill slots) are scanned too.
   */
  collectIfSafe(): void {
    if (this.recorder !== null || (this.inTrace && !this.hooks.traceRegisters)) return;
    const roots = this.mem.regions().filter((r) => GC_ROOT_REGIONS.has(r.name)).map((r) => ({ start: r.address, end: r.address + r.size }));
    collectGarbage(this.heap, this.mem, roots, this.inTrace ? this.hooks.traceRegisters!() : []);
    discardDeadHeaders(this.mem, this.heap.liveHeaders());
  }

  despecialize(proto: Proto, pc: number): void {
    const ins = proto.bc[pc];
    this.patchInstruction(proto, pc, (ins & ~0xff) | BC.JMP);
    const target = pc + 1 + (ins >>> 16) - 0x8000;
    this.patchInstruction(proto, target, (proto.bc[target] & ~0xff) | BC.ITERC);
  }

  /** Turns the pairs() loop whose ITERN is at `iternPc` back into a generic ITERC loop (blacklisting). */
  despecializeIterator(proto: Proto, iternPc: number): void {
    const isnext = proto.bc.findIndex((ins, pc) => (ins & 0xff) === BC.ISNEXT && pc + 1 + (ins >>> 16) - 0x8000 === iternPc);
    if (isnext >= 0) this.despecialize(proto, isnext);
  }

  // ---- calls --------------------------------------------------------------------------------

  /**
   * CALLT/CALLMT: the callee and its arguments replace the current frame (a vararg frame is
   * dropped first, as vm_x64 does); a builtin's results return through the frame's link.
   * Answers false when that return went into a C frame (the dispatch loop then ends).
   */
  tailCall(base: number, a: number, nargs: number): boolean {
    const stack = this.stack;
    const fa = base + 8 * a;
    let dst = base;
    let link = stack.link(dst - 8);
    while (frameType(link) === FRAME_VARG) {
      dst -= link & FRAME_DELTA_MASK;
      link = stack.link(dst - 8);
    }
    stack.copy(dst - 16, fa);
    for (let i = 0; i < nargs; i++) stack.copy(dst + 8 * i, fa + 16 + 8 * i);
    const n = this.calls.callAt(dst - 16, nargs, a);
    if (n === ENTERED) return true;
    if (n === RETURNED_TO_C) return false;
    return this.calls.returnVia(link, dst, dst - 16, n);
  }

  /** Calls a builtin with `nargs` arguments at fa+16…; writes its results at fa…; returns their count. */
  callBuiltin(fn: LuaFunction, fa: number, nargs: number): number {
    const args: LuaValue[] = new Array(nargs);
    for (let i = 0; i < nargs; i++) args[i] = this.stack.get(fa + 16 + 8 * i);
    const savedTop = this.top;
    this.top = fa + 16 + 8 * nargs;
    let result: LuaValue[] | LuaValue | void;
    try {
      // A metamethod's caller is the Lua function whose instruction called it (its continuation frame).
      const link = this.stack.link(fa + 8);
      result = fn.builtin!(args, this.builtinCall(fn, isLuaFrame(link) || frameType(link) === FRAME_CONT));
    } catch (err) {
      // A builtin that outgrew the host's string or array limits ran out of memory, as Lua would.
      if (err instanceof RangeError && /Invalid (string|array|typed array) length|allocation failed/.test(err.message)) throw new LuaThrow(this.heap.memoryError);
      throw err;
    } finally {
      this.top = savedTop;
    }
    if (result === undefined) return 0;
    if (!Array.isArray(result)) {
      this.stack.set(fa, result);
      return 1;
    }
    if (fa + 8 * result.length > this.stackLimit) throw this.runtimeError('stack overflow');
    for (let i = 0; i < result.length; i++) this.stack.set(fa + 8 * i, result[i]);
    return result.length;
  }

  /** Runs a builtin on argument values and answers its results (a recorded trace's builtin call). */
  runBuiltin(fn: LuaFunction, args: LuaValue[]): LuaValue[] {
    const result = fn.builtin!(args, this.builtinCall(fn, true));
    return result === undefined ? [] : Array.isArray(result) ? result : [result];
  }

  /**
   * What a builtin may ask of the interpreter. Error levels count frames from the builtin's
   * caller; a builtin that pcall (a C function) called has no Lua caller, so level 1 has no
   * position and Lua does not know the builtin's name ('?').
   */
  private builtinCall(fn: LuaFunction, fromLua: boolean): BuiltinCall {
    const name = fn.shortName;
    const position = (level: number): string => (fromLua ? this.where(level) : level <= 1 ? '' : this.where(level - 1));
    return {
      name,
      str: (s: string) => this.heap.str(s),
      error: (value: LuaValue, level: number): never => {
        if ((value instanceof LuaString || typeof value === 'number') && level > 0) {
          throw new LuaThrow(this.heap.str(`${position(level)}${this.tostring(value)}`));
        }
        throw new LuaThrow(value);
      },
      argError: (n: number, msg: string): never => {
        throw new LuaThrow(this.heap.str(`${position(1)}bad argument #${n} to '${fromLua ? name : '?'}' (${msg})`));
      },
      call: (f: LuaValue, args: readonly LuaValue[]) => this.calls.callValue(f, args),
    };
  }

  // ---- closures and tables -------------------------------------------------------------------

  newClosure(p: Proto, parent: LuaFunction, base: number): LuaFunction {
    const upvalues = p.uv.map((desc) => (desc & UV_LOCAL ? this.findUpvalue(base + 8 * (desc & 0xff)) : parent.upvalues[desc & 0xff]));
    return this.heap.closure(p, upvalues, parent.env);
  }

  /** Addresses of the stack slots open upvalues point at (the recorder treats them as live). */
  openUpvalueAddresses(): number[] {
    return this.thread.openUpvalues.map((uv) => uv.address);
  }

  private findUpvalue(address: number): Upvalue {
    const open = this.thread.openUpvalues;
    for (const uv of open) if (uv.address === address) return uv;
    const uv = new Upvalue(address);
    open.push(uv);
    return uv;
  }

  closeUpvalues(level: number): void {
    const open = this.thread.openUpvalues;
    for (let i = open.length - 1; i >= 0; i--) {
      const uv = open[i];
      if (uv.address >= level) {
        uv.value = this.stack.get(uv.address);
        uv.closed = true;
        open[i] = open[open.length - 1];
        open.pop();
      }
    }
  }

  /** TDUP (lj_tab_dup): a copy of the constructor's template table, parts of the same sizes. */
  duplicate(template: TemplateTable): LuaTable {
    const t = this.heap.table();
    t.copyFrom(this.templateTable(template));
    return t;
  }

  /**
   * The template GCtab the parser would have built (expr_table): made with the sizes known at
   * its first constant key, filled key by key through lj_tab_set (which may rehash), its array
   * part grown to the constructor's items, and the keys of non-constant values left as dead nodes.
   */
  templateTable(template: TemplateTable): LuaTable {
    let t = this.templates.get(template);
    if (t) return t;
    t = this.heap.constantTable(template.sizes.asize, template.sizes.hbits);
    const value = (v: string | number | boolean) => (typeof v === 'string' ? this.heap.str(v) : v);
    const keys = template.entries.map(([k]) => value(k));
    template.entries.forEach(([, v], i) => t!.set(keys[i], v === null ? true : value(v)));
    if (template.sizes.narr > 0 && t.asize < template.sizes.narr) t.reasize(template.sizes.narr - 1);
    template.entries.forEach(([, v], i) => v === null && t!.set(keys[i], undefined));
    this.templates.set(template, t);
    return t;
  }

  /** t[key] = v without metamethods (lj_tab_set's key checks). */
  rawSet(t: LuaTable, key: LuaValue, v: LuaValue): void {
    if (key === undefined) throw this.runtimeError('table index is nil');
    if (typeof key === 'number' && Number.isNaN(key)) throw this.runtimeError('table index is NaN');
    t.set(key, v);
  }

  // ---- conversions -----------------------------------------------------------------------------

  /** lj_meta_for: a for loop's start, limit and step as numbers (strings convert), or its error. */
  coerceForLoop(ra: number): void {
    const names = ["'for' initial value", "'for' limit", "'for' step"];
    for (let i = 0; i < 3; i++) {
      const n = toArithNumber(this.stack.get(ra + 8 * i));
      if (n === undefined) throw this.runtimeError(`${names[i]} must be a number`);
      this.stack.set(ra + 8 * i, n);
    }
  }

  tonumber(v: LuaValue): number | undefined {
    return toArithNumber(v);
  }

  /** tostring(): __tostring when the value has one, else Lua's own spelling. */
  tostring(v: LuaValue): string {
    if (v instanceof LuaString) return v.s;
    if (typeof v === 'number') return formatNumber(v);
    const mm = typeof v === 'object' ? this.meta.lookup(v, '__tostring') : undefined;
    if (mm !== undefined) {
      const s = this.calls.callValue(mm, [v])[0];
      if (!(s instanceof LuaString) && typeof s !== 'number') throw this.runtimeError("'__tostring' must return a string");
      return this.tostring(s);
    }
    return this.rawToString(v);
  }

  /** A value's own spelling, ignoring __tostring. */
  rawToString(v: LuaValue): string {
    if (v === undefined) return 'nil';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return formatNumber(v);
    if (v instanceof LuaString) return v.s;
    if (v instanceof LuaCdata) return cdataToString(v);
    const address = `0x${(0x40000000 + v.handle * 0x40).toString(16).padStart(8, '0')}`;
    if (v instanceof LuaFunction) return v.proto === null ? `function: builtin#${v.handle}` : `function: ${address}`;
    return `${typeName(v)}: ${address}`;
  }

  // ---- errors -----------------------------------------------------------------------------------

  /** The source line of the instruction being executed in the current frame. */
  currentLine(): number {
    const p = this.cl.proto!;
    return p.lines[Math.max(this.pc - 1, 0)];
  }

  /**
   * `file:line:` of the Lua function `level` frames up (1 = the running function), or '' when
   * that is a builtin or lies beyond the thread's bottom (luaL_where). A metamethod's caller
   * is the Lua function whose instruction called it (its continuation frame keeps that PC).
   */
  where(level: number): string {
    let b = this.base, pc = this.pc;
    let fn: LuaFunction = this.cl;
    for (let l = 1; l < level; ) {
      if (b <= this.thread.stackBase + 16) return '';
      const link = this.stack.link(b - 8);
      const type = frameType(link);
      if (type === 0) {
        b = b - 16 - 8 * insA(this.mem.read32(link - 4));
        pc = (link - this.functionAt(b).proto!.bcAddress) >>> 2;
      } else if (type === FRAME_VARG) {
        b -= link & FRAME_DELTA_MASK;
        continue;
      } else if (type === FRAME_CONT) {
        const contPc = this.stack.link(b - 24);
        b -= link & FRAME_DELTA_MASK;
        pc = (contPc - this.functionAt(b).proto!.bcAddress) >>> 2;
      } else return '';
      fn = this.functionAt(b);
      l++;
    }
    if (fn.proto === null) return '';
    const p = fn.proto;
    return `${p.chunkname}:${p.lines[Math.max(pc - 1, 0)]}: `;
  }

  /** Raises a Lua error at the running Lua function's position. */
  raise(message: string): never {
    throw this.runtimeError(message);
  }

  runtimeError(message: string): LuaThrow {
    return new LuaThrow(this.heap.str(`${this.where(1)}${message}`));
  }

  /** `bad argument #n to 'name' (msg)` at the running Lua function (frame builtins check their own arguments). */
  argError(name: string, n: number, msg: string): LuaThrow {
    return this.runtimeError(`bad argument #${n} to '${name}' (${msg})`);
  }

  /** argError for a frame builtin called at `fa`: without position or name when its caller is not Lua (pcall). */
  argErrorAt(fa: number, name: string, n: number, msg: string): LuaThrow {
    return this.errorAt(fa, `bad argument #${n} to '${isLuaFrame(this.stack.link(fa + 8)) ? name : '?'}' (${msg})`);
  }

  /** An error raised by the frame builtin called at `fa`: at its caller's position when that is Lua. */
  errorAt(fa: number, message: string): LuaThrow {
    if (isLuaFrame(this.stack.link(fa + 8))) return this.runtimeError(message);
    return new LuaThrow(this.heap.str(message));
  }

  typeError(what: string, v: LuaValue, slot: number): LuaThrow {
    const name = slot >= 0 ? slotName(this.cl.proto!, this.pc - 1, slot) : undefined;
    const described = name ? `${name[0]} '${name[1]}' ` : '';
    return this.runtimeError(`attempt to ${what} ${described}${name ? '(' : ''}a ${typeName(v)} value${name ? ')' : ''}`);
  }

  /** The function `level` frames up (1 = the running Lua function), or null beyond the thread's bottom. */
  functionAtLevel(level: number): LuaFunction | null {
    return stackLevel(this, level)?.fn ?? null;
  }

  /** setfenv on a Lua function: its GGET/GSET see `env` from now on (traces read it from the function's header, FLOAD func.env). */
  setEnvironment(fn: LuaFunction, env: LuaTable): void {
    this.heap.setEnvironment(fn, env);
  }

  /** jit.flush(): drop every compiled trace. */
  flushTraces(): void {
    this.hooks.onFlush?.();
  }

  /** The bytes the program's live objects take, as the heap counts them (the collector gives swept tables' bytes back). */
  memoryInUse(): number {
    return this.heap.bytes;
  }

  /** Raises `not supported: <feature>` at the running Lua function's line (a typed error, exit 2). */
  notSupported(feature: string): never {
    const where = this.where(1).replace(/: $/, '');
    throw new NotSupportedError(where || `${this.cl.proto?.chunkname ?? '?'}:${this.currentLine()}`, feature);
  }

  budgetExceeded(): LuaBudgetExceeded {
    const p = this.cl.proto!;
    return new LuaBudgetExceeded(`${p.chunkname}:${this.currentLine()}`, `instruction budget of ${this.maxInstructions} bytecodes exhausted (runaway program?)`);
  }

  /** Turns an uncaught error value into the typed error the CLI reports. */
  private uncaught(value: LuaValue): LuaRuntimeError {
    const p = this.cl.proto!;
    const here = `${p.chunkname}:${this.currentLine()}`;
    const text = value instanceof LuaString ? value.s : typeof value === 'number' ? formatNumber(value) : undefined;
    if (text === undefined) return new LuaRuntimeError(here, '(error object is not a string)');
    const m = /^(.*?:\d+): ([\s\S]*)$/.exec(text);
    if (m) return new LuaRuntimeError(m[1], m[2]);
    return new LuaRuntimeError(here, text);
  }

  /** jit.on / jit.off. */
  setJit(on: boolean): void {
    this.jitEnabled = on && (this.hooks.onHotLoop !== undefined || this.hooks.onHotCall !== undefined || this.hooks.enterTrace !== undefined);
  }
}
