// Machine setup for running trace code: maps the regions traces touch, loads the assembled
// chunks into the mcode area, creates the CPU and the host-stack monitor, and registers every
// trace (start, spadjust, parent and exit of side traces) with the monitor.
import type { AssembledSet } from '@tracesim/asm';
import { Cpu, HostStackMonitor, Memory, type RspCheckpoint } from '@tracesim/cpu-sim';
import { C_FRAME_R, C_FRAME_SIZE, DISPATCH, DISPATCH_OFFSETS, ITYPE, LUA_STACK_LIMIT, NILNODE, primitiveWords, REGIONS, RSP0, TABLE_NODE, trapAddress } from '@tracesim/machine';
import { hex, ReplayInputError } from './errors';

/** The regions trace code and the exit handler use; the global page also holds the backend's scratch cells. */
const TRACE_REGIONS = [REGIONS.mcode, REGIONS.trap, REGIONS.global, REGIONS.luaStack, REGIONS.cStack, REGIONS.objectHeaders, REGIONS.tableArrays] as const;

export interface MonitorSetup {
  /** The exit stub area [start, end), so the monitor can see T0 before the stub's pushes. */
  readonly exitStubs?: { readonly start: number; readonly end: number };
  readonly onViolation: 'stop' | 'continue';
  readonly sourceLine?: (trace: number, address: number) => string | undefined;
  /** Memory to run in (the interpreter's, for the JIT); regions it already maps are kept. */
  readonly memory?: Memory;
  /** Told of every rsp check (the HTML report's timeline). */
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

export interface TraceMachine {
  readonly memory: Memory;
  readonly cpu: Cpu;
  readonly monitor: HostStackMonitor;
}

/** A CPU over freshly mapped trace regions, watched by a host-stack monitor built from the layout. */
export function createMachine(setup: MonitorSetup): TraceMachine {
  const memory = setup.memory ?? new Memory();
  for (const region of TRACE_REGIONS) if (!memory.isMapped(region.base)) memory.map(region.base, region.size, region.perm, region.name);
  // Replay runs on the main thread's stack; with an interpreter, it keeps this cell up to date.
  if (!setup.memory) memory.write64(DISPATCH + DISPATCH_OFFSETS.stackLimit, BigInt(LUA_STACK_LIMIT));
  const nil = primitiveWords(ITYPE.nil);
  memory.write64Halves(NILNODE + TABLE_NODE.value, nil.lo, nil.hi);
  memory.write64Halves(NILNODE + TABLE_NODE.key, nil.lo, nil.hi);
  memory.write64(NILNODE + TABLE_NODE.next, 0n);
  const cpu = new Cpu(memory);
  const monitor = new HostStackMonitor(cpu, {
    rsp0: RSP0,
    frameTop: C_FRAME_R + C_FRAME_SIZE,
    vmstateAddress: DISPATCH + DISPATCH_OFFSETS.vmstate,
    exitHandler: trapAddress('exit_handler'),
    exitInterp: trapAddress('exit_interp'),
    exitStubs: setup.exitStubs,
    onViolation: setup.onViolation,
    sourceLine: setup.sourceLine,
    checkpoint: setup.checkpoint,
  });
  return { memory, cpu, monitor };
}

/** The smallest range holding every exit stub group, or undefined when there are none. */
export function stubRange(assembled: AssembledSet): { start: number; end: number } | undefined {
  if (assembled.stubGroups.length === 0) return undefined;
  const start = Math.min(...assembled.stubGroups.map((g) => g.address));
  const end = Math.max(...assembled.stubGroups.map((g) => g.address + g.bytes.length));
  return { start, end };
}

/** A machine with the assembled set loaded and every trace registered with the monitor. */
export function loadAssembledSet(assembled: AssembledSet, onViolation: 'stop' | 'continue', checkpoint?: (point: RspCheckpoint) => void): TraceMachine {
  const locations = new Map(assembled.traces.map((t) => [t.trace.number, t.trace.location]));
  const machine = createMachine({ exitStubs: stubRange(assembled), onViolation, sourceLine: (trace) => locations.get(trace), checkpoint });
  for (const chunk of assembled.chunks) {
    const { base, size } = REGIONS.mcode;
    if (chunk.address < base || chunk.address + chunk.bytes.length > base + size) {
      throw new ReplayInputError(`address ${hex(chunk.address)}`, `a ${chunk.bytes.length}-byte chunk of machine code does not fit in the mcode area [${hex(base)}, ${hex(base + size)})`);
    }
    machine.memory.writeBytes(chunk.address, chunk.bytes);
  }
  for (const t of assembled.traces) {
    const start = t.trace.start;
    machine.monitor.registerTrace(start.kind === 'side'
      ? { number: t.trace.number, start: t.address, spadjust: t.spadjust, parent: start.parent, parentExit: start.exit }
      : { number: t.trace.number, start: t.address, spadjust: t.spadjust });
  }
  return machine;
}
