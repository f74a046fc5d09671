// Penalties and blacklisting of hot bytecodes whose root trace aborted (penalty_pc and
// blacklist_pc in lj_trace.c): a 64-slot round-robin cache of {pc, val, reason}; the first abort
// at a pc costs PENALTY_MIN, each further one doubles it plus a random 0..15, and past
// PENALTY_MAX the op is blacklisted instead.
import { HOT_VARIANTS, OP_NAMES, type OpName } from '@tracesim/lua';
import type { AbortReason } from './abort-reasons';
import type { JitRandom } from './jit-random';

export const PENALTY_SLOTS = 64;
export const PENALTY_MIN = 36 * 2;
export const PENALTY_MAX = 60000;
export const PENALTY_RNDBITS = 4;

/** How blacklist_pc rewrites a hot op: its I-variant (and PROTO_ILOOP on the prototype), or for
 * ITERN: ITERC, with the ISNEXT in front of the loop body (at pc+1+j of the following ITERL) turned into JMP. */
export type BlacklistPatch =
  | { readonly op: OpName; readonly protoIloop: true }
  | { readonly op: 'ITERC'; readonly isnext: 'JMP'; readonly protoIloop: false };

export const BLACKLIST_PATCHES: Readonly<Record<keyof typeof HOT_VARIANTS | 'ITERN', BlacklistPatch>> = {
  ...(Object.fromEntries(
    Object.entries(HOT_VARIANTS).map(([op, v]) => [op, { op: OP_NAMES[v.interp], protoIloop: true }]),
  ) as Record<keyof typeof HOT_VARIANTS, BlacklistPatch>),
  ITERN: { op: 'ITERC', isnext: 'JMP', protoIloop: false },
};

export interface PenaltyEntry {
  /** Bytecode address of the penalised instruction. */
  readonly pc: number;
  readonly val: number;
  readonly reason: AbortReason;
}

/** penalty_pc's verdict: write `value` into the hot counter of pc+1, or blacklist the op. */
export type PenaltyOutcome = { readonly kind: 'penalty'; readonly value: number } | { readonly kind: 'blacklist' };

export class PenaltyCache {
  private readonly slots: (PenaltyEntry | undefined)[] = new Array(PENALTY_SLOTS).fill(undefined);
  private next = 0;

  constructor(private readonly random: JitRandom) {}

  /** penalty_pc: a known pc doubles its value plus PENALTY_RNDBITS random bits; a new pc takes the next slot round-robin. */
  penalize(pc: number, reason: AbortReason): PenaltyOutcome {
    let i = this.slots.findIndex((e) => e?.pc === pc);
    let val = PENALTY_MIN;
    if (i >= 0) {
      val = (this.slots[i] as PenaltyEntry).val * 2 + this.random.bits(PENALTY_RNDBITS);
      if (val > PENALTY_MAX) return { kind: 'blacklist' };
    } else {
      i = this.next;
      this.next = (this.next + 1) & (PENALTY_SLOTS - 1);
    }
    this.slots[i] = { pc, val, reason };
    return { kind: 'penalty', value: val };
  }

  /** innerloopleft (lj_record.c): the pc's cache entry says a loop was left or entered (LLEAVE/LINNER) with val >= 2*PENALTY_MIN. */
  innerLoopLeft(pc: number): boolean {
    const e = this.entry(pc);
    return e !== undefined && (e.reason === 'LLEAVE' || e.reason === 'LINNER') && e.val >= 2 * PENALTY_MIN;
  }

  /** The cache entry of a pc, if it still holds one. */
  entry(pc: number): PenaltyEntry | undefined {
    return this.slots.find((e) => e?.pc === pc);
  }
}
