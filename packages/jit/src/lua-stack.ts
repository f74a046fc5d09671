// The Lua stack in emulated memory: stack index i is the TValue at REGIONS.luaStack.base + 8*i.
// Converts BASE (rdx) to a stack index and back, reads and writes TValue words with bounds
// checks, and loads a scenario's initial slots (slot #s of the entry frame = stack[base-2+s]).
import type { Memory } from '@tracesim/cpu-sim';
import { luaValueWords, type Scenario } from '@tracesim/ir';
import { REGIONS, type TValueWords } from '@tracesim/machine';
import { hex, ReplayFaultError, ReplayInputError } from './errors';

const SLOT_BYTES = 8;
const NIL = luaValueWords({ kind: 'nil' });

export class LuaStack {
  constructor(
    private readonly memory: Memory,
    readonly slots: number,
  ) {
    const limit = REGIONS.luaStack.size / SLOT_BYTES;
    if (!Number.isInteger(slots) || slots < 1 || slots > limit) {
      throw new ReplayInputError('scenario', `stack ${slots}: the Lua stack region holds 1 to ${limit} slots`);
    }
  }

  /** Fills every slot with nil, then writes the scenario's slots relative to its base. */
  load(scenario: Scenario): void {
    for (let i = 0; i < this.slots; i++) this.write(i, NIL, 'scenario');
    for (const { slot, value } of scenario.slots) {
      const index = scenario.base - 2 + slot;
      if (index < 0 || index >= this.slots) {
        throw new ReplayInputError('scenario', `slot #${slot} (stack index ${index}) is outside the Lua stack of ${this.slots} slots`);
      }
      this.write(index, luaValueWords(value), 'scenario');
    }
  }

  addressOf(index: number): number {
    return REGIONS.luaStack.base + SLOT_BYTES * index;
  }

  /** The stack index rdx (BASE) points at. */
  indexAt(rdx: number, where: string): number {
    const index = (rdx - REGIONS.luaStack.base) / SLOT_BYTES;
    if (!Number.isInteger(index) || index < 0 || index > this.slots) {
      throw new ReplayFaultError(where, `BASE (rdx = ${hex(rdx)}) does not point at a slot of the ${this.slots}-slot Lua stack`);
    }
    return index;
  }

  read(index: number, where: string): TValueWords {
    const at = this.addressOf(this.check(index, where));
    return { lo: this.memory.read32(at), hi: this.memory.read32(at + 4) };
  }

  write(index: number, words: TValueWords, where: string): void {
    this.memory.write64Halves(this.addressOf(this.check(index, where)), words.lo, words.hi);
  }

  /** Every slot's words, index 0 first. */
  snapshot(): TValueWords[] {
    return Array.from({ length: this.slots }, (_, i) => this.read(i, 'stack'));
  }

  private check(index: number, where: string): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.slots) {
      throw new ReplayFaultError(where, `stack index ${index} is outside the Lua stack of ${this.slots} slots`);
    }
    return index;
  }
}
