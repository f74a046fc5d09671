// The CPU: runs translated blocks from the decode cache with block chaining, a step
// budget, an optional per-instruction observer (single-step blocks, only when set), traps
// (host functions mapped at addresses, entered by jmp/call/fall-through) and the hooks an
// execution watcher such as the host-stack monitor uses. Writes to a page holding cached
// code invalidate that page's blocks (exit patching rewrites code in place).
import type { Instruction } from '@tracesim/x86';
import { CpuFault, StepBudgetExhausted } from './faults';
import { Memory, PAGE_SIZE } from './memory';
import * as runtime from './runtime';
import { CpuState } from './state';
import { Block, translate } from './translate';

/** How a trap handler finishes: `return` pops the return address (ret), `jump` goes to `to`, `stop` ends the run. */
export type TrapAction = { readonly kind: 'return' } | { readonly kind: 'jump'; readonly to: number } | { readonly kind: 'stop' };

export interface TrapInfo {
  readonly name: string;
  readonly address: number;
  /** True when the trap was reached by a `call` (its return address is at [rsp]). */
  readonly viaCall: boolean;
}

export type TrapHandler = (cpu: Cpu, trap: TrapInfo) => TrapAction | void;

/** Watches execution (the host-stack monitor implements it). Throwing WatcherStop ends the run. */
export interface ExecutionWatcher {
  onRunStart(cpu: Cpu): void;
  /** Whether arrivals at `address` must be reported (and blocks must start there). */
  isEntry(address: number): boolean;
  onEntry(cpu: Cpu, address: number, from: Instruction | undefined): void;
  onTrap(cpu: Cpu, trap: TrapInfo, from: Instruction | undefined): void;
  onRspChanged(cpu: Cpu, instructionAddress: number): void;
}

/** Thrown by a watcher to stop the run (a contract violation in stop mode). */
export class WatcherStop extends Error {
  constructor(readonly detail: unknown) {
    super('stopped by the execution watcher');
  }
}

export type Observer = (cpu: Cpu, instruction: Instruction) => void;

export interface RunOptions {
  /** Instructions the run may execute before it faults with StepBudgetExhausted. */
  readonly maxSteps?: number;
  /** The run ends when rip reaches this address. */
  readonly stopAt?: number;
  /**
   * Run one instruction per block, so every flag is computed (slower). Needed only for
   * exact flags at a fault: blocks skip flags that a later instruction overwrites.
   */
  readonly precise?: boolean;
}

export interface RunResult {
  readonly reason: 'stop-address' | 'trap-stop' | 'watcher-stop';
  readonly steps: number;
  readonly detail?: unknown;
}

const BLOCK_LIMIT = 64;
const DEFAULT_BUDGET = 100_000_000;

export class Cpu {
  readonly state = new CpuState();
  /** Address of the instruction in flight at a fault point (written by blocks). */
  at = 0;
  /** 1 when the block that just ended did so with a call (written by blocks). */
  via = 0;
  /** Instructions executed over the CPU's life. */
  instructionsExecuted = 0;
  observer: Observer | undefined;
  private watcherRef: ExecutionWatcher | undefined;
  private readonly traps = new Map<number, { name: string; handler: TrapHandler }>();
  private readonly blocks = new Map<number, Block>();
  private readonly singleBlocks = new Map<number, Block>();
  private readonly blocksByPage = new Map<number, Block[]>();
  private readonly watchedPages = new Set<number>();
  /** Every address ever used as a stop address: blocks end there. */
  private readonly stopAddresses = new Set<number>();
  private readonly onCodeWrite = (address: number, size: number) => this.invalidate(address, size);

  constructor(readonly memory: Memory) {}

  get watcher(): ExecutionWatcher | undefined {
    return this.watcherRef;
  }

  set watcher(watcher: ExecutionWatcher | undefined) {
    this.watcherRef = watcher;
    this.flushTranslations();
  }

  /** Maps a host function at `address`; reaching it runs `handler` instead of code. */
  mapTrap(address: number, name: string, handler: TrapHandler): void {
    this.traps.set(address, { name, handler });
    this.flushTranslations();
  }

  trapName(address: number): string | undefined {
    return this.traps.get(address)?.name;
  }

  /** Drops every translated block (after traps or watched entries change). */
  flushTranslations(): void {
    for (const block of this.blocks.values()) block.valid = false;
    for (const block of this.singleBlocks.values()) block.valid = false;
    this.blocks.clear();
    this.singleBlocks.clear();
    this.blocksByPage.clear();
  }

  /** `address` became a watched entry: blocks running through it or starting there are made again. */
  entryAdded(address: number): void {
    this.invalidateSpanning(address);
    for (const cache of [this.blocks, this.singleBlocks]) {
      const block = cache.get(address);
      if (block) {
        block.valid = false;
        cache.delete(address);
      }
    }
  }

  /** Called by blocks after an instruction wrote rsp (only emitted while a watcher is set). */
  rspChanged(instructionAddress: number): void {
    this.at = instructionAddress;
    this.watcherRef?.onRspChanged(this, instructionAddress);
  }

  run(options: RunOptions = {}): RunResult {
    const budget = options.maxSteps ?? DEFAULT_BUDGET;
    const stopAt = options.stopAt ?? -1;
    const precise = options.precise ?? false;
    if (stopAt !== -1 && !this.stopAddresses.has(stopAt)) {
      this.stopAddresses.add(stopAt);
      this.invalidateSpanning(stopAt);
    }
    const s = this.state;
    this.at = s.rip;
    const R = s.gpr, F = s.flags, X = s.xmm, XD = s.xmmF64, M = this.memory;
    let rip = s.rip;
    let steps = 0;
    let prev: Block | undefined;
    let current: Block | undefined;
    let inBlock = false;
    try {
      this.watcherRef?.onRunStart(this);
      for (;;) {
        if (rip === stopAt) return this.finish(rip, steps, 'stop-address');
        let blk: Block | undefined;
        if (prev !== undefined) {
          if (rip === prev.chainAddress0) blk = prev.chain0;
          else if (rip === prev.chainAddress1) blk = prev.chain1;
          if (blk !== undefined && !blk.valid) blk = undefined;
        }
        if (blk === undefined) {
          const trap = this.traps.get(rip);
          if (trap !== undefined) {
            const action = this.enterTrap(rip, trap, prev);
            if (action.kind === 'stop') return this.finish(s.rip, steps, 'trap-stop');
            rip = s.rip;
            prev = undefined;
            continue;
          }
          blk = this.blockAt(rip, false);
          if (prev !== undefined && blk.instructions.length > 0) {
            if (prev.chainAddress0 === -1) {
              prev.chainAddress0 = rip;
              prev.chain0 = blk;
            } else {
              prev.chainAddress1 = rip;
              prev.chain1 = blk;
            }
          }
        }
        if (blk.watchedEntry) {
          s.rip = rip;
          (this.watcherRef as ExecutionWatcher).onEntry(this, rip, lastInstruction(prev));
        }
        if (steps >= budget) throw new StepBudgetExhausted(budget);
        if (precise || this.observer !== undefined || steps + blk.instructions.length > budget) {
          blk = this.blockAt(rip, true);
          if (this.observer !== undefined && blk.instructions.length > 0) {
            s.rip = rip;
            this.observer(this, blk.instructions[0]);
          }
        }
        current = blk;
        this.at = rip;
        this.via = 0;
        inBlock = true;
        rip = blk.run(this, R, F, X, XD, M, runtime);
        inBlock = false;
        steps += blk.instructions.length;
        prev = blk;
      }
    } catch (err) {
      const stoppedAt = inBlock ? this.at : s.rip;
      const done = inBlock && current ? Math.max(0, current.instructions.findIndex((ins) => ins.address === this.at)) : 0;
      if (err instanceof WatcherStop) return { ...this.finish(stoppedAt, steps + done, 'watcher-stop'), detail: err.detail };
      if (err instanceof CpuFault) {
        if (err.rip === undefined) err.rip = stoppedAt;
        this.finish(err.rip, steps + done, 'stop-address');
      }
      throw err;
    }
  }

  private finish(rip: number, steps: number, reason: RunResult['reason']): RunResult {
    this.state.rip = rip;
    this.instructionsExecuted += steps;
    return { reason, steps };
  }

  private enterTrap(address: number, trap: { name: string; handler: TrapHandler }, prev: Block | undefined): TrapAction {
    const s = this.state;
    s.rip = address;
    const info: TrapInfo = { name: trap.name, address, viaCall: prev !== undefined && this.via === 1 };
    this.at = address;
    this.watcherRef?.onTrap(this, info, lastInstruction(prev));
    const action = trap.handler(this, info) ?? { kind: 'return' };
    if (action.kind === 'return') {
      const sp = s.rsp;
      this.at = address;
      s.rip = runtime.address(this.memory.readI32(sp), this.memory.readI32(sp + 4));
      s.rsp = sp + 8;
      this.rspChanged(address);
    } else if (action.kind === 'jump') s.rip = action.to;
    return action;
  }

  /** The block at `address` from the cache (single-instruction blocks when `single`). */
  private blockAt(address: number, single: boolean): Block {
    const cache = single ? this.singleBlocks : this.blocks;
    const cached = cache.get(address);
    if (cached !== undefined) return cached;
    const watcher = this.watcherRef;
    const block = translate(this.memory, address, {
      maxInstructions: single ? 1 : BLOCK_LIMIT,
      isBoundary: (a) => this.traps.has(a) || this.stopAddresses.has(a) || (watcher !== undefined && watcher.isEntry(a)),
      watchRsp: watcher !== undefined,
    });
    block.watchedEntry = watcher !== undefined && watcher.isEntry(address);
    if (block.instructions.length === 0) return block; // a fetch fault: memory may be mapped later
    cache.set(address, block);
    for (let page = Math.floor(address / PAGE_SIZE); page <= Math.floor((block.end - 1) / PAGE_SIZE); page++) {
      const list = this.blocksByPage.get(page);
      if (list) list.push(block);
      else this.blocksByPage.set(page, [block]);
      if (!this.watchedPages.has(page)) {
        this.watchedPages.add(page);
        this.memory.watchWrites(page * PAGE_SIZE, (page + 1) * PAGE_SIZE, this.onCodeWrite);
      }
    }
    return block;
  }

  /** Drops the blocks that run through `address` (it just became a boundary). */
  private invalidateSpanning(address: number): void {
    for (const cache of [this.blocks, this.singleBlocks]) {
      for (const block of cache.values()) {
        if (block.address < address && address < block.end) {
          block.valid = false;
          cache.delete(block.address);
        }
      }
    }
  }

  /** Invalidates the translations of every page that [address, address+size) touches. */
  private invalidate(address: number, size: number): void {
    for (let page = Math.floor(address / PAGE_SIZE); page <= Math.floor((address + size - 1) / PAGE_SIZE); page++) {
      const list = this.blocksByPage.get(page);
      if (!list) continue;
      for (const block of list) {
        block.valid = false;
        if (this.blocks.get(block.address) === block) this.blocks.delete(block.address);
        if (this.singleBlocks.get(block.address) === block) this.singleBlocks.delete(block.address);
      }
      this.blocksByPage.delete(page);
    }
  }
}

function lastInstruction(block: Block | undefined): Instruction | undefined {
  return block?.instructions[block.instructions.length - 1];
}
