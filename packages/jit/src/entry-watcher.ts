// Sees the CPU arrive at trace heads, without asking the backend how it linked them: an
// execution watcher that sits in front of the host-stack monitor, reports each arrival at a
// registered head to the engine first and then lets the monitor judge it. At the two exit traps
// the monitor's stop is held back until the engine has logged the exit (the trap ends the entry
// anyway), so the log shows the exit before the violation it caused.
import { WatcherStop, type Cpu, type ExecutionWatcher, type HostStackMonitor, type TrapInfo } from '@tracesim/cpu-sim';
import type { Instruction } from '@tracesim/x86';

export interface EntryHooks {
  /** The CPU reached the head at `address` (before the monitor checks it). May throw WatcherStop. */
  onHead(cpu: Cpu, address: number): void;
  /** Called after every monitor hook, so new violations join the event log in order. */
  afterMonitor(): void;
}

export class EntryWatcher implements ExecutionWatcher {
  /** A monitor stop at an exit trap, held back until the trap handler has run. */
  heldStop: WatcherStop | undefined;

  constructor(
    private readonly monitor: HostStackMonitor,
    private readonly heads: ReadonlySet<number>,
    private readonly exitTraps: ReadonlySet<number>,
    private readonly hooks: EntryHooks,
  ) {}

  onRunStart(): void {
    this.heldStop = undefined;
    this.monitor.onRunStart();
  }

  isEntry(address: number): boolean {
    return this.heads.has(address) || this.monitor.isEntry(address);
  }

  onEntry(cpu: Cpu, address: number, from: Instruction | undefined): void {
    if (this.heads.has(address)) this.hooks.onHead(cpu, address);
    if (this.monitor.isEntry(address)) this.judged(() => this.monitor.onEntry(cpu, address, from));
  }

  onTrap(cpu: Cpu, trap: TrapInfo, from: Instruction | undefined): void {
    if (!this.exitTraps.has(trap.address)) {
      this.judged(() => this.monitor.onTrap(cpu, trap, from));
      return;
    }
    try {
      this.monitor.onTrap(cpu, trap, from);
    } catch (err) {
      if (!(err instanceof WatcherStop)) throw err;
      this.heldStop = err;
    }
  }

  onRspChanged(cpu: Cpu, instructionAddress: number): void {
    this.judged(() => this.monitor.onRspChanged(cpu, instructionAddress));
  }

  private judged(check: () => void): void {
    try {
      check();
    } finally {
      this.hooks.afterMonitor();
    }
  }
}
