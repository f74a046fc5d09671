// The LOOP pass (after lj_opt_loop): a trace recorded as one iteration whose last snapshot is the
// loop snapshot is turned into pre-roll + LOOP + body. The body is a copy of the pre-roll with
// every SLOAD of a slot in the loop snapshot replaced by that slot's value (copy-substitution),
// re-emitted through folding/CSE; invariant instructions are not copied. Snapshots are copied
// with their refs substituted and the loop snapshot's slots merged in; a copied snapshot
// overwrites the previous one when no guard was emitted in between. Every pre-roll value the body
// reads and that changes across the iteration gets a PHI(value, its copy), and so does every
// pre-roll value such a PHI carries over.
//
// Loads are forwarded as lj_opt_fwd does: in an iteration that stores nothing (no CALLS, no
// ASTORE, HSTORE, NEWREF or XSTORE), a table-part read (ALOAD, HLOAD) or a table or upvalue read
// (tab_get, tab_len, uv_get) with invariant operands, the XLOAD of its result and the guards on it
// are invariant too, and are not copied. A table's header fields (FLOAD tab.asize/hmask/array/node)
// and an HREF with invariant operands are invariant in an iteration that stores no new key (no
// NEWREF, no CALLS).

import { TraceBuilder, type BuilderOptions } from './builder';
import { IrValidationError, LoopTypeInstability, traceLocation } from './errors';
import { HELPERS } from './calls';
import { callArguments } from './queries';
import { opInfo } from './opcodes';
import { insIndex, insRef, isConstRef, type Ref } from './refs';
import type { SnapEntry, Snapshot, Trace } from './trace';

/** Helper reads whose result only a store can change (LuaJIT forwards HLOAD, ALOAD, ULOAD and lj_tab_len). */
const FORWARDED_LOADS: ReadonlySet<string> = new Set(['tab_get', 'tab_len', 'uv_get']);


export function optimizeLoop(trace: Trace, options: BuilderOptions = {}): Trace {
  const loopSnap = trace.snapshots[trace.snapshots.length - 1];
  const end = insRef(trace.ins.length);
  if (!loopSnap || loopSnap.ref !== end || trace.ins.some((i) => i.op === 'LOOP' || i.op === 'PHI')) {
    throw new IrValidationError(traceLocation(trace.number), 'the LOOP pass needs a trace without LOOP/PHI whose last snapshot applies at its end');
  }
  const b = new TraceBuilder({ number: trace.number, start: trace.start, location: trace.location }, options);
  trace.consts.slice(3).forEach((k) => b.constant(k));
  const snapAt = (s: Snapshot): void => {
    b.snapshot(s.entries, { nslots: s.nslots, topslot: s.topslot, baseAdjust: s.baseAdjust, ...(s.pc !== undefined ? { pc: s.pc } : {}) });
  };

  // Pre-roll: the recorded iteration, unchanged.
  let snapNo = 0;
  trace.ins.forEach((ins, i) => {
    while (snapNo < trace.snapshots.length - 1 && trace.snapshots[snapNo].ref <= insRef(i)) snapAt(trace.snapshots[snapNo++]);
    b.append(ins);
  });
  snapAt(loopSnap);
  b.loop();

  const subst = new Map<Ref, Ref>();
  const S = (ref: Ref): Ref => (isConstRef(ref) ? ref : (subst.get(ref) ?? ref));
  const loopValue = new Map(loopSnap.entries.map((e) => [e.slot, e.ref]));
  const readByBody = new Set<Ref>();
  const read = (ref: Ref): Ref => {
    if (!isConstRef(ref) && ref < end) readByBody.add(ref);
    return ref;
  };
  let guardSince = true;
  const storesNothing = !trace.ins.some((i) => i.op === 'CALLS' || i.op === 'XSTORE' || i.op === 'ASTORE' || i.op === 'HSTORE' || i.op === 'NEWREF');
  const keepsNodes = !trace.ins.some((i) => i.op === 'CALLS' || i.op === 'NEWREF');
  /** XLOADs of forwarded helper loads: their value is substituted, so they are not copied. */
  const skipped = new Set<Ref>();

  // Body: copy-substitute instructions and snapshots (#0 describes the trace entry: not copied).
  let copySnap = 1;
  trace.ins.forEach((ins, i) => {
    const ref = insRef(i);
    while (copySnap < trace.snapshots.length - 1 && trace.snapshots[copySnap].ref <= ref) {
      const osnap = trace.snapshots[copySnap++];
      const own = new Map(osnap.entries.map((e) => [e.slot, e]));
      const entries: SnapEntry[] = [];
      for (const e of loopSnap.entries) if (e.slot < osnap.nslots && !own.has(e.slot)) entries.push({ ...e, ref: read(e.ref) });
      for (const e of osnap.entries) entries.push({ ...e, ref: read(S(e.ref)) });
      b.snapshot(entries, { nslots: osnap.nslots, topslot: osnap.topslot, baseAdjust: osnap.baseAdjust, ...(osnap.pc !== undefined ? { pc: osnap.pc } : {}), replaceLast: !guardSince });
      guardSince = false;
    }
    if (ins.op === 'NOP') return;
    if (ins.op === 'SLOAD') {
      const v = loopValue.get(ins.op1);
      if (v === undefined) return; // slot not written by the iteration: invariant
      const vt = b.typeOf(v);
      if (vt === ins.type) subst.set(ref, v);
      else if (ins.type === 'num' && vt === 'int') subst.set(ref, b.conv('num', 'int', read(v)));
      else if (ins.type === 'int' && vt === 'num') subst.set(ref, b.conv('int', 'num', read(v), 'none'));
      else throw new LoopTypeInstability(traceLocation(trace.number, ref), `type instability: SLOAD #${ins.op1} is ${ins.type} but the loop snapshot holds a ${vt} for slot ${ins.op1}`);
      return;
    }
    const info = opInfo(ins.op);
    const op1 = info.op1 === 'ref' ? S(ins.op1) : ins.op1;
    const op2 = info.op2 === 'ref' ? S(ins.op2) : ins.op2;
    const forwarded = forwardedRead(trace, i, b, S);
    if (forwarded !== undefined) {
      // The value is known from an earlier access in the loop or the pre-roll: no load, no guard.
      subst.set(forwarded.xload ?? ref, read(forwarded.value));
      if (forwarded.xload !== undefined) skipped.add(forwarded.xload);
      return;
    }
    if (skipped.has(ref)) return;
    const forwardedLoad = storesNothing && (ins.op === 'XLOAD' || ins.op === 'ALOAD' || ins.op === 'HLOAD' || (ins.op === 'CALLL' && FORWARDED_LOADS.has(HELPERS[ins.op2]?.name)));
    const pure = info.kind === 'N' || info.kind === 'R' || forwardedLoad || (ins.op === 'HREF' && keepsNodes);
    if (pure && op1 === ins.op1 && op2 === ins.op2) return; // loop-invariant: hoisted (guards already passed)
    if (info.op1 === 'ref') read(op1);
    if (info.op2 === 'ref') read(op2);
    const before = b.nextRef;
    const copy = b.emit(ins.op, ins.type, op1, op2, ins.guard);
    if (copy !== undefined) subst.set(ref, copy);
    if (b.nextRef !== before && b.instruction(before).guard) guardSince = true;
  });

  // PHIs for pre-roll values the body reads whose value changes each iteration. A PHI's right
  // operand may itself be such a pre-roll value (slots that swap: PHI(a, b) with PHI(b, a)), so
  // the set is closed over them: the back edge moves all of them at once.
  const changes = (r: Ref): boolean => !isConstRef(r) && r < end && S(r) !== r;
  const carriedSet = new Set([...readByBody].filter(changes));
  for (let work = [...carriedSet]; work.length > 0; ) {
    const right = S(work.pop()!);
    if (changes(right) && !carriedSet.has(right)) {
      carriedSet.add(right);
      work.push(right);
    }
  }
  const carried = [...carriedSet].sort((x, y) => y - x);
  for (const left of carried) b.phi(left, S(left));
  if (insIndex(b.nextRef) > 0xffff) throw new IrValidationError(traceLocation(trace.number), 'trace too long after the LOOP pass');
  return { ...b.finish(trace.link.kind, trace.link.target), ...(trace.spadjust !== undefined ? { spadjust: trace.spadjust } : {}) };
}

/**
 * A table read of the pre-roll (an ALOAD or HLOAD, a tab_get call with its XLOAD, or an FLOAD
 * of a header field) whose copy the body would not need: the value an earlier access of the same
 * table and key, in the body so far or the pre-roll, leaves (table-forward.ts).
 */
function forwardedRead(trace: Trace, i: number, b: TraceBuilder, S: (ref: Ref) => Ref): { value: Ref; xload?: Ref } | undefined {
  const ins = trace.ins[i];
  if (ins.op === 'FLOAD') {
    const value = b.forwarding.field(S(ins.op1), ins.op2);
    return value === undefined ? undefined : { value };
  }
  if (ins.op === 'ALOAD' || ins.op === 'HLOAD') {
    const slot = b.forwarding.slotKey(S(ins.op1));
    const value = slot && b.forwarding.value(slot[0], slot[1], ins.type);
    return value === undefined ? undefined : { value };
  }
  const name = ins.op === 'CALLL' ? HELPERS[ins.op2]?.name : undefined;
  if (name !== 'tab_get') return undefined;
  const xloadAt = trace.ins.findIndex((x, j) => j > i && x.op === 'XLOAD' && x.op1 === insRef(i));
  if (xloadAt < 0) return undefined;
  const type = trace.ins[xloadAt].type;
  const args = callArguments(trace, ins.op1).map(S);
  const value = b.forwarding.value(args[0], args[1], type);
  return value === undefined ? undefined : { value, xload: insRef(xloadAt) };
}
