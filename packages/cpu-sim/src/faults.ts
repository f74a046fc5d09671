// The typed faults of the CPU model: #PF, #GP, #UD, #DE and an exhausted step budget.
// Also #BP for int3. Each carries the rip of the faulting instruction (filled in by the CPU; undefined when
// the fault comes from a host-side memory access) and a `location` naming the place.

export type FaultKind = '#PF' | '#GP' | '#UD' | '#DE' | '#BP' | 'budget';
export type AccessKind = 'read' | 'write' | 'fetch';

export const hex = (n: number): string => '0x' + n.toString(16);

/** Base of every fault the CPU model raises. */
export abstract class CpuFault extends Error {
  abstract readonly kind: FaultKind;
  /** Address of the instruction that faulted; undefined for host-side accesses. */
  rip: number | undefined = undefined;
  /** The memory address involved, when there is one. */
  readonly address: number | undefined;

  constructor(message: string, address?: number) {
    super(message);
    this.address = address;
  }

  get location(): string {
    if (this.rip !== undefined) return `rip ${hex(this.rip)}`;
    return this.address !== undefined ? `address ${hex(this.address)}` : 'cpu';
  }
}

/** #PF: an access to an unmapped page, a write to a read-only page or a fetch from a non-executable one. */
export class PageFault extends CpuFault {
  readonly kind = '#PF';
  constructor(
    override readonly address: number,
    readonly access: AccessKind,
    readonly reason: 'not mapped' | 'not writable' | 'not executable',
  ) {
    super(`${access} at ${hex(address)}: page ${reason}`, address);
    this.name = 'PageFault';
  }
}

/** #GP: a non-canonical address. */
export class GeneralProtectionFault extends CpuFault {
  readonly kind = '#GP';
  constructor(detail: string, address?: number) {
    super(detail, address);
    this.name = 'GeneralProtectionFault';
  }
}

/** #UD: bytes the decoder does not know (or an instruction the CPU model does not execute). */
export class InvalidOpcodeFault extends CpuFault {
  readonly kind = '#UD';
  constructor(
    readonly bytes: Uint8Array,
    detail: string,
  ) {
    super(`invalid opcode (bytes ${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}): ${detail}`);
    this.name = 'InvalidOpcodeFault';
  }
}

/** #DE: division by zero or a quotient that does not fit. */
export class DivideErrorFault extends CpuFault {
  readonly kind = '#DE';
  constructor(detail: string) {
    super(detail);
    this.name = 'DivideErrorFault';
  }
}

/** #BP: an int3 was executed. */
export class BreakpointFault extends CpuFault {
  readonly kind = '#BP';
  constructor() {
    super('int3 breakpoint');
    this.name = 'BreakpointFault';
  }
}

/** The step budget ran out before the program stopped. */
export class StepBudgetExhausted extends CpuFault {
  readonly kind = 'budget';
  constructor(readonly budget: number) {
    super(`step budget of ${budget} instructions exhausted`);
    this.name = 'StepBudgetExhausted';
  }
}

/** A mistake of the embedder when laying out memory (overlapping or unaligned mappings). */
export class MemoryLayoutError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryLayoutError';
  }
}
