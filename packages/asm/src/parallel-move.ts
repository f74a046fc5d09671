// Orders a parallel move (every destination takes its source's value as it was before any
// move) into a sequence of single moves: a move is emitted once no pending move still reads
// its destination; a cycle is broken by parking one source in a temporary location. Used for
// the loop back-edge, a call's argument registers and a side trace's inherited values.

/** A register (0-15 GPRs, 16-31 xmm) or an 8-byte-aligned memory cell addressed base+disp. */
export type Loc = { readonly kind: 'reg'; readonly reg: number } | { readonly kind: 'mem'; readonly base: number; readonly disp: number };

/** A constant source: the raw bits to place. */
export interface ConstSource {
  readonly kind: 'const';
  readonly bits: bigint;
}

export interface Move {
  readonly dst: Loc;
  readonly src: Loc | ConstSource;
  /** 32 for int values (low half, 4-byte slots), 64 for everything else. */
  readonly width: 32 | 64;
  /** Register class of the value (decides mov vs movsd). */
  readonly fpr: boolean;
}

export function sameLoc(a: Loc | ConstSource, b: Loc | ConstSource): boolean {
  if (a.kind === 'reg' && b.kind === 'reg') return a.reg === b.reg;
  if (a.kind === 'mem' && b.kind === 'mem') return a.base === b.base && a.disp === b.disp;
  return false;
}

/** The moves in an order that gives the parallel semantics, using `temp` to break cycles. */
export function sequentializeMoves(moves: readonly Move[], temp: Loc): Move[] {
  for (let i = 0; i < moves.length; i++) {
    for (let j = i + 1; j < moves.length; j++) {
      if (sameLoc(moves[i].dst, moves[j].dst)) throw new Error(`parallel move writes ${JSON.stringify(moves[i].dst)} twice`);
    }
  }
  let pending = moves.filter((m) => !sameLoc(m.dst, m.src));
  const out: Move[] = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((m) => !pending.some((o) => o !== m && sameLoc(o.src, m.dst)));
    if (ready >= 0) {
      out.push(pending[ready]);
      pending = pending.filter((_, k) => k !== ready);
      continue;
    }
    // Every pending destination is still read: all remaining moves form cycles. Park one source.
    const parked = pending[0].src as Loc;
    const widest = pending.filter((m) => sameLoc(m.src, parked)).reduce((w, m) => (m.width > w ? m.width : w), 32 as 32 | 64);
    out.push({ dst: temp, src: parked, width: widest, fpr: pending[0].fpr });
    pending = pending.map((m) => (sameLoc(m.src, parked) ? { ...m, src: temp } : m));
  }
  return out;
}
