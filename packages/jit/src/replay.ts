// The replay engine: runs an assembled trace set on the CPU model under the host-stack monitor,
// entering the scenario's trace from the "interpreter" `times` times, handling the exit_handler
// and exit_interp traps (snapshot restore), and logging every entry, exit, side-trace entry,
// link and violation in the reference interpreter's event shapes.
import type { AssembledSet, AssembledTrace } from '@tracesim/asm';
import { CpuFault, StepBudgetExhausted, WatcherStop, type Cpu, type Memory, type RspCheckpoint, type Violation } from '@tracesim/cpu-sim';
import { SNAP_FLAGS, StringModel, type RestoredSlot, type TableContents, type Scenario, type TraceSet } from '@tracesim/ir';
import { DISPATCH, DISPATCH_OFFSETS, RSP0, trapAddress, type TValueWords } from '@tracesim/machine';
import { EntryWatcher } from './entry-watcher';
import { mapHelpers, mapModelStringHelpers } from './helper-calls';
import { codeLocation, hex, ReplayBudgetError, ReplayFaultError, ReplayInputError } from './errors';
import type { ReplayEvent } from './events';
import { decodeExit, ExitState, restoreExitMap } from './exit-state';
import { LuaStack } from './lua-stack';
import { loadScenarioTables, readScenarioTables } from './scenario-tables';
import { writeStringHeader } from '@tracesim/lua';
import { loadAssembledSet, type TraceMachine } from './machine';

export interface ReplayOptions {
  /** 'stop' (default) ends the replay at the first violation; 'continue' logs it and goes on. */
  readonly onViolation?: 'stop' | 'continue';
  /** The scenario to run (default: the trace set's own). */
  readonly scenario?: Scenario;
  /** Machine instructions allowed per IR instruction of the scenario's budget [64]. */
  readonly instructionsPerIrStep?: number;
  /** Told of every rsp check (the HTML report's timeline). */
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

export interface ReplayResult {
  readonly events: readonly ReplayEvent[];
  readonly violations: readonly Violation[];
  /** The Lua stack at the end, index 0 first. */
  readonly stack: readonly TValueWords[];
  /** BASE (a stack index) after the last restore. */
  readonly base: number;
  /** The scenario tables' array parts at the end (what the trace's stores left). */
  readonly tables: readonly TableContents[];
}

const DEFAULT_INSTRUCTIONS_PER_IR_STEP = 64;
const EXIT_HANDLER = trapAddress('exit_handler');
const EXIT_INTERP = trapAddress('exit_interp');
const RDX_BASE = 2;
const R14_DISPATCH = 14;

class Replay {
  readonly events: ReplayEvent[] = [];
  base: number;
  private readonly machine: TraceMachine;
  private readonly stack: LuaStack;
  private readonly watcher: EntryWatcher;
  private readonly byNumber: Map<number, AssembledTrace>;
  private readonly byHead: Map<number, AssembledTrace>;
  private readonly counts = new Map<string, number>();
  private violationsSeen = 0;
  private current: AssembledTrace | undefined;
  private entering = false;
  /** Set when the scenario's `until` exit was taken or the monitor stopped the run. */
  private stopped = false;
  private readonly stepBudget: number;
  private stepsLeft: number;

  constructor(
    assembled: AssembledSet,
    private readonly scenario: Scenario,
    options: ReplayOptions,
  ) {
    this.byNumber = new Map(assembled.traces.map((t) => [t.trace.number, t]));
    this.byHead = new Map(assembled.traces.map((t) => [t.address, t]));
    if (!this.byNumber.has(scenario.enter)) throw new ReplayInputError('scenario', `enter names trace ${scenario.enter}, which was not assembled`);
    this.machine = loadAssembledSet(assembled, options.onViolation ?? 'stop', options.checkpoint);
    this.stack = new LuaStack(this.machine.memory, scenario.stackSlots);
    this.stack.load(scenario);
    loadScenarioTables(this.machine.memory, scenario.tables ?? []);
    this.base = scenario.base;
    this.stepBudget = scenario.budget * (options.instructionsPerIrStep ?? DEFAULT_INSTRUCTIONS_PER_IR_STEP);
    this.stepsLeft = this.stepBudget;
    const { cpu, monitor } = this.machine;
    cpu.mapTrap(EXIT_HANDLER, 'exit_handler', (c) => this.exitHandler(c));
    cpu.mapTrap(EXIT_INTERP, 'exit_interp', (c) => this.exitInterp(c));
    mapHelpers(cpu, { ticks: 0 });
    const strings = StringModel.forRun({ traces: assembled.traces.map((t) => t.trace), returnSites: [] }, scenario, (words, text) => writeStringHeader(this.machine.memory, words.lo, text));
    mapModelStringHelpers(cpu, strings);
    this.watcher = new EntryWatcher(monitor, new Set(this.byHead.keys()), new Set([EXIT_HANDLER, EXIT_INTERP]), {
      onHead: (c, address) => this.arrived(c, this.byHead.get(address) as AssembledTrace),
      afterMonitor: () => this.logViolations(),
    });
    cpu.watcher = this.watcher;
  }

  run(): void {
    const sc = this.scenario;
    const first = this.byNumber.get(sc.enter) as AssembledTrace;
    for (let entry = 0; entry < sc.times && !this.stopped; entry++) {
      this.base = sc.base;
      this.events.push({ kind: 'enter', trace: sc.enter, rsp: RSP0 });
      this.enter(first);
    }
  }

  get violations(): readonly Violation[] {
    return this.machine.monitor.violations;
  }

  get memory(): Memory {
    return this.machine.memory;
  }

  finalStack(): TValueWords[] {
    return this.stack.snapshot();
  }

  /** One entry from the interpreter, until control comes back to it. */
  private enter(trace: AssembledTrace): void {
    const { cpu, monitor } = this.machine;
    monitor.fillCanaries();
    cpu.state.rsp = RSP0;
    cpu.state.setRegNumber(RDX_BASE, this.stack.addressOf(this.scenario.base));
    cpu.state.setRegNumber(R14_DISPATCH, DISPATCH);
    cpu.state.rip = trace.address;
    this.current = trace;
    this.entering = true;
    let result;
    try {
      result = cpu.run({ maxSteps: this.stepsLeft });
    } catch (err) {
      this.logViolations();
      throw this.located(err, cpu);
    }
    this.stepsLeft -= result.steps;
    this.logViolations();
    if (result.reason === 'watcher-stop' || this.watcher.heldStop) this.stopped = true;
  }

  /** Arrival at a trace head: the entry itself, a patched exit into a side trace, or a tail link. */
  private arrived(cpu: Cpu, head: AssembledTrace): void {
    if (this.entering) {
      this.entering = false;
      return;
    }
    const from = this.current as AssembledTrace;
    const rsp = cpu.state.rsp;
    const start = head.trace.start;
    this.current = head;
    // Only a patched exit of the parent enters a side trace's head; any other arrival is a tail link (a self-link).
    if (start.kind === 'side' && start.parent === from.trace.number) {
      const count = this.count(from.trace.number, start.exit);
      this.events.push({ kind: 'side', trace: from.trace.number, exit: start.exit, count, side: head.trace.number, rsp });
      if (this.untilHit(from.trace.number, start.exit)) {
        this.stopped = true;
        throw new WatcherStop('until');
      }
      return;
    }
    const { restored, base } = this.readBackTail(cpu, from);
    this.events.push({ kind: 'link', trace: from.trace.number, link: from.trace.link.kind, to: head.trace.number, restored, base, rsp });
  }

  private exitHandler(cpu: Cpu): { kind: 'stop' } {
    const { exit, t0 } = decodeExit(cpu.memory, cpu.state.rsp);
    const vmstate = cpu.memory.readI32(DISPATCH + DISPATCH_OFFSETS.vmstate);
    const trace = this.byNumber.get(vmstate);
    if (!trace) throw new ReplayFaultError(`vmstate ${vmstate}`, `exit ${exit} reached exit_handler, but vmstate names no assembled trace`);
    const map = trace.exitMaps[exit];
    const snapshot = trace.trace.snapshots[exit];
    const where = `trace ${vmstate} exit ${exit}`;
    if (!map || !snapshot) throw new ReplayFaultError(where, `trace ${vmstate} has no exit ${exit} (${trace.exitMaps.length} exit maps)`);
    const base = this.stack.indexAt(cpu.state.regNumber(RDX_BASE), where);
    const restored = restoreExitMap(new ExitState(cpu, t0), this.stack, base, map, where);
    this.base = base + snapshot.baseAdjust;
    const count = this.count(vmstate, exit);
    this.events.push({ kind: 'exit', trace: vmstate, exit, count, restored, base: this.base, rsp: t0 });
    this.logViolations();
    if (this.untilHit(vmstate, exit)) this.stopped = true;
    return { kind: 'stop' };
  }

  private exitInterp(cpu: Cpu): { kind: 'stop' } {
    const trace = this.current as AssembledTrace;
    const { restored, base } = this.readBackTail(cpu, trace);
    this.base = base;
    this.events.push({ kind: 'interpreter', trace: trace.trace.number, link: trace.trace.link.kind, restored, base, rsp: cpu.state.rsp });
    this.logViolations();
    return { kind: 'stop' };
  }

  /** What a tail synced: the last snapshot's restorable slots, read back below BASE's adjustment. */
  private readBackTail(cpu: Cpu, trace: AssembledTrace): { restored: RestoredSlot[]; base: number } {
    const where = `trace ${trace.trace.number} tail`;
    const base = this.stack.indexAt(cpu.state.regNumber(RDX_BASE), where);
    const snapshot = trace.trace.snapshots[trace.trace.snapshots.length - 1];
    if (!snapshot) return { restored: [], base };
    const origin = base - snapshot.baseAdjust;
    const restored = snapshot.entries
      .filter((e) => (e.flags & SNAP_FLAGS.NORESTORE) === 0)
      .map((e) => {
        const index = origin - 2 + e.slot;
        return { slot: e.slot, index, words: this.stack.read(index, where) };
      });
    return { restored, base };
  }

  private count(trace: number, exit: number): number {
    const key = `${trace}/${exit}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }

  private untilHit(trace: number, exit: number): boolean {
    return this.scenario.until?.trace === trace && this.scenario.until.exit === exit;
  }

  private logViolations(): void {
    const all = this.machine.monitor.violations;
    for (; this.violationsSeen < all.length; this.violationsSeen++) this.events.push({ kind: 'violation', violation: all[this.violationsSeen] });
  }

  private located(err: unknown, cpu: Cpu): unknown {
    const trace = this.current?.trace.number;
    if (err instanceof StepBudgetExhausted) {
      return new ReplayBudgetError(codeLocation(trace, cpu.state.rip),
        `the machine code used up its budget of ${this.stepBudget} instructions (${this.scenario.budget} IR instructions × ${this.stepBudget / this.scenario.budget}); raise \`budget\` in the scenario`);
    }
    if (err instanceof CpuFault) {
      const address = err.address === undefined ? '' : ` (address ${hex(err.address)})`;
      return new ReplayFaultError(codeLocation(trace, err.rip ?? cpu.state.rip), `${err.kind} ${err.message}${address}`);
    }
    return err;
  }
}

/** Replays the scenario on the assembled machine code; throws a located ReplayError on bad input or faults. */
export function replayTraceSet(set: TraceSet, assembled: AssembledSet, options: ReplayOptions = {}): ReplayResult {
  const scenario = options.scenario ?? set.scenario;
  if (!scenario) throw new ReplayInputError('scenario', 'the trace set has no scenario to replay');
  const replay = new Replay(assembled, scenario, options);
  replay.run();
  return { events: replay.events, violations: replay.violations, stack: replay.finalStack(), base: replay.base, tables: readScenarioTables(replay.memory, scenario.tables ?? []) };
}
