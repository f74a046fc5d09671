// The tracing JIT attached to the Lua interpreter: hot loops start root traces, hot exits start
// side traces, finished traces are assembled into the mcode area of the interpreter's own
// memory, and J-variant bytecodes enter them on the CPU model under the host-stack monitor.
// An exit restores its snapshot into the interpreter's stack from the ExitState and the
// interpreter resumes at the snapshot's pc. Every trace start, stop and abort is reported as
// a -jv line.

import { AsmError, EXIT_STUB_LAYOUT, exitStubGroup, TraceAppender, type AssembledTrace } from '@tracesim/asm';
import { describeViolation, StepBudgetExhausted, type Cpu, type RspCheckpoint, type Violation } from '@tracesim/cpu-sim';
import { bitsDouble, SNAP_FLAGS, type LinkKind, type ReturnSite, type Trace } from '@tracesim/ir';
import { BC, LuaFunction, LuaString, LuaThrow, OP_NAMES, forContinues, insA, type HotEvent, type InstructionEvent, type InterpreterHooks, type LuaInterpreter, type Proto, type ResumePoint, type TraceEntry } from '@tracesim/lua';
import { DISPATCH, DISPATCH_OFFSETS, REGIONS, RSP0, trapAddress } from '@tracesim/machine';
import { ReplayBudgetError, ReplayError } from './errors';
import { decodeExit, ExitState, restoreSnapshot, unwindExit } from './exit-state';
import { mapHelpers } from './helper-calls';
import { mapTableHelpers } from './table-helpers';
import { mapStringHelpers } from './string-helpers';
import { mapCdataHelpers } from './cdata-helpers';
import { createMachine, type TraceMachine } from './machine';
import { abortActions, formatAbortMessage, JitRandom, PenaltyCache, SideExits, type LinkPolicy } from './manager';
import type { JitObserver } from './observer';
import { Recorder, type RecordOutcome } from './recorder';
import { CompileClock } from './compile-clock';

export interface TracingJitOptions {
  /** Down-recursion policy: `fixed` (default, LuaJIT after cae36118) or `luajit-2022`. */
  readonly policy?: LinkPolicy;
  readonly regs?: number;
  readonly onViolation?: 'stop' | 'continue';
  /** Receives each -jv line. */
  readonly log?: (line: string) => void;
  /** CPU instructions all trace entries of the run may execute together before it is a budget error. */
  readonly maxMachineSteps?: number;
  /** Receives every start, recorded bytecode, stop, abort and exit (-jdump). */
  readonly observer?: JitObserver;
  /** Told of every rsp check the host-stack monitor makes (the HTML report's timeline). */
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

/** The host-stack monitor stopped the program: a contract violation (exit code 1). */
export class JitViolation extends ReplayError {
  constructor(readonly violation: Violation) {
    super(`trace ${violation.trace ?? '?'}`, describeViolation(violation));
  }
}

/** The J-variant a root trace's start op is patched to. */
const J_VARIANTS: ReadonlyMap<number, number> = new Map([[BC.FORL, BC.JFORL], [BC.ITERL, BC.JITERL], [BC.ITERN, BC.JLOOP], [BC.LOOP, BC.JLOOP], [BC.FUNCF, BC.JFUNCF]]);
/** Returns a root trace can start at after a down-recursion abort (trace_downrec); they become JLOOP. */
const RETURN_OPS: ReadonlySet<number> = new Set([BC.RET, BC.RET0, BC.RET1]);
/** Root start ops replaced by a JLOOP: an exit to that JLOOP runs the original op (lj_trace_exit). */
const REPLACED_BY_JLOOP: ReadonlySet<number> = new Set([...RETURN_OPS, BC.ITERN]);
/** How a -jv stop line spells a link, where it is not just the link kind's name. */
const LINK_TEXT: Partial<Record<LinkKind, (target: number, stitched?: string) => string>> = {
  root: (target) => `-> ${target}`,
  stitch: (_, name) => `stitch ${name}`,
  interpreter: () => '-- fallback to interpreter',
};
const RDX_BASE = 2;
const RSP = 4;
const R14_DISPATCH = 14;
/** Machine instructions a run's traces may execute when no budget is given. */
const DEFAULT_MACHINE_STEPS = 2e9;
const EXIT_HANDLER = trapAddress('exit_handler');
const EXIT_INTERP = trapAddress('exit_interp');
/** All exit-stub groups are reserved up front, so the stub area never moves as traces are added. */
const STUB_GROUP_BYTES = Math.ceil(exitStubGroup(0, REGIONS.mcode.base, EXIT_HANDLER).bytes.length / 16) * 16;
const STUB_AREA = { start: REGIONS.mcode.base, end: REGIONS.mcode.base + STUB_GROUP_BYTES * EXIT_STUB_LAYOUT.maxGroups };

interface Recording {
  readonly number: number;
  readonly recorder: Recorder;
  readonly start: Trace['start'];
  readonly head: string;
  readonly pc: number;
  readonly proto: Proto;
}

/**
 * The A operand of the op a root's start op is patched to. J-variants keep A; a RET or ITERN
 * root's JLOOP has snapshot #0's nslots: two frame slots plus maxslot (a RET's results,
 * rec_setup_root; an ITERN's base register, rec_itern).
 */
function patchedA(ins: number): number {
  const op = ins & 0xff;
  if (RETURN_OPS.has(op)) return 2 + insA(ins) + (ins >>> 16) - 1;
  return op === BC.ITERN ? 2 + insA(ins) : insA(ins);
}

export class TracingJit {
  readonly traces: Trace[] = [];
  readonly violations: Violation[] = [];
  /** Every recording abort, in order: where the trace started and LuaJIT's reason. */
  readonly aborts: { readonly start: string; readonly origin: string; readonly reason: string }[] = [];
  /** Start ops blacklisted after repeated aborts (trace_abort's penalty), in order: where, and the op. */
  readonly blacklisted: { readonly location: string; readonly op: string }[] = [];
  /** Time spent recording and assembling traces (`compileClock.seconds`), for the bench. */
  readonly compileClock = new CompileClock();
  private vm!: LuaInterpreter;
  /** The mcode area's traces; a flush starts a new one. */
  private area?: TraceAppender;
  private machine?: TraceMachine;
  private recording?: Recording;
  private nextNumber = 1;
  /** Compiled root traces by the pc of their J-variant (JFORL/JLOOP/JFUNCF). */
  /** Source line of each trace, for the monitor's reports. */
  private locations = new Map<number, string>();
  private readonly rootAt = new Map<number, { readonly trace: number; readonly link: LinkKind; readonly ins: number; readonly proto: Proto; readonly pc: number }>();
  private readonly returnSites: ReturnSite[] = [];
  private readonly exitsTaken = new Map<string, number>();
  /** Exit counters and children per root: hotexit, tryside, maxside (trace_hotside, lj_record_setup). */
  private sideExits!: SideExits;
  private resume?: ResumePoint;
  /** The JFUNCF just recorded across: its original FUNCF runs next and is not recorded twice. */
  private unpatchedAt?: number;
  /** A trace just stitched at a builtin call: where the interpreter comes back after the call. */
  private pendingStitch?: { readonly previous: number; readonly proto: Proto; readonly pc: number; readonly base: number };
  /** The trace recorded at each stitching trace's continuation (its `(N/stitch)` trace). */
  private readonly stitchedFrom = new Map<number, number>();
  /** Stitching traces whose continuation failed to record: it stays interpreted (link = self in LuaJIT). */
  private readonly stitchBlacklisted = new Set<number>();
  /** Penalties for roots that keep aborting (penalty_pc); the seed makes runs repeatable. */
  private penalties = new PenaltyCache(new JitRandom(0));

  constructor(private readonly options: TracingJitOptions = {}) {}

  /** Hooks to pass to the LuaInterpreter, then `attach` the interpreter. */
  readonly hooks: InterpreterHooks = {
    onHotLoop: (e) => this.hotLoop(e),
    onHotCall: (e) => this.hotCall(e),
    enterTrace: (e) => this.enter(e),
    onError: () => this.errorWhileRecording(),
    onFlush: () => this.flush(),
    traceRegisters: () => {
      const gpr = this.machine!.cpu.state.gpr;
      return Array.from({ length: 16 }, (_, r) => [gpr[2 * r] >>> 0, gpr[2 * r + 1] >>> 0] as const);
    },
  };

  /** A Lua error while recording ends the recording (LJ_TRERR_RECERR). */
  private errorWhileRecording(): void {
    const rec = this.recording;
    if (!rec) return;
    this.recorded({ kind: 'abort', code: 'RECERR', reason: formatAbortMessage('RECERR'), proto: rec.proto, pc: rec.pc, op: OP_NAMES[rec.proto.bc[rec.pc] & 0xff] });
  }

  /**
   * lj_trace_flushall (jit.flush(), setfenv): every trace is dropped, the bytecode they patched
   * goes back to its original ops, the hot counters and penalties start afresh and trace
   * numbers start at 1 again. -jv prints `[TRACE flush]`.
   */
  private flush(): void {
    if (this.traces.length === 0 && !this.recording) return;
    if (this.recording) {
      this.recording = undefined;
      this.vm.recorder = null;
    }
    for (const root of this.rootAt.values()) {
      this.vm.patchInstruction(root.proto, root.pc, root.ins);
      if ((root.ins & 0xff) === BC.FORL) {
        const fori = root.pc + (root.ins >>> 16) - 0x8000;
        this.vm.patchInstruction(root.proto, fori, (root.proto.bc[fori] & ~0xff) | BC.FORI);
      }
    }
    this.rootAt.clear();
    this.traces.length = 0;
    this.returnSites.length = 0;
    this.stitchedFrom.clear();
    this.stitchBlacklisted.clear();
    this.pendingStitch = undefined;
    this.area = undefined;
    this.locations.clear();
    this.machine?.monitor.clearTraces();
    this.nextNumber = 1;
    this.sideExits = new SideExits(this.vm.jit.params);
    this.penalties = new PenaltyCache(new JitRandom(0));
    this.vm.resetHotCounters();
    this.log('[TRACE flush]');
  }

  /** How often each exit was taken, as `trace/exit` → count. */
  exitCounts(): ReadonlyMap<string, number> {
    return this.exitsTaken;
  }

  /** The frame size (spadjust) the backend gave trace `n`, as the monitor registered it. */
  frameSize(n: number): number | undefined {
    return this.area?.get(n)?.spadjust;
  }

  attach(vm: LuaInterpreter): void {
    this.vm = vm;
    this.sideExits = new SideExits(vm.jit.params);
    // The recorder encodes values through the helper-result cell on the global page.
    const global = REGIONS.global;
    if (!vm.mem.isMapped(global.base)) vm.mem.map(global.base, global.size, global.perm, global.name);
    vm.publishStackLimit();
  }

  private key(proto: Proto, pc: number): number {
    return proto.bcAddress + 4 * pc;
  }

  private location(proto: Proto, pc: number): string {
    return `${proto.chunkname}:${proto.lines[pc]}`;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  // ---- recording

  /** A hot counter fired at an op that can start a root trace (and was not just compiled). */
  private startable(e: HotEvent, ops: readonly string[]): boolean {
    return !this.recording && ops.includes(e.op) && J_VARIANTS.has(e.proto.bc[e.pc] & 0xff);
  }

  private hotLoop(e: HotEvent): void {
    if (!this.startable(e, ['FORL', 'ITERL', 'ITERN', 'LOOP'])) return;
    if (e.op === 'FORL' && !forContinues(this.vm.mem, e.base + 8 * insA(e.proto.bc[e.pc]))) {
      // The hot FORL falls through: a root trace would start outside its loop (LLEAVE).
      const reason = formatAbortMessage('LLEAVE');
      this.log(`[TRACE --- ${this.location(e.proto, e.pc)} -- ${reason} at ${this.location(e.proto, e.pc + 1)}]`);
      this.options.observer?.traceStart?.({ number: this.nextNumber, start: { kind: 'root' }, location: this.location(e.proto, e.pc) });
      this.options.observer?.traceAbort?.({ number: this.nextNumber, location: this.location(e.proto, e.pc + 1), reason });
      const rec = { start: { kind: 'root' as const }, pc: e.pc, proto: e.proto };
      this.penalize(rec, { code: 'LLEAVE', op: 'FORL' });
      return;
    }
    this.startRecording(e.proto, e.pc, e.base, { kind: 'root' });
    // An ITERN root records the ITERN itself first (the others start with the loop body).
    if (e.op === 'ITERN') this.feed({ proto: e.proto, pc: e.pc, ins: e.proto.bc[e.pc], op: 'ITERN', base: e.base });
  }

  private hotCall(e: HotEvent): void {
    if (this.startable(e, ['FUNCF'])) this.startRecording(e.proto, e.pc, e.base, { kind: 'root' });
  }

  /** The root trace of a side trace's chain (cur.root); 0 for a root trace. */
  private rootOf(start: Trace['start']): number {
    if (start.kind !== 'side') return 0;
    const parent = this.traces.find((t) => t.number === start.parent)!;
    return parent.start.kind === 'side' ? this.rootOf(parent.start) : parent.number;
  }

  private startRecording(proto: Proto, pc: number, base: number, start: Trace['start'], inherited?: Map<number, Trace['ins'][number]['type']>, baseSlot = 0, extraLoop = false): void {
    this.compileClock.time(() => this.setUpRecording(proto, pc, base, start, inherited, baseSlot, extraLoop));
  }

  private setUpRecording(proto: Proto, pc: number, base: number, start: Trace['start'], inherited: Map<number, Trace['ins'][number]['type']> | undefined, baseSlot: number, extraLoop: boolean): void {
    const number = this.nextNumber;
    const recorder = new Recorder(this.vm, {
      number, start, root: this.rootOf(start), proto, pc, base, baseSlot, inherited, extraLoop,
      compiledAt: (p, at) => this.rootAt.get(this.key(p, at)),
      policy: this.options.policy ?? 'fixed',
      innerLoopLeft: (p, at) => this.penalties.innerLoopLeft(p.bcAddress + 4 * at),
    });
    const parent = start.kind === 'side' ? `(${start.parent}/${start.exit}) ` : start.kind === 'stitch' ? `(${start.previous}/stitch) ` : '';
    const namedPc = start.kind === 'stitch' ? pc - 1 : pc;
    this.recording = { number, recorder, start, head: parent, pc: namedPc, proto };
    this.options.observer?.traceStart?.({ number, start, location: this.location(proto, namedPc) });
    this.vm.recorder = (ev) => this.feed(ev);
  }

  /**
   * Records one bytecode into the trace being recorded. When that finished the trace and
   * patched this very instruction (FORL→JFORL, FUNCF→JFUNCF), the interpreter dispatches the
   * patched one, as vm_record re-reads the opcode after lj_dispatch_ins: the trace runs at once.
   */
  private feed(ev: InstructionEvent): ResumePoint | void {
    return this.compileClock.time(() => this.recordInstruction(ev));
  }

  private recordInstruction(ev: InstructionEvent): ResumePoint | void {
    const at = this.key(ev.proto, ev.pc);
    if (this.unpatchedAt === at) {
      this.unpatchedAt = undefined;
      return;
    }
    const { recorder } = this.recording!;
    const before = ev.proto.bc[ev.pc];
    this.observeRecord(ev, recorder.depth);
    this.recorded(recorder.step(ev), ev);
    if (ev.proto.bc[ev.pc] !== before && !this.recording) return { pcAddress: at, base: ev.base };
    if (this.recording && (ev.op === 'JFUNCF' || ev.op === 'JFUNCV')) {
      // Recording goes on into a function compiled with a return link: the interpreter runs
      // the original FUNCF instead of entering that trace (rec_func_jit unpatches it).
      this.unpatchedAt = at;
      return { pcAddress: at, base: ev.base, ins: this.rootAt.get(at)!.ins };
    }
  }

  private recorded(outcome: RecordOutcome, event?: InstructionEvent): void {
    if (outcome.kind === 'continue') return;
    const rec = this.recording!;
    this.recording = undefined;
    this.vm.recorder = null;
    if (outcome.kind === 'abort') {
      const start = this.location(rec.proto, rec.pc);
      const at = this.location(outcome.proto, outcome.pc);
      // v.lua names where the abort happened only when that is not where the trace started.
      this.log(`[TRACE --- ${rec.head}${start} -- ${outcome.reason}${at === start ? '' : ` at ${at}`}]`);
      this.aborts.push({ start, origin: rec.head.trim(), reason: outcome.reason });
      this.options.observer?.traceAbort?.({ number: rec.number, location: at, reason: outcome.reason });
      if (this.penalize(rec, outcome) && event) {
        // trace_downrec: a new root trace records from the return being executed.
        this.startRecording(event.proto, event.pc, event.base, { kind: 'root' });
        this.feed(event);
      }
      return;
    }
    try {
      this.install(outcome.trace, outcome.returnSites, rec, outcome.stitched);
    } catch (err) {
      if (!(err instanceof AsmError)) throw err;
      // The backend refused the trace (LuaJIT's assembler aborts: too many exits or spill slots, NYI IR).
      this.dropNewTrace(rec, err.message);
    }
  }

  /** Takes back the trace just added, whose assembly failed, and logs the abort with `reason`. */
  private dropNewTrace(rec: Recording, reason: string): void {
    this.traces.pop();
    this.nextNumber--;
    this.log(`[TRACE --- ${rec.head}${this.location(rec.proto, rec.pc)} -- ${reason}]`);
    this.options.observer?.traceAbort?.({ number: rec.number, location: this.location(rec.proto, rec.pc), reason });
  }

  /**
   * trace_abort: back off a root's hot counter, or blacklist its start op after repeated aborts.
   * Answers whether recording restarts as a root at the current return (a down-recursion abort).
   */
  private penalize(rec: Pick<Recording, 'start' | 'pc' | 'proto'>, outcome: Pick<Extract<RecordOutcome, { kind: 'abort' }>, 'code' | 'op'>): boolean {
    const op = rec.proto.bc[rec.pc] & 0xff;
    // A root's start op is a hot loop or call op, or a return after a down-recursion restart.
    if (rec.start.kind === 'root' && !J_VARIANTS.has(op) && !RETURN_OPS.has(op)) return false;
    const aborted = { start: rec.start, startOp: OP_NAMES[op], startPc: rec.proto.bcAddress + 4 * rec.pc, abortOp: outcome.op };
    let restart = false;
    for (const action of abortActions(aborted, outcome.code, this.penalties)) {
      if (action.kind === 'blacklist') this.blacklisted.push({ location: this.location(rec.proto, rec.pc), op: OP_NAMES[op] });
      if (action.kind === 'hotcount') this.vm.hot.set(action.slot, action.value);
      else if (action.kind === 'blacklist' && 'isnext' in action.patch) this.vm.despecializeIterator(rec.proto, rec.pc);
      else if (action.kind === 'blacklist') this.vm.patchInstruction(rec.proto, rec.pc, (rec.proto.bc[rec.pc] & ~0xff) | BC[action.patch.op]);
      else if (action.kind === 'restart-at-return') restart = true;
      else if (action.kind === 'blacklist-stitch') this.stitchBlacklisted.add(action.trace);
    }
    return restart;
  }

  private install(trace: Trace, returnSites: readonly ReturnSite[], rec: Recording, stitched: string | undefined): void {
    this.nextNumber++;
    this.traces.push(trace);
    for (const site of returnSites) if (!this.returnSites.some((s) => s.pc === site.pc)) this.returnSites.push(site);
    if (!this.assembleNewest()) {
      // MCODEAL: the mcode area is full; trace_abort then flushes every trace (lj_trace_flushall).
      this.dropNewTrace(rec, formatAbortMessage('MCODEAL'));
      this.flush();
      return;
    }
    if (trace.start.kind === 'root') {
      const ins = rec.proto.bc[rec.pc];
      const jop = J_VARIANTS.get(ins & 0xff) ?? BC.JLOOP;
      this.vm.patchInstruction(rec.proto, rec.pc, (trace.number << 16) | (patchedA(ins) << 8) | jop);
      if ((ins & 0xff) === BC.FORL) {
        // The loop's FORI becomes JFORI, which enters the trace as soon as the loop is entered.
        const fori = rec.pc + (ins >>> 16) - 0x8000;
        this.vm.patchInstruction(rec.proto, fori, (rec.proto.bc[fori] & ~0xff) | BC.JFORI);
      }
      this.rootAt.set(this.key(rec.proto, rec.pc), { trace: trace.number, link: trace.link.kind, ins, proto: rec.proto, pc: rec.pc });
    }
    if (trace.start.kind === 'stitch') this.stitchedFrom.set(trace.start.previous, trace.number);
    if (trace.start.kind === 'side') this.sideExits.sideTraceLinked({ trace: trace.start.parent, exit: trace.start.exit, root: this.rootOf(trace.start) });
    const link = LINK_TEXT[trace.link.kind]?.(trace.link.target, stitched) ?? trace.link.kind;
    this.log(`[TRACE ${String(trace.number).padStart(3)} ${rec.head}${trace.location} ${link}]`);
    this.options.observer?.traceStop?.(this.area!.get(trace.number)!, (bits) => {
      const s = this.vm.heap.objects[Number(bits & 0xffffffffn)];
      return s instanceof LuaString ? s.s : undefined;
    });
  }

  /**
   * Adds the newest trace to the mcode area (the stub area is reserved whole, so it never
   * moves) and loads what that wrote: its code and its parent's patched exits. Answers false,
   * loading nothing, when the traces' code passes maxmcode KB or the mcode area's end.
   */
  private assembleNewest(): boolean {
    const trace = this.traces[this.traces.length - 1];
    const fresh = !this.area;
    const area = (this.area ??= new TraceAppender({ regs: this.options.regs, stubGroups: EXIT_STUB_LAYOUT.maxGroups }));
    const written = area.append(trace, this.returnSites);
    if (area.end - STUB_AREA.end > this.vm.jit.params.maxmcode * 1024 || area.end > REGIONS.mcode.base + REGIONS.mcode.size) return false;
    // The machine (CPU, monitor, traps) is made once and kept; the CPU drops the blocks a write overwrites.
    const machine = (this.machine ??= this.createTraceMachine());
    if (fresh) for (const g of area.stubGroups) machine.memory.writeBytes(g.address, g.bytes);
    for (const chunk of written) machine.memory.writeBytes(chunk.address, chunk.bytes);
    const t = area.get(trace.number)!;
    this.locations.set(trace.number, trace.location);
    const s = trace.start;
    machine.monitor.registerTrace(s.kind === 'side'
      ? { number: trace.number, start: t.address, spadjust: t.spadjust, parent: s.parent, parentExit: s.exit }
      : { number: trace.number, start: t.address, spadjust: t.spadjust });
    return true;
  }

  private createTraceMachine(): TraceMachine {
    const machine = createMachine({ memory: this.vm.mem, exitStubs: STUB_AREA, onViolation: this.options.onViolation ?? 'stop', sourceLine: (n) => this.locations.get(n), checkpoint: this.options.checkpoint });
    machine.cpu.mapTrap(EXIT_HANDLER, 'exit_handler', (cpu) => this.exitHandler(cpu));
    machine.cpu.mapTrap(EXIT_INTERP, 'exit_interp', (cpu) => this.exitInterp(cpu));
    mapHelpers(machine.cpu, { ticks: 0 });
    mapTableHelpers(machine.cpu, this.vm);
    mapStringHelpers(machine.cpu, this.vm);
    mapCdataHelpers(machine.cpu, this.vm);
    return machine;
  }

  // ---- running traces

  private trace(cpu: Cpu): AssembledTrace {
    const n = cpu.memory.readI32(DISPATCH + DISPATCH_OFFSETS.vmstate);
    return this.area!.get(n)!;
  }

  private enter(entry: TraceEntry): ResumePoint {
    const { cpu, monitor } = this.machine!;
    const t = this.area!.get(entry.traceNo)!;
    monitor.fillCanaries();
    cpu.state.rsp = RSP0;
    cpu.state.setRegNumber(RDX_BASE, entry.base);
    cpu.state.setRegNumber(R14_DISPATCH, DISPATCH);
    cpu.state.rip = t.address;
    this.resume = undefined;
    const seen = monitor.violations.length;
    const budget = this.options.maxMachineSteps ?? DEFAULT_MACHINE_STEPS;
    const used = cpu.instructionsExecuted;
    try {
      if (used >= budget) throw new StepBudgetExhausted(budget);
      cpu.run({ maxSteps: budget - used });
    } catch (err) {
      if (err instanceof StepBudgetExhausted) {
        throw new ReplayBudgetError(t.trace.location, `instruction budget of ${budget} machine instructions exhausted in trace ${t.trace.number} (runaway program?)`);
      }
      this.resume = err instanceof LuaThrow && err.value === this.vm.heap.memoryError ? this.unwindAllocationFailure(cpu) : undefined;
      if (!this.resume) throw err;
    }
    for (const v of monitor.violations.slice(seen)) {
      this.violations.push(v);
      if ((this.options.onViolation ?? 'stop') === 'stop') throw new JitViolation(v);
    }
    if (!this.resume) throw new ReplayError(`trace ${t.trace.number}`, 'the trace stopped without reaching exit_handler or exit_interp');
    const resume = this.resume;
    this.armStitch();
    return resume;
  }

  /**
   * An allocation in a helper called from the trace ran out of memory. As LuaJIT's
   * lj_trace_unwind does, the call's return address names the snapshot in force, which is
   * restored. The interpreter then runs on from that snapshot and repeats the allocation, which
   * fails again where it fails with the JIT off: the same line, and pcall sees the same error.
   */
  private unwindAllocationFailure(cpu: Cpu): ResumePoint | undefined {
    const t = this.trace(cpu);
    const exit = t === undefined ? undefined : unwindExit(t, Number(cpu.memory.read64(cpu.state.rsp)));
    if (t === undefined || exit === undefined) return undefined;
    // rdx carries an argument during the call: BASE is where the trace saved it before calling.
    const state = new ExitState(cpu, cpu.state.rsp + 8);
    const base = restoreSnapshot(state, cpu.memory, t, exit, cpu.memory.read32(DISPATCH + DISPATCH_OFFSETS.savedBase));
    return this.resumePoint(Number(t.trace.snapshots[exit].pc), base);
  }

  private exitHandler(cpu: Cpu): { kind: 'stop' } {
    const { exit, t0 } = decodeExit(cpu.memory, cpu.state.rsp);
    const t = this.trace(cpu);
    const state = new ExitState(cpu, t0);
    const snap = t.trace.snapshots[exit];
    const resumeBase = restoreSnapshot(state, cpu.memory, t, exit, Number(cpu.state.reg(RDX_BASE)));
    this.options.observer?.traceExit?.({
      trace: t.trace.number, exit,
      gpr: state.gpr.map((v, n) => (n === RSP ? BigInt(t0) : v)),
      fpr: state.fpr.map(bitsDouble),
    });
    this.countExit(t, exit, resumeBase);
    this.resume = this.resumePoint(Number(snap.pc), resumeBase, this.recording === undefined);
    return { kind: 'stop' };
  }

  private exitInterp(cpu: Cpu): { kind: 'stop' } {
    const t = this.trace(cpu);
    const last = t.trace.snapshots[t.trace.snapshots.length - 1];
    const base = Number(cpu.state.reg(RDX_BASE));
    this.resume = this.resumePoint(Number(last.pc), base);
    if (t.trace.link.kind === 'stitch') {
      // The interpreter runs the builtin; its continuation (the next bytecode) is where a stitched trace begins.
      const proto = this.vm.functionAt(base).proto!;
      this.pendingStitch = { previous: t.trace.number, proto, pc: ((Number(last.pc) - proto.bcAddress) >>> 2) + 1, base };
    }
    return { kind: 'stop' };
  }

  /** Reports a recorded bytecode; a call of a builtin also reports the builtin being entered. */
  private observeRecord(ev: InstructionEvent, depth: number): void {
    const record = this.options.observer?.record;
    if (!record) return;
    record({ kind: 'bytecode', proto: ev.proto, pc: ev.pc, ins: ev.ins, depth });
    if (ev.op !== 'CALL' && ev.op !== 'CALLM' && ev.op !== 'ITERC') return;
    // ITERC calls the iterator function three slots below its base (it copies it up when it runs).
    const fn = this.vm.stack.get(ev.base + 8 * (insA(ev.ins) - (ev.op === 'ITERC' ? 3 : 0)));
    if (fn instanceof LuaFunction && fn.proto === null) record({ kind: 'builtin', name: fn.name, depth: depth + 1 });
  }

  /**
   * Where the interpreter goes on; at a RET- or ITERN-started root's JLOOP it runs the original op
   * once (lj_trace_exit's forward progress). Debian's 2.1.0-beta3 (policy luajit-2022) does so for
   * RET roots only: an exit to an ITERN root's start, with no side trace being recorded there,
   * enters that root again, and exits again, until the exit is hot enough for a side trace.
   */
  private resumePoint(pcAddress: number, base: number, fromExit = false): ResumePoint {
    const root = this.rootAt.get(pcAddress);
    if (!root || !REPLACED_BY_JLOOP.has(root.ins & 0xff)) return { pcAddress, base };
    if (fromExit && (root.ins & 0xff) === BC.ITERN && this.options.policy === 'luajit-2022') return { pcAddress, base };
    return { pcAddress, base, ins: root.ins };
  }

  /** Watches for the continuation of a stitched builtin call once the interpreter is back. */
  private armStitch(): void {
    if (this.pendingStitch && !this.recording) this.vm.recorder = (e) => this.continuation(e);
  }

  /** At the continuation: enter the stitched trace, or record it (lj_cont_stitch). */
  private continuation(e: InstructionEvent): ResumePoint | void {
    const p = this.pendingStitch;
    // The first event is the CALL itself (the interpreter runs the builtin); wait for the next.
    if (p && e.proto === p.proto && e.pc === p.pc - 1 && e.base === p.base) return undefined;
    this.pendingStitch = undefined;
    this.vm.recorder = null;
    if (!p || e.proto !== p.proto || e.pc !== p.pc || e.base !== p.base) return undefined;
    const stitched = this.stitchedFrom.get(p.previous);
    if (stitched !== undefined) return this.enter({ traceNo: stitched, proto: e.proto, pc: e.pc, base: e.base });
    if (this.stitchBlacklisted.has(p.previous)) return undefined;
    this.startRecording(e.proto, e.pc, e.base, { kind: 'stitch', previous: p.previous });
    return this.feed(e);
  }

  /** Counts an exit; a hot one (hotexit) starts a side trace where the interpreter resumes. */
  private countExit(t: AssembledTrace, exit: number, base: number): void {
    const key = `${t.trace.number}/${exit}`;
    const count = (this.exitsTaken.get(key) ?? 0) + 1;
    this.exitsTaken.set(key, count);
    if (this.recording) return;
    const verdict = this.sideExits.exitTaken({ trace: t.trace.number, exit, root: this.rootOf(t.trace.start) || t.trace.number });
    if (verdict === 'none') return;
    const snap = t.trace.snapshots[exit];
    const fn = this.vm.functionAt(base);
    const proto = fn.proto!;
    const pc = (Number(snap.pc) - proto.bcAddress) >>> 2;
    const inherited = new Map(t.exitMaps[exit].filter((e) => !(e.flags & SNAP_FLAGS.NORESTORE)).map((e) => [e.slot, e.type] as const));
    const extraLoop = exit === 0 && t.trace.snapshots[0].entries.length === 0;
    this.startRecording(proto, pc, base, { kind: 'side', parent: t.trace.number, exit }, inherited, snap.baseAdjust, extraLoop);
    // Too many tries or too many side traces for this root: a stub that goes back to the interpreter.
    if (verdict === 'interp-stub') this.recorded(this.recording!.recorder.stopToInterpreter());
  }
}
