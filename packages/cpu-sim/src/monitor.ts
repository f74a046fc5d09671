// The host-stack monitor: checks every row of DESIGN.md's host-stack contract from what
// the CPU does (arrivals at trace starts, exit stubs, traps, rsp writes, stores into the
// interpreter's C frame), using only the trace registry (start, spadjust, parent) and the
// vmstate word in memory, never the code generator's state.
import { formatInstruction, type Instruction } from '@tracesim/x86';
import type { Cpu, ExecutionWatcher, TrapInfo } from './cpu';
import { WatcherStop } from './cpu';
import { hex } from './faults';
import { fetchInstruction } from './translate';
import { CONTRACT_WORDING, frameSlotName } from './contract-wording';

export interface TraceInfo {
  readonly number: number;
  /** Address of the trace's first instruction (its head). */
  readonly start: number;
  /** Frame size in bytes (LuaJIT's T->spadjust; a side trace's includes its parent's). */
  readonly spadjust: number;
  /** The parent trace of a side trace. */
  readonly parent?: number;
  /** The parent's exit this side trace is attached to. */
  readonly parentExit?: number;
}

export type ViolationKind =
  | 'root-entry' | 'side-entry' | 'guard-exit' | 'exit-interp' | 'helper-alignment' | 'rsp-above-rsp0' | 'c-frame-write';

export interface Violation {
  readonly kind: ViolationKind;
  readonly trace: number | undefined;
  readonly exit: number | undefined;
  readonly address: number;
  readonly instruction: string;
  readonly expectedRsp: number | undefined;
  readonly actualRsp: number;
  /** actual − expected (undefined when there is no expected rsp). */
  readonly delta: number | undefined;
  /** Trace entries since the interpreter last entered, e.g. `4 →exit 0→ 5 → 5`. */
  readonly chain: string;
  readonly sourceLine: string | undefined;
  readonly explanation: string;
}

/**
 * A point where the contract checks rsp, for timelines: rsp and the expected rsp are given
 * relative to rsp0. `level` is the on-trace level of the trace running (−spadjust). A
 * `violation` point follows the check that failed; `index` is its place in `violations`.
 */
export type RspCheckpoint =
  | { readonly kind: 'enter' | 'link' | 'side' | 'exit' | 'exit-interp' | 'helper'; readonly trace: number | undefined; readonly exit?: number; readonly helper?: string; readonly rsp: number; readonly expected: number | undefined; readonly level: number | undefined }
  | { readonly kind: 'violation'; readonly trace: number | undefined; readonly index: number; readonly rsp: number };

export interface MonitorOptions {
  /** The on-trace baseline rsp (interpreter frame R − 16). */
  readonly rsp0: number;
  /** End (exclusive) of the interpreter's C frame; [rsp0+8, frameTop) holds canaries. */
  readonly frameTop: number;
  /** Address of the 32-bit vmstate word (the current trace number while on trace). */
  readonly vmstateAddress: number;
  readonly exitHandler: number;
  readonly exitInterp: number;
  /** The exit stub area [start, end). */
  readonly exitStubs?: { readonly start: number; readonly end: number };
  /** 'stop' ends the run at the first violation; 'continue' records and goes on. */
  readonly onViolation?: 'stop' | 'continue';
  /** Source line of an instruction of a trace, when the embedder knows it. */
  readonly sourceLine?: (trace: number, address: number) => string | undefined;
  /** Told of every rsp check and violation, in order (the HTML report's timeline). */
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

const CHAIN_LIMIT = 32;
const CANARY_HI = 0xc0dec0de | 0;
const signedHex = (n: number) => (n < 0 ? '-' : '+') + hex(Math.abs(n));

export class HostStackMonitor implements ExecutionWatcher {
  readonly violations: Violation[] = [];
  private readonly traces = new Map<number, TraceInfo>();
  private readonly tracesByStart = new Map<number, TraceInfo>();
  private readonly helpers = new Map<number, string>();
  /** Links since the interpreter entered: ['4', ' →exit 0→ 5', ' → 5', ...], the last CHAIN_LIMIT kept. */
  private chain: string[] = [];
  private chainDropped = false;
  private current: TraceInfo | undefined;
  private inTrace = false;
  private entering = false;
  private rspAbove = false;
  private pendingExit: { from: Instruction | undefined; t0: number } | undefined;
  private readonly onFrameWrite = (address: number, size: number) => this.frameWritten(address, size);

  constructor(
    private readonly cpu: Cpu,
    private readonly options: MonitorOptions,
  ) {
    this.fillCanaries();
    cpu.memory.watchWrites(options.rsp0 + 8, options.frameTop, this.onFrameWrite);
    cpu.watcher = this;
  }

  /**
   * Forgets every registered trace: the JIT registers its whole set again after re-assembling
   * it, at the same addresses or over code it rewrites (which drops those blocks).
   */
  clearTraces(): void {
    this.traces.clear();
    this.tracesByStart.clear();
  }

  registerTrace(trace: TraceInfo): void {
    this.traces.set(trace.number, trace);
    this.tracesByStart.set(trace.start, trace);
    this.cpu.entryAdded(trace.start);
  }

  nameHelper(address: number, name: string): void {
    this.helpers.set(address, name);
  }

  /** Rewrites the canaries of the C frame (before a new interpreter entry). */
  fillCanaries(): void {
    const { rsp0, frameTop } = this.options;
    const bytes = new Uint8Array(frameTop - (rsp0 + 8));
    const view = new DataView(bytes.buffer);
    for (let o = 0; o + 8 <= bytes.length; o += 8) {
      view.setInt32(o, rsp0 + 8 + o, true);
      view.setInt32(o + 4, CANARY_HI, true);
    }
    const wasInTrace = this.inTrace;
    this.inTrace = false;
    this.cpu.memory.writeBytes(rsp0 + 8, bytes);
    this.inTrace = wasInTrace;
  }

  // ---- ExecutionWatcher ------------------------------------------------------------------

  onRunStart(): void {
    this.entering = true;
    this.pendingExit = undefined;
  }

  isEntry(address: number): boolean {
    return this.tracesByStart.has(address) || this.inStubs(address);
  }

  onEntry(cpu: Cpu, address: number, from: Instruction | undefined): void {
    const fromInterpreter = this.entering;
    this.entering = false;
    if (this.inStubs(address)) {
      if (!from || !this.inStubs(from.address)) this.pendingExit = { from, t0: cpu.state.rsp };
      return;
    }
    const trace = this.tracesByStart.get(address) as TraceInfo;
    const previous = this.current;
    const viaExit = !fromInterpreter && trace.parent !== undefined && previous?.number === trace.parent && trace.parentExit !== undefined;
    if (fromInterpreter) {
      this.chain = [String(trace.number)];
      this.chainDropped = false;
      this.rspAbove = false;
    } else if (viaExit) {
      this.link(` →exit ${trace.parentExit}→ ${trace.number}`);
    } else this.link(` → ${trace.number}`);
    this.current = trace;
    this.inTrace = true;
    const rsp = cpu.state.rsp;
    const at = from ?? this.instructionAt(address);
    const arrival = fromInterpreter ? 'enter' : viaExit ? 'side' : 'link';
    if (trace.parent === undefined) {
      const expected = this.options.rsp0;
      this.checked(arrival, trace.number, undefined, rsp, expected);
      if (rsp !== expected) {
        this.report('root-entry', trace.number, undefined, at, expected, rsp,
          CONTRACT_WORDING.rootEntry(trace.number, rsp - expected));
      }
      return;
    }
    const parent = this.traces.get(trace.parent);
    const parentAdjust = parent?.spadjust ?? 0;
    const expected = this.options.rsp0 - parentAdjust;
    this.checked(arrival, trace.number, undefined, rsp, expected);
    if (rsp === expected) return;
    const explanation = previous?.number === trace.number && !fromInterpreter
      ? CONTRACT_WORDING.selfLinkDrift(trace.number, trace.parent, parentAdjust)
      : CONTRACT_WORDING.sideEntry(trace.number, trace.parent, parentAdjust, rsp - expected);
    this.report('side-entry', trace.number, undefined, at, expected, rsp, explanation);
  }

  onTrap(cpu: Cpu, trap: TrapInfo, from: Instruction | undefined): void {
    const rsp = cpu.state.rsp;
    const { rsp0 } = this.options;
    if (trap.address === this.options.exitHandler) {
      const memory = cpu.memory;
      const exit = memory.read8(rsp + 8) + 256 * memory.read8(rsp);
      const traceNumber = memory.readI32(this.options.vmstateAddress);
      const trace = this.traces.get(traceNumber);
      const pending = this.pendingExit;
      this.pendingExit = undefined;
      const t0 = pending?.t0 ?? rsp + 16;
      const at = pending?.from ?? from ?? this.instructionAt(trap.address);
      this.inTrace = false;
      if (!trace) {
        this.report('guard-exit', traceNumber, exit, at, undefined, t0,
          `vmstate holds ${traceNumber}, which is not a registered trace: the exit handler cannot find the exiting trace`);
        return;
      }
      const expected = rsp0 - trace.spadjust;
      this.checked('exit', traceNumber, exit, t0, expected);
      if (t0 !== expected) {
        this.report('guard-exit', traceNumber, exit, at, expected, t0,
          CONTRACT_WORDING.guardExit(traceNumber, exit, trace.spadjust, t0 - expected));
      }
      return;
    }
    if (trap.address === this.options.exitInterp) {
      this.inTrace = false;
      this.checked('exit-interp', this.current?.number, undefined, rsp, rsp0);
      if (rsp !== rsp0) {
        this.report('exit-interp', this.current?.number, undefined, from ?? this.instructionAt(trap.address), rsp0, rsp,
          CONTRACT_WORDING.exitInterp(rsp - rsp0));
      }
      return;
    }
    const helper = this.helpers.get(trap.address);
    if (helper !== undefined && trap.viaCall && this.inTrace) {
      const beforeCall = rsp + 8;
      this.checked('helper', this.current?.number, undefined, beforeCall, undefined, helper);
      if (beforeCall % 16 !== 0) {
        this.report('helper-alignment', this.current?.number, undefined, from ?? this.instructionAt(trap.address), undefined, beforeCall,
          CONTRACT_WORDING.helperAlignment(helper, beforeCall % 16));
      }
    }
  }

  onRspChanged(cpu: Cpu, instructionAddress: number): void {
    if (!this.inTrace) return;
    const rsp = cpu.state.rsp;
    const above = rsp > this.options.rsp0;
    if (above && !this.rspAbove) {
      this.rspAbove = true;
      this.report('rsp-above-rsp0', this.current?.number, undefined, this.instructionAt(instructionAddress), this.options.rsp0, rsp,
        CONTRACT_WORDING.rspAboveRsp0(rsp - this.options.rsp0));
      return;
    }
    if (!above) this.rspAbove = false;
  }

  // ---- helpers -------------------------------------------------------------------------

  private checked(kind: Exclude<RspCheckpoint['kind'], 'violation'>, trace: number | undefined, exit: number | undefined,
    rsp: number, expected: number | undefined, helper?: string): void {
    const sink = this.options.checkpoint;
    if (!sink) return;
    const { rsp0 } = this.options;
    const info = trace === undefined ? undefined : this.traces.get(trace);
    sink({
      kind, trace, ...(exit === undefined ? {} : { exit }), ...(helper === undefined ? {} : { helper }),
      rsp: rsp - rsp0, expected: expected === undefined ? undefined : expected - rsp0, level: info === undefined ? undefined : -info.spadjust,
    });
  }

  private link(text: string): void {
    this.chain.push(text);
    if (this.chain.length > CHAIN_LIMIT) {
      this.chain.shift();
      this.chainDropped = true;
    }
  }

  private chainText(): string {
    return (this.chainDropped ? '… ' : '') + this.chain.join('').replace(/^ → /, '');
  }

  private frameWritten(address: number, size: number): void {
    const { rsp0, frameTop } = this.options;
    const low = rsp0 + 8;
    if (!this.inTrace || address + size <= low || address >= frameTop) return;
    const first = Math.max(address, low);
    this.report('c-frame-write', this.current?.number, undefined, this.instructionAt(this.cpu.at), undefined, this.cpu.state.rsp,
      CONTRACT_WORDING.cFrameWrite(size, first - rsp0, frameSlotName(first - rsp0)));
  }

  private inStubs(address: number): boolean {
    const stubs = this.options.exitStubs;
    return stubs !== undefined && address >= stubs.start && address < stubs.end;
  }

  private instructionAt(address: number): Instruction | undefined {
    try {
      return fetchInstruction(this.cpu.memory, address);
    } catch {
      return undefined;
    }
  }

  private report(kind: ViolationKind, trace: number | undefined, exit: number | undefined, at: Instruction | undefined,
    expectedRsp: number | undefined, actualRsp: number, explanation: string): void {
    const address = at?.address ?? this.cpu.state.rip;
    const violation: Violation = {
      kind, trace, exit, address,
      instruction: at ? formatInstruction(at) : '(not decodable)',
      expectedRsp, actualRsp,
      delta: expectedRsp === undefined ? undefined : actualRsp - expectedRsp,
      chain: this.chainText(),
      sourceLine: trace === undefined ? undefined : this.options.sourceLine?.(trace, address),
      explanation,
    };
    this.violations.push(violation);
    this.options.checkpoint?.({ kind: 'violation', trace, index: this.violations.length - 1, rsp: actualRsp - this.options.rsp0 });
    if ((this.options.onViolation ?? 'stop') === 'stop') throw new WatcherStop(violation);
  }
}

/** One line per violation field, for people (the CLI formats its own reports). */
export function describeViolation(v: Violation): string {
  const rsp = v.expectedRsp === undefined ? `rsp ${hex(v.actualRsp)}` : `rsp ${hex(v.actualRsp)}, expected ${hex(v.expectedRsp)} (delta ${signedHex(v.delta as number)})`;
  const where = [v.trace === undefined ? undefined : `trace ${v.trace}`, v.exit === undefined ? undefined : `exit ${v.exit}`].filter(Boolean).join(' ');
  return `${v.kind}${where ? ' in ' + where : ''} at ${hex(v.address)} (${v.instruction}): ${rsp}; chain ${v.chain}${v.sourceLine ? '; ' + v.sourceLine : ''}\n  ${v.explanation}`;
}
