// Snapshot purging (snap_usedef and lj_snap_purge in lj_snap.c): a forward scan of the bytecode
// from a snapshot's pc that finds which registers of the current frame are dead there: stored
// before they are read, or never read before the scan ends at a jump, a return or a tail call.
// Open upvalues count as read. The scan gives a bound: only dead registers at or above it are
// purged, so anything the scan could not follow stays in the snapshot.
import { BC, MODE_A, MODE_B, MODE_CD, insA, insB, insC, insD, type Proto } from '@tracesim/lua';

/** ITERL..JITERL and FORI..JFORL: the loop ops whose jump keeps extra control slots live. */
const FOR_OPS = new Set<number>([BC.FORI, BC.JFORI, BC.FORL, BC.IFORL, BC.JFORL]);
const ITERL_OPS = new Set<number>([BC.ITERL, BC.IITERL, BC.JITERL]);
const RETURN_OPS = new Set<number>([BC.RETM, BC.RET, BC.RET0, BC.RET1]);
const CALL_OPS = new Set<number>([BC.CALLM, BC.CALL, BC.CALLMT, BC.CALLT, BC.ITERC, BC.ITERN]);
const FORL_EXT = 3;

/** Registers below `maxslot` that a snapshot at `pc` may leave out. */
export function deadRegisters(proto: Proto, pc: number, maxslot: number, openRegisters: readonly number[]): number[] {
  if (maxslot <= 0) return [];
  // udf: 1 = not read yet (dead unless read later), 0 = read first (live); a store keeps it as it is.
  const udf = new Uint8Array(maxslot).fill(1);
  for (const r of openRegisters) if (r >= 0 && r < maxslot) udf[r] = 0;
  const use = (r: number): void => {
    if (r < maxslot) udf[r] &= ~1;
  };
  const def = (r: number): void => {
    if (r < maxslot) udf[r] *= 3;
  };
  const defFrom = (from: number): void => {
    for (let r = from; r < maxslot; r++) def(r);
  };
  const dead = (bound: number): number[] => {
    const out: number[] = [];
    for (let r = Math.max(bound, 0); r < maxslot; r++) if (udf[r] !== 0) out.push(r);
    return out;
  };
  // Every path ends at a return, so the scan is bounded by the prototype's length.
  for (let at = pc, steps = 0; at < proto.bc.length && steps <= proto.bc.length; steps++) {
    const ins = proto.bc[at++];
    const op = ins & 0xff;
    if (MODE_B[op] === 'var') use(insB(ins));
    const modeC = MODE_CD[op];
    if (modeC === 'var') use(insC(ins));
    else if (modeC === 'rbase') {
      // CAT reads B..C and clobbers everything above.
      for (let r = insB(ins); r <= insC(ins); r++) use(r);
      defFrom(insC(ins) + 1);
    } else if (modeC === 'jump' || (modeC === 'lit' && (op === BC.JFORL || op === BC.JITERL || op === BC.JLOOP))) {
      if (op === BC.UCLO) {
        const delta = insD(ins) - 0x8000;
        if (delta < 0) return [];
        at += delta;
        continue;
      }
      let minslot = insA(ins);
      if (FOR_OPS.has(op)) minslot += FORL_EXT;
      else if (ITERL_OPS.has(op)) minslot += insB(proto.bc[at - 2]) - 1;
      defFrom(minslot);
      return minslot < maxslot ? dead(minslot) : [];
    } else if (RETURN_OPS.has(op)) {
      const a = insA(ins);
      const top = op === BC.RETM ? maxslot : a + insD(ins) - 1;
      for (let r = 0; r < a; r++) def(r);
      for (let r = a; r < top; r++) use(r);
      defFrom(top);
      return dead(0);
    } else if (modeC === 'func') {
      return [];
    }
    const modeA = MODE_A[op];
    if (modeA === 'var') use(insA(ins));
    else if (modeA === 'dst') {
      if (op !== BC.ISTC && op !== BC.ISFC) def(insA(ins));
    } else if (modeA === 'base') {
      const a = insA(ins);
      if (CALL_OPS.has(op)) {
        const top = op === BC.CALLM || op === BC.CALLMT || insC(ins) === 0 ? maxslot : a + insC(ins) + 1;
        def(a + 1);
        for (let r = a - (op === BC.ITERC || op === BC.ITERN ? 3 : 0); r < top; r++) use(r);
        defFrom(top);
        if (op === BC.CALLT || op === BC.CALLMT) {
          for (let r = 0; r < a; r++) def(r);
          return dead(0);
        }
      } else if (op === BC.VARG) {
        return [];
      } else if (op === BC.KNIL) {
        for (let r = a; r <= insD(ins); r++) def(r);
      } else if (op === BC.TSETM) {
        for (let r = a - 1; r < maxslot; r++) use(r);
      }
    }
  }
  return [];
}
