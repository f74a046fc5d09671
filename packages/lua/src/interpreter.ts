// The bytecode interpreter. Its Lua stack lives in the modelled machine's memory (GC64
// TValues, FR2 frames), its bytecode sits at fixed addresses in the bytecode region, and its
// 64 hot counters tick as LuaJIT's do. Hooks for packages/jit: hot loop / hot call events, a
// per-instruction recording hook, trace entry at J-variant ops, and resumption at any pc/base.
import { Memory } from '@tracesim/cpu-sim';
import { LUA_STACK_LIMIT, PAGE_SIZE, REGIONS } from '@tracesim/machine';
import { BC, OP_NAMES, insA, insB } from './bytecode';
import type { OpName } from './bytecode';
import { LuaBudgetExceeded, LuaRuntimeError } from './errors';
import { Heap } from './heap';
import { HOTCOUNT_CALL, HOTCOUNT_LOOP, HotCounters } from './hotcount';
import { JitOptions } from './jitparams';
import { formatNumber, parseNumber } from './numfmt';
import type { Proto, TemplateTable } from './proto';
import { UV_LOCAL } from './proto';
import {
  FALSE_HI, FRAME_C, FRAME_DELTA_MASK, FRAME_PCALL, FUNC_HI, isLuaFrame, isPcallFrame, LuaStack, NIL_HI, NUM_LIMIT,
  PRI_HI, PRI_LO, STR_HI, TAB_HI, TRUE_HI,
} from './stack';
import { slotName } from './slotname';
import { installStdlib } from './lib';
import { LuaTable } from './table';
import { LuaFunction, LuaString, Upvalue, typeName } from './value';
import type { BuiltinCall, LuaValue } from './value';

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
  /** The raw link at BASE-8: a return PC (kind 'lua') or delta|type ('pcall', 'c'). */
  readonly link: number;
  readonly kind: 'lua' | 'pcall' | 'c';
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

export interface InterpreterHooks {
  onHotLoop?(event: HotEvent): void;
  onHotCall?(event: HotEvent): void;
  enterTrace?(entry: TraceEntry): ResumePoint;
}

export interface InterpreterOptions {
  /** The machine's memory; the Lua stack and bytecode regions are mapped in it if missing. */
  readonly memory?: Memory;
  /** Receives program output (print), as latin-1 text. */
  readonly output: (text: string) => void;
  /** Bytecodes executed before LuaBudgetExceeded (default 2e9). */
  readonly maxInstructions?: number;
  readonly hooks?: InterpreterHooks;
  /** JIT on at start (hot counters tick and events fire); needs hooks to mean anything. */
  readonly jit?: boolean;
  /** `-O` items applied before the run. */
  readonly jitOptions?: string;
}

/** A Lua error value in flight (error(), runtime errors); caught by pcall frames. */
export class LuaThrow {
  constructor(readonly value: LuaValue) {}
}

interface LoadedConstants {
  readonly kgc: (LuaString | Proto | TemplateTable)[];
  readonly knum: readonly number[];
}

const STACK_BASE = REGIONS.luaStack.base;
const STACK_LIMIT = LUA_STACK_LIMIT;

export class LuaInterpreter {
  readonly mem: Memory;
  readonly heap = new Heap();
  readonly stack: LuaStack;
  readonly globals: LuaTable;
  readonly jit = new JitOptions();
  readonly hot: HotCounters;
  jitEnabled: boolean;
  /** Bytecodes executed so far. */
  executed = 0;
  /**
   * The recording hook: when set, called before every instruction. Returning a resume point
   * skips the instruction and continues there (the hook ran a trace for it).
   */
  recorder: ((event: InstructionEvent) => ResumePoint | void) | null = null;
  /** ResumePoint.ins, waiting to run in place of the next instruction fetched. */
  private pendingIns: number | undefined;

  // Interpreter state (valid whenever control is outside the dispatch loop).
  base = STACK_BASE + 16;
  pc = 0;
  cl!: LuaFunction;
  multres = 0;

  private readonly hooks: InterpreterHooks;
  private readonly output: (text: string) => void;
  private budget: number;
  private readonly maxInstructions: number;
  private nextBytecode = REGIONS.bytecode.base;
  private readonly constants = new Map<Proto, LoadedConstants>();
  private readonly openUpvalues: Upvalue[] = [];
  private readonly pcallFn: LuaFunction;
  private readonly nextFn: LuaFunction;
  private readonly stringLibrary: LuaTable;
  private outBuf: string[] = [];
  private outLen = 0;

  constructor(options: InterpreterOptions) {
    this.mem = options.memory ?? new Memory();
    const stackRegion = REGIONS.luaStack;
    if (!this.mem.isMapped(stackRegion.base)) this.mem.map(stackRegion.base, stackRegion.size, 'rw', stackRegion.name);
    this.stack = new LuaStack(this.mem, this.heap);
    this.output = options.output;
    this.hooks = options.hooks ?? {};
    this.jitEnabled = options.jit ?? false;
    this.maxInstructions = options.maxInstructions ?? 2e9;
    this.budget = this.maxInstructions;
    if (options.jitOptions) this.jit.applyList(options.jitOptions, '-O');
    this.hot = new HotCounters(this.jit.params.hotloop);
    this.globals = this.heap.table();
    const libs = installStdlib(this);
    this.pcallFn = this.builtin('pcall');
    this.nextFn = this.builtin('next');
    this.stringLibrary = libs.get('string')!;
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
    const kgc = proto.kgc.map((k) => (k.kind === 'str' ? this.heap.str(k.value) : k.kind === 'proto' ? k.proto : k));
    this.constants.set(proto, { kgc, knum: proto.knum });
    for (const child of proto.children) this.load(child);
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

  /** Runs a main chunk to completion; returns its results. */
  run(main: Proto): LuaValue[] {
    this.load(main);
    const fn = this.heap.closure(main, []);
    this.stack.set(STACK_BASE, fn);
    this.stack.setLink(STACK_BASE + 8, 16 | FRAME_C);
    this.base = STACK_BASE + 16;
    this.cl = fn;
    this.pc = 0;
    try {
      this.execute();
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

  /** The Lua function whose frame has this BASE. */
  functionAt(base: number): LuaFunction {
    return this.heap.objects[this.mem.read32(base - 16)] as LuaFunction;
  }

  /** The frame chain from the current frame (or `base`) outwards to the bottom frame. */
  frames(base = this.base): FrameInfo[] {
    const out: FrameInfo[] = [];
    for (let b = base; b > STACK_BASE && out.length < REGIONS.luaStack.size / 16; ) {
      const link = this.stack.link(b - 8);
      const fn = this.functionAt(b);
      if (isLuaFrame(link)) {
        out.push({ base: b, fn, link, kind: 'lua' });
        b = b - 16 - 8 * insA(this.mem.read32(link - 4));
      } else if (isPcallFrame(link)) {
        out.push({ base: b, fn, link, kind: 'pcall' });
        b -= link & FRAME_DELTA_MASK;
      } else {
        out.push({ base: b, fn, link, kind: 'c' });
        break;
      }
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

  private flushOutput(): void {
    if (this.outBuf.length === 0) return;
    this.output(this.outBuf.join(''));
    this.outBuf = [];
    this.outLen = 0;
  }

  // ---- the dispatch loop --------------------------------------------------------------------

  private execute(): void {
    for (;;) {
      try {
        this.dispatch();
        return;
      } catch (err) {
        if (!(err instanceof LuaThrow)) throw err;
        const outcome = this.unwindToPcall(err.value);
        if (outcome === 'uncaught') throw this.uncaught(err.value);
        if (outcome === 'finished') return;
      }
    }
  }

  private dispatch(): void {
    const mem = this.mem;
    const stack = this.stack;
    const objects = this.heap.objects;
    let base = this.base;
    let cl = this.cl;
    let proto = cl.proto!;
    let bc = proto.bc;
    let k = this.constants.get(proto)!;
    let kgc = k.kgc;
    let knum = k.knum;
    let pc = this.pc;
    let pending = this.takePendingIns();
    let budget = this.budget;
    try {
      for (;;) {
        if (--budget < 0) {
          this.pc = pc + 1;
          this.base = base;
          this.cl = cl;
          throw this.budgetExceeded();
        }
        let ins = bc[pc++];
        if (pending >= 0) {
          ins = pending;
          pending = -1;
        }
        const op = ins & 0xff;
        const a = (ins >>> 8) & 0xff;
        if (this.recorder !== null) {
          // The hook may run compiled code itself (a stitched trace's continuation): go on where it left off.
          const redirect = this.recorder({ proto, pc: pc - 1, ins, op: OP_NAMES[op], base });
          if (redirect) {
            this.resumeAt(redirect);
            base = this.base; cl = this.cl; pc = this.pc; pending = this.takePendingIns();
            proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
            continue;
          }
        }
        switch (op) {
          case BC.ISLT: case BC.ISGE: case BC.ISLE: case BC.ISGT: {
            const ra = base + 8 * a, rd = base + 8 * (ins >>> 16);
            let cond: boolean;
            if (mem.read32(ra + 4) < NUM_LIMIT && mem.read32(rd + 4) < NUM_LIMIT) {
              const x = mem.readF64(ra), y = mem.readF64(rd);
              cond = op === BC.ISLT ? x < y : op === BC.ISGE ? !(x < y) : op === BC.ISLE ? x <= y : !(x <= y);
            } else {
              this.sync(pc, base, cl);
              cond = this.compareSlow(op, ra, rd);
            }
            if (cond) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.ISEQV: case BC.ISNEV: {
            const ra = base + 8 * a, rd = base + 8 * (ins >>> 16);
            const ha = mem.read32(ra + 4), hd = mem.read32(rd + 4);
            let eq: boolean;
            if (ha < NUM_LIMIT && hd < NUM_LIMIT) eq = mem.readF64(ra) === mem.readF64(rd);
            else eq = ha === hd && mem.read32(ra) === mem.read32(rd);
            if (eq === (op === BC.ISEQV)) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.ISEQS: case BC.ISNES: {
            const ra = base + 8 * a;
            const eq = mem.read32(ra + 4) === STR_HI && mem.read32(ra) === (kgc[ins >>> 16] as LuaString).handle;
            if (eq === (op === BC.ISEQS)) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.ISEQN: case BC.ISNEN: {
            const ra = base + 8 * a;
            const eq = mem.read32(ra + 4) < NUM_LIMIT && mem.readF64(ra) === knum[ins >>> 16];
            if (eq === (op === BC.ISEQN)) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.ISEQP: case BC.ISNEP: {
            const eq = mem.read32(base + 8 * a + 4) === PRI_HI[ins >>> 16];
            if (eq === (op === BC.ISEQP)) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.ISTC: case BC.ISFC: {
            const rd = base + 8 * (ins >>> 16);
            const hd = mem.read32(rd + 4);
            const t = hd !== NIL_HI && hd !== FALSE_HI;
            if (t === (op === BC.ISTC)) {
              stack.copy(base + 8 * a, rd);
              pc += (bc[pc] >>> 16) - 0x7fff;
            } else pc++;
            break;
          }
          case BC.IST: case BC.ISF: {
            const hd = mem.read32(base + 8 * (ins >>> 16) + 4);
            const t = hd !== NIL_HI && hd !== FALSE_HI;
            if (t === (op === BC.IST)) pc += (bc[pc] >>> 16) - 0x7fff;
            else pc++;
            break;
          }
          case BC.MOV:
            stack.copy(base + 8 * a, base + 8 * (ins >>> 16));
            break;
          case BC.NOT: {
            const hd = mem.read32(base + 8 * (ins >>> 16) + 4);
            mem.write64Halves(base + 8 * a, PRI_LO, hd === NIL_HI || hd === FALSE_HI ? TRUE_HI : FALSE_HI);
            break;
          }
          case BC.UNM: {
            const rd = base + 8 * (ins >>> 16);
            if (mem.read32(rd + 4) < NUM_LIMIT) mem.writeF64(base + 8 * a, -mem.readF64(rd));
            else {
              this.sync(pc, base, cl);
              mem.writeF64(base + 8 * a, -this.arithOperand(rd, ins >>> 16));
            }
            break;
          }
          case BC.LEN: {
            const rd = base + 8 * (ins >>> 16);
            const v = stack.get(rd);
            if (v instanceof LuaString) mem.writeF64(base + 8 * a, v.s.length);
            else if (v instanceof LuaTable) mem.writeF64(base + 8 * a, v.length());
            else {
              this.sync(pc, base, cl);
              throw this.typeError('get length of', v, ins >>> 16);
            }
            break;
          }
          case BC.ADDVN: case BC.SUBVN: case BC.MULVN: case BC.DIVVN: case BC.MODVN: {
            const rb = base + 8 * (ins >>> 24);
            const y = knum[(ins >>> 16) & 0xff];
            let x: number;
            if (mem.read32(rb + 4) < NUM_LIMIT) x = mem.readF64(rb);
            else {
              this.sync(pc, base, cl);
              x = this.arithOperand(rb, ins >>> 24);
            }
            mem.writeF64(base + 8 * a, op === BC.ADDVN ? x + y : op === BC.SUBVN ? x - y : op === BC.MULVN ? x * y : op === BC.DIVVN ? x / y : x - Math.floor(x / y) * y);
            break;
          }
          case BC.ADDNV: case BC.SUBNV: case BC.MULNV: case BC.DIVNV: case BC.MODNV: {
            const rb = base + 8 * (ins >>> 24);
            const x = knum[(ins >>> 16) & 0xff];
            let y: number;
            if (mem.read32(rb + 4) < NUM_LIMIT) y = mem.readF64(rb);
            else {
              this.sync(pc, base, cl);
              y = this.arithOperand(rb, ins >>> 24);
            }
            mem.writeF64(base + 8 * a, op === BC.ADDNV ? x + y : op === BC.SUBNV ? x - y : op === BC.MULNV ? x * y : op === BC.DIVNV ? x / y : x - Math.floor(x / y) * y);
            break;
          }
          case BC.ADDVV: case BC.SUBVV: case BC.MULVV: case BC.DIVVV: case BC.MODVV: case BC.POW: {
            const b = ins >>> 24, c = (ins >>> 16) & 0xff;
            const rb = base + 8 * b, rc = base + 8 * c;
            let x: number, y: number;
            if (mem.read32(rb + 4) < NUM_LIMIT && mem.read32(rc + 4) < NUM_LIMIT) {
              x = mem.readF64(rb);
              y = mem.readF64(rc);
            } else {
              this.sync(pc, base, cl);
              [x, y] = this.arithOperands(rb, b, rc, c);
            }
            mem.writeF64(base + 8 * a, op === BC.ADDVV ? x + y : op === BC.SUBVV ? x - y : op === BC.MULVV ? x * y : op === BC.DIVVV ? x / y : op === BC.MODVV ? x - Math.floor(x / y) * y : Math.pow(x, y));
            break;
          }
          case BC.CAT: {
            this.sync(pc, base, cl);
            stack.set(base + 8 * a, this.concat(base, ins >>> 24, (ins >>> 16) & 0xff));
            break;
          }
          case BC.KSTR:
            mem.write64Halves(base + 8 * a, (kgc[ins >>> 16] as LuaString).handle, STR_HI);
            break;
          case BC.KSHORT:
            mem.writeF64(base + 8 * a, (ins >> 16));
            break;
          case BC.KNUM:
            mem.writeF64(base + 8 * a, knum[ins >>> 16]);
            break;
          case BC.KPRI:
            mem.write64Halves(base + 8 * a, PRI_LO, PRI_HI[ins >>> 16]);
            break;
          case BC.KNIL:
            for (let r = a, d = ins >>> 16; r <= d; r++) mem.write64Halves(base + 8 * r, PRI_LO, NIL_HI);
            break;
          case BC.UGET: {
            const uv = cl.upvalues[ins >>> 16];
            if (uv.closed) stack.set(base + 8 * a, uv.value);
            else stack.copy(base + 8 * a, uv.address);
            break;
          }
          case BC.USETV: case BC.USETS: case BC.USETN: case BC.USETP: {
            const uv = cl.upvalues[a];
            const d = ins >>> 16;
            const v: LuaValue = op === BC.USETV ? stack.get(base + 8 * d) : op === BC.USETS ? (kgc[d] as LuaString) : op === BC.USETN ? knum[d] : d === 0 ? undefined : d === 2;
            if (uv.closed) uv.value = v;
            else stack.set(uv.address, v);
            break;
          }
          case BC.UCLO:
            this.closeUpvalues(base + 8 * a);
            pc += (ins >>> 16) - 0x8000;
            break;
          case BC.FNEW: {
            const child = kgc[ins >>> 16] as Proto;
            child.closures++;
            stack.set(base + 8 * a, this.newClosure(child, cl, base));
            break;
          }
          case BC.TNEW:
            stack.set(base + 8 * a, this.heap.table());
            break;
          case BC.TDUP:
            stack.set(base + 8 * a, this.duplicate(kgc[ins >>> 16] as TemplateTable));
            break;
          case BC.GGET:
            stack.set(base + 8 * a, this.globals.get(kgc[ins >>> 16] as LuaString));
            break;
          case BC.GSET:
            this.globals.set(kgc[ins >>> 16] as LuaString, stack.get(base + 8 * a));
            break;
          case BC.TGETV: case BC.TGETS: case BC.TGETB: {
            const b = ins >>> 24, c = (ins >>> 16) & 0xff;
            const rb = base + 8 * b;
            const key: LuaValue = op === BC.TGETV ? stack.get(base + 8 * c) : op === BC.TGETS ? (kgc[c] as LuaString) : c;
            if (mem.read32(rb + 4) !== TAB_HI) {
              this.sync(pc, base, cl);
              stack.set(base + 8 * a, this.indexNonTable(stack.get(rb), key, b));
              break;
            }
            stack.set(base + 8 * a, (objects[mem.read32(rb)] as LuaTable).get(key));
            break;
          }
          case BC.TSETV: case BC.TSETS: case BC.TSETB: {
            const b = ins >>> 24, c = (ins >>> 16) & 0xff;
            const rb = base + 8 * b;
            const key: LuaValue = op === BC.TSETV ? stack.get(base + 8 * c) : op === BC.TSETS ? (kgc[c] as LuaString) : c;
            if (mem.read32(rb + 4) !== TAB_HI) {
              this.sync(pc, base, cl);
              throw this.typeError('index', stack.get(rb), b);
            }
            if (key === undefined || (typeof key === 'number' && Number.isNaN(key))) {
              this.sync(pc, base, cl);
              throw this.runtimeError(key === undefined ? 'table index is nil' : 'table index is NaN');
            }
            (objects[mem.read32(rb)] as LuaTable).set(key, stack.get(base + 8 * a));
            break;
          }
          case BC.TSETM: {
            const t = stack.get(base + 8 * (a - 1)) as LuaTable;
            const start = knum[ins >>> 16] - 2 ** 52;
            for (let i = 0; i < this.multres; i++) t.set(start + i, stack.get(base + 8 * (a + i)));
            break;
          }
          case BC.CALLM: case BC.CALL: case BC.CALLMT: case BC.CALLT: case BC.ITERC: {
            let nargs: number;
            if (op === BC.ITERC) {
              const ra = base + 8 * a;
              stack.copy(ra, ra - 24);
              stack.copy(ra + 16, ra - 16);
              stack.copy(ra + 24, ra - 8);
              nargs = 2;
            } else if (op === BC.CALL) nargs = ((ins >>> 16) & 0xff) - 1;
            else if (op === BC.CALLM) nargs = ((ins >>> 16) & 0xff) + this.multres;
            else if (op === BC.CALLT) nargs = (ins >>> 16) - 1;
            else nargs = (ins >>> 16) + this.multres;
            const fa = base + 8 * a;
            if (mem.read32(fa + 4) !== FUNC_HI) {
              this.sync(pc, base, cl);
              throw this.typeError('call', stack.get(fa), a);
            }
            const fn = objects[mem.read32(fa)] as LuaFunction;
            this.sync(pc, base, cl);
            if (op === BC.CALLT || op === BC.CALLMT) {
              stack.copy(base - 16, fa);
              for (let i = 0; i < nargs; i++) stack.copy(base + 8 * i, fa + 16 + 8 * i);
              if (fn.proto !== null) this.enterLua(fn, base, nargs);
              else {
                const link = stack.link(base - 8);
                const n = fn === this.pcallFn ? this.pcall(base - 16, nargs) : this.callBuiltin(fn, base - 16, nargs);
                if (n >= 0 && !this.returnVia(link, base, base - 16, n)) return;
              }
            } else {
              const nb = fa + 16;
              this.stack.setLink(nb - 8, proto.bcAddress + 4 * pc);
              if (fn.proto !== null) this.enterLua(fn, nb, nargs);
              else {
                const n = fn === this.pcallFn ? this.pcall(fa, nargs) : this.callBuiltin(fn, fa, nargs);
                if (n >= 0) this.finishBuiltinCall(fa, n, ins >>> 24);
              }
            }
            base = this.base; cl = this.cl; pc = this.pc;
            if (cl.proto !== proto) {
              proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
            }
            break;
          }
          case BC.ITERN: {
            const ra = base + 8 * a;
            const t = objects[mem.read32(ra - 16)] as LuaTable;
            if (this.jitEnabled) this.tickLoop(proto, pc, base);
            // As vm_x64's ITERN: on an element, take the following ITERL's branch; at the end skip it.
            const next = t.nextFrom(mem.readF64(ra - 8));
            if (next === undefined) pc++;
            else {
              mem.writeF64(ra - 8, next[0] + 1);
              stack.set(ra, next[1]);
              stack.set(ra + 8, next[2]);
              pc += (bc[pc] >>> 16) - 0x7fff;
            }
            break;
          }
          case BC.ISNEXT: {
            const ra = base + 8 * a;
            if (mem.read32(ra - 24 + 4) === FUNC_HI && objects[mem.read32(ra - 24)] === this.nextFn && mem.read32(ra - 16 + 4) === TAB_HI && mem.read32(ra - 8 + 4) === NIL_HI) {
              mem.writeF64(ra - 8, 0);
              pc += (ins >>> 16) - 0x8000;
            } else {
              this.despecialize(proto, pc - 1);
              pc += (ins >>> 16) - 0x8000;
            }
            break;
          }
          case BC.RETM: case BC.RET: case BC.RET0: case BC.RET1: {
            const n = op === BC.RETM ? (ins >>> 16) + this.multres : (ins >>> 16) - 1;
            this.sync(pc, base, cl);
            if (!this.returnFrom(base, base + 8 * a, n)) return;
            base = this.base; cl = this.cl; pc = this.pc;
            proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
            break;
          }
          case BC.FORI: case BC.JFORI: {
            const ra = base + 8 * a;
            if (mem.read32(ra + 4) >= NUM_LIMIT || mem.read32(ra + 12) >= NUM_LIMIT || mem.read32(ra + 20) >= NUM_LIMIT) {
              this.sync(pc, base, cl);
              this.coerceForLoop(ra);
            }
            const idx = mem.readF64(ra), stop = mem.readF64(ra + 8), step = mem.readF64(ra + 16);
            const enters = step >= 0 ? idx <= stop : idx >= stop;
            if (enters) mem.writeF64(ra + 24, idx);
            if (!enters || op === BC.JFORI) pc += (ins >>> 16) - 0x8000;
            if (enters && op === BC.JFORI) {
              // As vm_x64's JFORI: an entered loop goes straight into the trace of its JFORL (just before the jump target).
              this.sync(pc, base, cl);
              this.enterTrace(bc[pc - 1] >>> 16, proto, pc - 1, base);
              base = this.base; cl = this.cl; pc = this.pc; pending = this.takePendingIns();
              proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
            }
            break;
          }
          case BC.FORL: case BC.IFORL: case BC.JFORL: {
            const ra = base + 8 * a;
            const step = mem.readF64(ra + 16);
            const idx = mem.readF64(ra) + step;
            const stop = mem.readF64(ra + 8);
            if (op === BC.FORL && this.jitEnabled) this.tickLoop(proto, pc, base);
            if (step >= 0 ? idx <= stop : idx >= stop) {
              mem.writeF64(ra, idx);
              mem.writeF64(ra + 24, idx);
              if (op !== BC.JFORL) pc += (ins >>> 16) - 0x8000;
              else {
                // As vm_x64's JFORL: the loop step runs here, the trace only when the loop continues.
                this.sync(pc, base, cl);
                this.enterTrace(ins >>> 16, proto, pc - 1, base);
                base = this.base; cl = this.cl; pc = this.pc; pending = this.takePendingIns();
                proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
              }
            }
            break;
          }
          case BC.ITERL: case BC.IITERL: case BC.JITERL: {
            if (op === BC.ITERL && this.jitEnabled) this.tickLoop(proto, pc, base);
            const ra = base + 8 * a;
            if (mem.read32(ra + 4) !== NIL_HI) {
              stack.copy(ra - 8, ra);
              if (op !== BC.JITERL) pc += (ins >>> 16) - 0x8000;
              else {
                this.sync(pc, base, cl);
                this.enterTrace(ins >>> 16, proto, pc - 1, base);
                base = this.base; cl = this.cl; pc = this.pc; pending = this.takePendingIns();
                proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
              }
            }
            break;
          }
          case BC.LOOP:
            if (this.jitEnabled) this.tickLoop(proto, pc, base);
            break;
          case BC.ILOOP:
            break;
          case BC.JMP:
            pc += (ins >>> 16) - 0x8000;
            break;
          case BC.FUNCF:
            if (this.jitEnabled) this.tickCall(proto, pc, base);
            break;
          case BC.IFUNCF: case BC.FUNCV: case BC.IFUNCV:
            break;
          case BC.JLOOP: case BC.JFUNCF: case BC.JFUNCV: {
            this.sync(pc, base, cl);
            this.enterTrace(ins >>> 16, proto, pc - 1, base);
            base = this.base; cl = this.cl; pc = this.pc; pending = this.takePendingIns();
            proto = cl.proto!; bc = proto.bc; k = this.constants.get(proto)!; kgc = k.kgc; knum = k.knum;
            break;
          }
          default:
            this.sync(pc, base, cl);
            throw this.runtimeError(`bytecode ${OP_NAMES[op]} is not executed by this interpreter`);
        }
      }
    } finally {
      const left = Math.max(budget, 0);
      this.executed += this.budget - left;
      this.budget = left;
    }
  }

  private takePendingIns(): number {
    const ins = this.pendingIns ?? -1;
    this.pendingIns = undefined;
    return ins;
  }

  private sync(pc: number, base: number, cl: LuaFunction): void {
    this.pc = pc;
    this.base = base;
    this.cl = cl;
  }

  // ---- hot counters ---------------------------------------------------------------------------

  /**
   * Ticks the counter of the loop op being executed (pc = the next instruction). On a borrow
   * the hook runs (it may attach the recorder or patch bytecode); the op then executes as usual.
   */
  private tickLoop(proto: Proto, pc: number, base: number): void {
    if (!this.hot.tick(((proto.bcAddress + 4 * pc) >>> 2) & 63, HOTCOUNT_LOOP)) return;
    const hook = this.hooks.onHotLoop;
    if (hook !== undefined) hook({ kind: 'loop', proto, pc: pc - 1, op: OP_NAMES[proto.bc[pc - 1] & 0xff], base });
  }

  private tickCall(proto: Proto, pc: number, base: number): void {
    if (!this.hot.tick(((proto.bcAddress + 4 * pc) >>> 2) & 63, HOTCOUNT_CALL)) return;
    const hook = this.hooks.onHotCall;
    if (hook !== undefined) hook({ kind: 'call', proto, pc: pc - 1, op: 'FUNCF', base });
  }

  private enterTrace(traceNo: number, proto: Proto, pc: number, base: number): void {
    const hook = this.hooks.enterTrace;
    if (hook === undefined) throw this.runtimeError(`trace ${traceNo} reached but no JIT is attached`);
    this.resumeAt(hook({ traceNo, proto, pc, base }));
  }

  private despecialize(proto: Proto, pc: number): void {
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

  // ---- calls and returns ---------------------------------------------------------------------

  /** Enters Lua function `fn` with its frame at BASE `nb` (function slot and link already written). */
  private enterLua(fn: LuaFunction, nb: number, nargs: number): void {
    const p = fn.proto!;
    if (nb + 8 * p.framesize > STACK_LIMIT) throw this.runtimeError('stack overflow');
    for (let i = nargs; i < p.numparams; i++) this.stack.setNil(nb + 8 * i);
    this.base = nb;
    this.cl = fn;
    this.pc = 0;
  }

  /** Returns `n` values found at `src` from the frame at `base`; false when the bottom frame returned. */
  private returnFrom(base: number, src: number, n: number): boolean {
    return this.returnVia(this.stack.link(base - 8), base, src, n);
  }

  /** As returnFrom, with the frame's link already read (the results may overwrite it). */
  private returnVia(link: number, base: number, src: number, n: number): boolean {
    const stack = this.stack;
    // Each pcall frame passed on the way adds `true` in front (a chain of `return pcall(f)`).
    while (isPcallFrame(link)) {
      const pbase = base - (link & FRAME_DELTA_MASK);
      const plink = stack.link(pbase - 8);
      stack.set(pbase - 16, true);
      for (let i = 0; i < n; i++) stack.copy(pbase - 8 + 8 * i, src + 8 * i);
      link = plink;
      base = pbase;
      src = pbase - 16;
      n++;
    }
    for (let i = 0; i < n; i++) stack.copy(base - 16 + 8 * i, src + 8 * i);
    if (isLuaFrame(link)) {
      this.returnToLua(link, base - 16, n);
      return true;
    }
    this.multres = n;
    return false;
  }

  /** Finishes a return into the Lua frame whose call instruction precedes `retAddr`: `n` results are at `dst`. */
  private returnToLua(retAddr: number, dst: number, n: number): void {
    const callIns = this.mem.read32(retAddr - 4);
    const callerBase = dst - 8 * insA(callIns);
    const wanted = insB(callIns) - 1;
    if (wanted >= 0) for (let i = n; i < wanted; i++) this.stack.setNil(dst + 8 * i);
    else this.multres = n;
    const fn = this.functionAt(callerBase);
    this.base = callerBase;
    this.cl = fn;
    this.pc = (retAddr - fn.proto!.bcAddress) >>> 2;
  }

  private finishBuiltinCall(fa: number, n: number, b: number): void {
    const wanted = b - 1;
    if (wanted >= 0) for (let i = n; i < wanted; i++) this.stack.setNil(fa + 8 * i);
    else this.multres = n;
  }

  /** Runs a builtin on argument values and answers its results (a recorded trace's builtin call). */
  runBuiltin(fn: LuaFunction, args: LuaValue[]): LuaValue[] {
    const result = fn.builtin!(args, this.builtinCall(fn.shortName, false));
    return result === undefined ? [] : Array.isArray(result) ? result : [result];
  }

  /** Calls a builtin with `nargs` arguments at fa+16…; writes its results at fa…; returns their count. */
  private callBuiltin(fn: LuaFunction, fa: number, nargs: number, fromPcall = false): number {
    const args: LuaValue[] = new Array(nargs);
    for (let i = 0; i < nargs; i++) args[i] = this.stack.get(fa + 16 + 8 * i);
    const result = fn.builtin!(args, this.builtinCall(fn.shortName, fromPcall));
    if (result === undefined) return 0;
    if (!Array.isArray(result)) {
      this.stack.set(fa, result);
      return 1;
    }
    if (fa + 8 * result.length > STACK_LIMIT) throw this.runtimeError('stack overflow');
    for (let i = 0; i < result.length; i++) this.stack.set(fa + 8 * i, result[i]);
    return result.length;
  }

  /**
   * pcall(f, ...) called from Lua: a Lua f is entered in a FRAME_PCALL frame above pcall's
   * own frame (returns -1); a builtin f runs at once and its results (true, … or false, err)
   * are left at fa (returns their count).
   */
  private pcall(fa: number, nargs: number): number {
    const stack = this.stack;
    const pbase = fa + 16;
    if (nargs < 1) throw this.runtimeError("bad argument #1 to 'pcall' (value expected)");
    for (let i = nargs - 1; i >= 1; i--) stack.copy(pbase + 8 * (i + 1), pbase + 8 * i);
    stack.setLink(pbase + 8, 16 | FRAME_PCALL);
    const f = stack.get(pbase);
    if (f instanceof LuaFunction && f.proto !== null) {
      this.enterLua(f, pbase + 16, nargs - 1);
      return -1;
    }
    let n: number;
    try {
      if (!(f instanceof LuaFunction)) throw new LuaThrow(this.heap.str(`attempt to call a ${typeName(f)} value`));
      if (f === this.pcallFn) throw new LuaThrow(this.heap.str('nested pcall(pcall, ...) is not supported'));
      n = this.callBuiltin(f, pbase, nargs - 1, true);
      for (let i = n - 1; i >= 0; i--) stack.copy(fa + 8 + 8 * i, pbase + 8 * i);
      stack.set(fa, true);
      n++;
    } catch (err) {
      if (!(err instanceof LuaThrow)) throw err;
      stack.set(fa, false);
      stack.set(fa + 8, err.value);
      n = 2;
    }
    return n;
  }

  /** After an error: finds the innermost pcall frame, closes upvalues and returns false, err from it. */
  private unwindToPcall(value: LuaValue): 'resume' | 'finished' | 'uncaught' {
    const stack = this.stack;
    let b = this.base;
    for (;;) {
      const link = stack.link(b - 8);
      if (isPcallFrame(link)) {
        const pbase = b - (link & FRAME_DELTA_MASK);
        this.closeUpvalues(pbase);
        const plink = stack.link(pbase - 8);
        stack.set(pbase - 16, false);
        stack.set(pbase - 8, value);
        return this.returnVia(plink, pbase, pbase - 16, 2) ? 'resume' : 'finished';
      }
      if (!isLuaFrame(link)) return 'uncaught';
      b = b - 16 - 8 * insA(this.mem.read32(link - 4));
    }
  }

  // ---- closures and tables -------------------------------------------------------------------

  private newClosure(p: Proto, parent: LuaFunction, base: number): LuaFunction {
    const upvalues = p.uv.map((desc) => (desc & UV_LOCAL ? this.findUpvalue(base + 8 * (desc & 0xff)) : parent.upvalues[desc & 0xff]));
    return this.heap.closure(p, upvalues);
  }

  /** Addresses of the stack slots open upvalues point at (the recorder treats them as live). */
  openUpvalueAddresses(): number[] {
    return this.openUpvalues.map((uv) => uv.address);
  }

  private findUpvalue(address: number): Upvalue {
    for (const uv of this.openUpvalues) if (uv.address === address) return uv;
    const uv = new Upvalue(address);
    this.openUpvalues.push(uv);
    return uv;
  }

  private closeUpvalues(level: number): void {
    const open = this.openUpvalues;
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

  /** Indexing a value that is not a table: strings index the string library (their __index), the rest is an error. */
  private indexNonTable(v: LuaValue, key: LuaValue, slot: number): LuaValue {
    if (v instanceof LuaString) return this.stringLibrary.get(key);
    throw this.typeError('index', v, slot);
  }

  private duplicate(template: TemplateTable): LuaTable {
    const t = this.heap.table();
    for (const [key, value] of template.entries) {
      if (value === null) continue;
      t.set(typeof key === 'string' ? this.heap.str(key) : key, typeof value === 'string' ? this.heap.str(value) : value);
    }
    return t;
  }

  // ---- slow paths: coercion, comparison, concatenation ------------------------------------------

  private arithOperand(addr: number, slot: number): number {
    const v = this.stack.get(addr);
    const n = v instanceof LuaString ? parseNumber(v.s) : undefined;
    if (n === undefined) throw this.typeError('perform arithmetic on', v, slot);
    return n;
  }

  private arithOperands(rb: number, b: number, rc: number, c: number): [number, number] {
    const x = this.tonumber(this.stack.get(rb));
    const y = this.tonumber(this.stack.get(rc));
    if (x === undefined) throw this.typeError('perform arithmetic on', this.stack.get(rb), b);
    if (y === undefined) throw this.typeError('perform arithmetic on', this.stack.get(rc), c);
    return [x, y];
  }

  tonumber(v: LuaValue): number | undefined {
    if (typeof v === 'number') return v;
    if (v instanceof LuaString) return parseNumber(v.s);
    return undefined;
  }

  private compareSlow(op: number, ra: number, rd: number): boolean {
    const x = this.stack.get(ra), y = this.stack.get(rd);
    if (!(x instanceof LuaString && y instanceof LuaString)) {
      const tx = typeName(x), ty = typeName(y);
      throw this.runtimeError(tx === ty ? `attempt to compare two ${tx} values` : `attempt to compare ${tx} with ${ty}`);
    }
    const lt = x.s < y.s, le = x.s <= y.s;
    return op === BC.ISLT ? lt : op === BC.ISGE ? !lt : op === BC.ISLE ? le : !le;
  }

  private concat(base: number, b: number, c: number): LuaString {
    const parts: string[] = [];
    for (let r = b; r <= c; r++) {
      const v = this.stack.get(base + 8 * r);
      if (v instanceof LuaString) parts.push(v.s);
      else if (typeof v === 'number') parts.push(formatNumber(v));
      else {
        let bad = r;
        for (let s = c; s >= b; s--) {
          const w = this.stack.get(base + 8 * s);
          if (!(w instanceof LuaString) && typeof w !== 'number') {
            bad = s;
            break;
          }
        }
        if (bad === c && c > b) {
          const prev = this.stack.get(base + 8 * (c - 1));
          if (!(prev instanceof LuaString) && typeof prev !== 'number') bad = c - 1;
        }
        throw this.typeError('concatenate', this.stack.get(base + 8 * bad), bad);
      }
    }
    return this.heap.str(parts.join(''));
  }

  private coerceForLoop(ra: number): void {
    const names = ["'for' initial value", "'for' limit", "'for' step"];
    for (let i = 0; i < 3; i++) {
      const n = this.tonumber(this.stack.get(ra + 8 * i));
      if (n === undefined) throw this.runtimeError(`${names[i]} must be a number`);
      this.stack.set(ra + 8 * i, n);
    }
  }

  // ---- errors -----------------------------------------------------------------------------------

  /** The source line of the instruction being executed in the current frame. */
  currentLine(): number {
    const p = this.cl.proto!;
    return p.lines[Math.max(this.pc - 1, 0)];
  }

  /** `file:line:` of the Lua function `level` frames up (1 = the running function), or '' if none. */
  where(level: number): string {
    let b = this.base, fn = this.cl, pc = this.pc;
    for (let l = 1; l < level; l++) {
      const link = this.stack.link(b - 8);
      if (!isLuaFrame(link)) return '';
      b = b - 16 - 8 * insA(this.mem.read32(link - 4));
      fn = this.functionAt(b);
      pc = (link - fn.proto!.bcAddress) >>> 2;
    }
    const p = fn.proto!;
    return `${p.chunkname}:${p.lines[Math.max(pc - 1, 0)]}: `;
  }

  runtimeError(message: string): LuaThrow {
    return new LuaThrow(this.heap.str(`${this.where(1)}${message}`));
  }

  private typeError(what: string, v: LuaValue, slot: number): LuaThrow {
    const name = slotName(this.cl.proto!, this.pc - 1, slot);
    const described = name ? `${name[0]} '${name[1]}' ` : '';
    return this.runtimeError(`attempt to ${what} ${described}${name ? '(' : ''}a ${typeName(v)} value${name ? ')' : ''}`);
  }

  private budgetExceeded(): LuaBudgetExceeded {
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
    if (m && m[1].startsWith(p.chunkname)) return new LuaRuntimeError(m[1], m[2]);
    return new LuaRuntimeError(here, text);
  }

  // ---- services for builtins -------------------------------------------------------------------

  /**
   * What a builtin may ask of the interpreter. Error levels count Lua frames from the
   * builtin's caller; a builtin called by pcall directly has a C caller (no position).
   */
  private builtinCall(name: string, fromPcall: boolean): BuiltinCall {
    const position = (level: number): string => (fromPcall ? (level <= 1 ? '' : this.where(level - 1)) : this.where(level));
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
        // Lua 5.1 knows a builtin's name only from the calling Lua code.
        throw new LuaThrow(this.heap.str(`${position(1)}bad argument #${n} to '${fromPcall ? '?' : name}' (${msg})`));
      },
    };
  }

  /** tostring() as Lua prints values. */
  tostring(v: LuaValue): string {
    if (v === undefined) return 'nil';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return formatNumber(v);
    if (v instanceof LuaString) return v.s;
    const address = `0x${(0x40000000 + v.handle * 0x40).toString(16).padStart(8, '0')}`;
    if (v instanceof LuaFunction) return `function: ${address}`;
    return `table: ${address}`;
  }

  /** jit.on / jit.off. */
  setJit(on: boolean): void {
    this.jitEnabled = on && (this.hooks.onHotLoop !== undefined || this.hooks.onHotCall !== undefined || this.hooks.enterTrace !== undefined);
  }
}

