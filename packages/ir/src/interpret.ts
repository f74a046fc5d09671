// The reference IR interpreter: runs a trace set over a Lua stack of GC64 TValues the way the
// compiled code would — guards exit through the snapshot in force, exits either restore the
// snapshot into the stack or (when patched) enter a side trace with the parent's values, loops
// iterate through PHIs, tails sync the last snapshot and follow the link. It yields a
// deterministic event list and the final stack; it is the semantic oracle for the backend.

import { isNumberWords, itypeOf, numberWords, wordsToNumber, type TValueWords } from '@tracesim/machine';
import { checkedNumToInt, evalAbs, evalArith, evalBitop, evalCompare, evalFpmath, evalInt64Arith, evalInt64Compare, evalNeg, numToInt64, truncateToInt } from './arith';
import { HELPERS, type HelperState } from './calls';
import { gcHandle } from './constants';
import { IrRuntimeError, IrStepBudgetError, snapshotLocation, traceLocation } from './errors';
import { decodeConv, FPMATH_NAMES, IRFL_NAMES, SLOAD, TOSTR_MODES } from './literals';
import { StringModel } from './string-model';
import { TableMemoryModel, type TableContents } from './table-memory';
import { ARITH_OPS, COMPARISON_OPS, opInfo, type ArithOp, type ComparisonOp } from './opcodes';
import { callArguments, findTrace, sideTraceAt, snapshotInForce } from './queries';
import { constIndex, insIndex, insRef, isConstRef, REF_BASE, type Ref } from './refs';
import { SNAP_FLAGS, type IRConst, type LinkKind, type Scenario, type Trace, type TraceSet } from './trace';
import { isNumericType, isTaggedType, itypeOfType, type IRTypeName } from './types';
import { gcValueWords, luaValueWords, rawWords, wordsToBits } from './values';

export interface RestoredSlot {
  /** Snapshot slot number (relative to BASE at the exit: stack index base - 2 + slot). */
  readonly slot: number;
  /** Absolute stack index written. */
  readonly index: number;
  readonly words: TValueWords;
}

export type RunEvent =
  /** The interpreter enters a trace (scenario `enter`). */
  | { readonly kind: 'enter'; readonly trace: number }
  /** A guard failed; its snapshot was restored and control went back to the interpreter. */
  | { readonly kind: 'exit'; readonly trace: number; readonly exit: number; readonly count: number; readonly restored: readonly RestoredSlot[]; readonly base: number }
  /** A guard failed at an exit that has a side trace: the side trace runs with the parent's values. */
  | { readonly kind: 'side'; readonly trace: number; readonly exit: number; readonly count: number; readonly side: number }
  /** The trace ended: its last snapshot was synced and it jumped to another trace (or itself). */
  | { readonly kind: 'link'; readonly trace: number; readonly link: LinkKind; readonly to: number; readonly restored: readonly RestoredSlot[]; readonly base: number }
  /** The trace ended with link 0: last snapshot synced, back to the interpreter. */
  | { readonly kind: 'interpreter'; readonly trace: number; readonly link: LinkKind; readonly restored: readonly RestoredSlot[]; readonly base: number };

export interface RunResult {
  readonly events: readonly RunEvent[];
  readonly stack: readonly TValueWords[];
  readonly base: number;
  readonly steps: number;
  /** The scenario tables' array parts after the run (ASTORE writes them). */
  readonly tables: readonly TableContents[];
}

/** A runtime value: int/num as numbers, tagged values as TValue words, pointers and 64-bit ints as bigints. */
type RtValue = number | TValueWords | bigint;

interface Typed {
  readonly type: IRTypeName;
  readonly value: RtValue;
}

type TraceOutcome = { readonly kind: 'exit'; readonly exit: number; readonly values: (RtValue | undefined)[] } | { readonly kind: 'tail'; readonly values: (RtValue | undefined)[] };

class Guard {
  constructor(readonly ref: Ref) {}
}

class Interpreter {
  readonly events: RunEvent[] = [];
  readonly stack: TValueWords[];
  base: number;
  steps = 0;
  private readonly counts = new Map<string, number>();
  private readonly helperState: HelperState = { ticks: 0 };
  private readonly strings: StringModel;
  readonly tables: TableMemoryModel;

  constructor(
    private readonly set: TraceSet,
    private readonly scenario: Scenario,
  ) {
    this.stack = Array.from({ length: scenario.stackSlots }, () => luaValueWords({ kind: 'nil' }));
    this.base = scenario.base;
    for (const s of scenario.slots) this.stack[this.index(s.slot, 'scenario')] = luaValueWords(s.value);
    this.strings = StringModel.forRun(set, scenario);
    this.tables = new TableMemoryModel(scenario.tables ?? []);
  }

  private trace(n: number, from: string): Trace {
    const t = findTrace(this.set, n);
    if (!t) throw new IrRuntimeError(from, `trace ${n} is not in the trace set`);
    return t;
  }

  private index(slot: number, where: string): number {
    const i = this.base - 2 + slot;
    if (i < 0 || i >= this.stack.length) throw new IrRuntimeError(where, `slot #${slot} (stack index ${i}) is outside the Lua stack of ${this.stack.length} slots`);
    return i;
  }

  run(): void {
    const sc = this.scenario;
    for (let entry = 0; entry < sc.times; entry++) {
      this.base = sc.base;
      this.events.push({ kind: 'enter', trace: sc.enter });
      if (this.runFrom(this.trace(sc.enter, 'scenario'))) return;
    }
  }

  /** Runs until control returns to the interpreter; true when the scenario's `until` exit was hit. */
  private runFrom(first: Trace): boolean {
    let cur = first;
    let inherited: Map<number, Typed> | undefined;
    for (;;) {
      const out = this.runTrace(cur, inherited);
      if (out.kind === 'exit') {
        const key = `${cur.number}/${out.exit}`;
        const count = (this.counts.get(key) ?? 0) + 1;
        this.counts.set(key, count);
        const side = sideTraceAt(this.set, cur.number, out.exit);
        const hit = this.scenario.until?.trace === cur.number && this.scenario.until.exit === out.exit;
        if (side) {
          this.events.push({ kind: 'side', trace: cur.number, exit: out.exit, count, side: side.number });
          if (hit) return true;
          inherited = this.snapshotValues(cur, out.exit, out.values);
          cur = side;
          continue;
        }
        const restored = this.restore(cur, out.exit, out.values);
        this.events.push({ kind: 'exit', trace: cur.number, exit: out.exit, count, restored, base: this.base });
        return hit;
      }
      const last = cur.snapshots.length - 1;
      const restored = last >= 0 ? this.restore(cur, last, out.values) : [];
      if (cur.link.target === 0) {
        this.events.push({ kind: 'interpreter', trace: cur.number, link: cur.link.kind, restored, base: this.base });
        return false;
      }
      this.events.push({ kind: 'link', trace: cur.number, link: cur.link.kind, to: cur.link.target, restored, base: this.base });
      cur = this.trace(cur.link.target, traceLocation(cur.number));
      inherited = undefined;
    }
  }

  private constValue(trace: Trace, k: IRConst, ref: Ref): RtValue {
    switch (k.op) {
      case 'KINT':
      case 'KNUM':
        return k.value;
      case 'KPRI':
        return luaValueWords({ kind: k.type === 'nil' ? 'nil' : k.type === 'fal' ? 'false' : 'true' });
      case 'KGC':
        return isTaggedType(k.type) ? gcValueWords(k.type, k.text) : BigInt(gcHandle(k.text));
      case 'KPTR':
      case 'KKPTR':
        return k.address;
      case 'KNULL':
        return 0n;
      case 'KINT64':
        return k.value;
      case 'KSLOT':
        throw new IrRuntimeError(traceLocation(trace.number, ref), 'KSLOT constants are not modelled');
    }
  }

  private typedValue(trace: Trace, ref: Ref, values: (RtValue | undefined)[]): Typed {
    if (ref === REF_BASE) return unmodelled(traceLocation(trace.number), 'the BASE pointer as a value (ref 0000)');
    if (isConstRef(ref)) {
      const k = trace.consts[constIndex(ref)];
      return { type: k.type, value: this.constValue(trace, k, ref) };
    }
    const v = values[insIndex(ref)];
    if (v === undefined) throw new IrRuntimeError(traceLocation(trace.number, ref), 'value used before it was computed');
    return { type: trace.ins[insIndex(ref)].type, value: v };
  }

  private snapshotValues(trace: Trace, snapNo: number, values: (RtValue | undefined)[]): Map<number, Typed> {
    const m = new Map<number, Typed>();
    for (const e of trace.snapshots[snapNo].entries) m.set(e.slot, this.typedValue(trace, e.ref, values));
    return m;
  }

  private toWords(trace: Trace, ref: Ref, t: Typed): TValueWords {
    if (t.type === 'int' || t.type === 'num') return numberWords(t.value as number);
    if (typeof t.value === 'bigint') return rawWords(t.value);
    if (typeof t.value === 'object') return t.value;
    throw new IrRuntimeError(traceLocation(trace.number, ref), `cannot store a ${t.type} value in a stack slot`);
  }

  private restore(trace: Trace, snapNo: number, values: (RtValue | undefined)[]): RestoredSlot[] {
    const snap = trace.snapshots[snapNo];
    const where = snapshotLocation(trace.number, snapNo);
    const restored: RestoredSlot[] = [];
    for (const e of snap.entries) {
      if (e.flags & SNAP_FLAGS.NORESTORE) continue;
      const words = this.toWords(trace, e.ref, this.typedValue(trace, e.ref, values));
      const index = this.index(e.slot, where);
      this.stack[index] = words;
      restored.push({ slot: e.slot, index, words });
    }
    this.base += snap.baseAdjust;
    return restored;
  }

  private runTrace(trace: Trace, inherited: Map<number, Typed> | undefined): TraceOutcome {
    const values: (RtValue | undefined)[] = new Array(trace.ins.length);
    const loopIndex = trace.ins.findIndex((i) => i.op === 'LOOP');
    let i = 0;
    for (;;) {
      if (++this.steps > this.scenario.budget) {
        throw new IrStepBudgetError(traceLocation(trace.number, insRef(Math.min(i, trace.ins.length - 1))), `step budget of ${this.scenario.budget} IR instructions used up`);
      }
      if (i >= trace.ins.length) {
        if (loopIndex < 0) return { kind: 'tail', values };
        // Back-edge: every PHI's left value takes its right value, all at once.
        const phis = trace.ins.filter((x) => x.op === 'PHI');
        const next = phis.map((p) => this.typedValue(trace, p.op2, values).value);
        phis.forEach((p, k) => (values[insIndex(p.op1)] = next[k]));
        i = loopIndex + 1;
        continue;
      }
      try {
        values[i] = this.exec(trace, i, values, inherited);
      } catch (e) {
        if (!(e instanceof Guard)) throw e;
        const exit = snapshotInForce(trace, e.ref);
        if (exit === undefined) throw new IrRuntimeError(traceLocation(trace.number, e.ref), 'guard failed with no snapshot in force');
        return { kind: 'exit', exit, values };
      }
      i++;
    }
  }

  private exec(trace: Trace, i: number, values: (RtValue | undefined)[], inherited: Map<number, Typed> | undefined): RtValue | undefined {
    const ins = trace.ins[i];
    const ref = insRef(i);
    const where = traceLocation(trace.number, ref);
    const val = (r: Ref): RtValue => this.typedValue(trace, r, values).value;
    const num = (r: Ref): number => {
      const v = val(r);
      if (typeof v !== 'number') throw new IrRuntimeError(where, `operand ${r} is not a number`);
      return v;
    };
    const int64 = (r: Ref): bigint => {
      const v = val(r);
      if (typeof v !== 'bigint') throw new IrRuntimeError(where, `operand ${r} is not a 64-bit integer`);
      return v;
    };
    const { op, type } = ins;
    if ((ARITH_OPS as readonly string[]).includes(op) && (type === 'i64' || type === 'u64')) {
      return evalInt64Arith(op as ArithOp, type, int64(ins.op1), int64(ins.op2)) ?? unmodelled(where, `${type} ${op}`);
    }
    if ((ARITH_OPS as readonly string[]).includes(op) && isNumericType(type)) {
      const r = evalArith(op as ArithOp, type, num(ins.op1), num(ins.op2));
      if ('value' in r) return r.value;
      if ('overflow' in r) throw new Guard(ref);
      throw new IrRuntimeError(where, r.error);
    }
    if ((COMPARISON_OPS as readonly string[]).includes(op)) {
      const holds = isNumericType(type)
        ? evalCompare(op as ComparisonOp, type, num(ins.op1), num(ins.op2))
        : type === 'i64' || type === 'u64'
          ? evalInt64Compare(op as ComparisonOp, int64(ins.op1), int64(ins.op2))
          : op === 'EQ' || op === 'NE'
          ? sameBits(val(ins.op1), val(ins.op2)) === (op === 'EQ')
          : unmodelled(where, `${type} ${op}`);
      if (!holds) throw new Guard(ref);
      return undefined;
    }
    switch (op) {
      case 'NOP':
      case 'CARG':
      case 'USE':
      case 'PHI':
      case 'LOOP':
        return undefined;
      case 'NEG':
      case 'ABS':
        if (!isNumericType(type)) return unmodelled(where, `${type} ${op}`);
        return op === 'NEG' ? evalNeg(type, num(ins.op1)) : evalAbs(type, num(ins.op1));
      case 'SLOAD':
        return this.sload(trace, ins.op1, ins.op2, type, ins.guard, ref, inherited);
      case 'CONV': {
        const c = decodeConv(ins.op2);
        if (c.dst === 'num' && c.src === 'int') return num(ins.op1);
        if (c.dst === 'int' && c.src === 'num') {
          if (c.check === 'check' || c.check === 'index') {
            const r = checkedNumToInt(num(ins.op1));
            if (r === undefined) throw new Guard(ref);
            return r;
          }
          return truncateToInt(num(ins.op1));
        }
        if ((c.dst === 'i64' || c.dst === 'u64') && c.src === 'int') return BigInt(num(ins.op1));
        if (c.dst === 'i64' && c.src === 'num') return numToInt64(num(ins.op1));
        return unmodelled(where, `CONV ${c.dst}.${c.src}`);
      }
      case 'FPMATH': {
        const r = type === 'num' ? evalFpmath(FPMATH_NAMES[ins.op2], num(ins.op1)) : undefined;
        return r === undefined ? unmodelled(where, `FPMATH ${FPMATH_NAMES[ins.op2] ?? ins.op2}`) : r;
      }
      case 'RETF':
        return this.retf(trace, ins.op2, ref);
      case 'FLOAD':
        return this.fload(val(ins.op1), ins.op2, type, where);
      case 'AREF':
        return pointer(val(ins.op1)) + 8n * BigInt(num(ins.op2));
      case 'HREFK': {
        const k = trace.consts[constIndex(ins.op2)];
        if (k?.op !== 'KSLOT') throw new IrRuntimeError(where, 'HREFK needs a KSLOT constant (key @slot) as operand 2');
        const node = this.tables.nodeWithKey(Number(pointer(val(ins.op1))), k.slot, this.storedWords(trace, k.key, values), where);
        if (node === undefined) throw new Guard(ref);
        return BigInt(node);
      }
      case 'HREF':
        return BigInt(this.tables.hashLookup(words(val(ins.op1)).lo, this.storedWords(trace, ins.op2, values), where));
      case 'TBAR':
        // The collectors tracesim models stop the world: no barrier has work to do.
        return undefined;
      case 'ALOAD':
      case 'HLOAD':
        return this.typedWords(this.tables.load(Number(pointer(val(ins.op1))), op, where), type, ins.guard, false, ref, where);
      case 'ASTORE':
      case 'HSTORE':
        this.tables.store(Number(pointer(val(ins.op1))), this.storedWords(trace, ins.op2, values), op, where);
        return undefined;
      case 'BUFHDR':
        return this.strings.reset(pointer(val(ins.op1)));
      case 'BUFPUT':
        return this.strings.put(pointer(val(ins.op1)), wordsToBits(words(val(ins.op2))), where);
      case 'BUFSTR':
        return this.strings.toString(pointer(val(ins.op1)), where);
      case 'TOSTR':
        return ins.op2 === TOSTR_MODES.indexOf('INT') ? this.strings.fromInt(num(ins.op1)) : this.strings.fromNumber(num(ins.op1));
      case 'CALLN':
      case 'CALLL':
      case 'CALLS': {
        const helper = HELPERS[ins.op2];
        if (!helper?.run) return unmodelled(where, `helper ${helper?.name ?? ins.op2}`);
        const args = callArguments(trace, ins.op1).map(num);
        return helper.run(args, this.helperState);
      }
      default: {
        const r = type === 'int' ? evalBitop(op, num(ins.op1), opInfo(op).op2 === 'ref' ? num(ins.op2) : 0) : undefined;
        return r === undefined ? unmodelled(where, `${type} ${op}`) : r;
      }
    }
  }

  private sload(trace: Trace, slot: number, mode: number, type: IRTypeName, guard: boolean, ref: Ref, inherited: Map<number, Typed> | undefined): RtValue {
    const where = traceLocation(trace.number, ref);
    const parentValue = mode & SLOAD.P ? inherited?.get(slot) : undefined;
    if (parentValue) return parentValue.value;
    // A guarded converting SLOAD checks that the number is an exact int32 (asm_sload tointg).
    return this.typedWords(this.stack[this.index(slot, where)], type, (mode & SLOAD.T) !== 0, guard && (mode & SLOAD.C) !== 0, ref, where);
  }

  /** A TValue loaded as `type` (SLOAD, ALOAD): optionally type-checked, optionally converted to an exact int. */
  private typedWords(w: TValueWords, type: IRTypeName, checked: boolean, exactInt: boolean, ref: Ref, where: string): RtValue {
    if (type === 'num' || type === 'int') {
      if (checked && !isNumberWords(w)) throw new Guard(ref);
      const n = wordsToNumber(w);
      if (type === 'num') return n;
      if (exactInt) {
        const i = checkedNumToInt(n);
        if (i === undefined) throw new Guard(ref);
        return i;
      }
      return truncateToInt(n);
    }
    if (isTaggedType(type)) {
      if (checked && (isNumberWords(w) || itypeOf(w) !== itypeOfType(type))) throw new Guard(ref);
      return w;
    }
    return unmodelled(where, `${type} load`);
  }

  /** The TValue a store writes for `ref`: numbers (int ones too) as doubles, tagged values as they are. */
  private storedWords(trace: Trace, ref: Ref, values: (RtValue | undefined)[]): TValueWords {
    const { type, value } = this.typedValue(trace, ref, values);
    if (typeof value === 'number') return numberWords(value);
    if (typeof value === 'bigint') return rawWords(value);
    return isNumericType(type) ? numberWords(wordsToNumber(value)) : value;
  }

  /** FLOAD tab.asize / tab.hmask / tab.array / tab.node / tab.meta: the scenario's header for the table's handle; str.len: the string's length. */
  private fload(table: RtValue, field: number, type: IRTypeName, where: string): RtValue {
    const name = IRFL_NAMES[field];
    if (name === 'str.len' && type === 'int' && typeof table === 'object') return this.strings.length(wordsToBits(table), where);
    const typed = (name === 'tab.asize' || name === 'tab.hmask') ? type === 'int' : name === 'tab.meta' ? type === 'tab' : (name === 'tab.array' || name === 'tab.node') && type === 'p64';
    if (typeof table !== 'object' || !typed) return unmodelled(where, `${type} FLOAD ${name}`);
    return this.tables.field(table.lo, name as 'tab.asize', where);
  }

  private retf(trace: Trace, pcRef: Ref, ref: Ref): undefined {
    const where = traceLocation(trace.number, ref);
    const k = trace.consts[constIndex(pcRef)];
    if (k?.op !== 'KPTR') throw new IrRuntimeError(where, 'RETF needs a return-PC pointer constant');
    const link = this.stack[this.index(1, where)];
    if (wordsToBits(link) !== k.address) throw new Guard(ref);
    const site = this.set.returnSites.find((s) => s.pc === k.address);
    if (!site) throw new IrRuntimeError(where, `no return site for [0x${k.address.toString(16)}]: add \`retpc [0x${k.address.toString(16)}] delta N\` to the scenario`);
    this.base -= site.delta;
    return undefined;
  }
}

/** A buffer pointer (a p64 value). */
function pointer(v: RtValue): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number') return BigInt(v);
  return wordsToBits(v);
}

function words(v: RtValue): TValueWords {
  return typeof v === 'object' ? v : { lo: 0, hi: 0 };
}

/** EQ/NE of tagged values: bit equality, with NULL (KNULL, 0n) equal to all-zero words only. */
function sameBits(a: RtValue, b: RtValue): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return pointer(a) === pointer(b);
}

function unmodelled(where: string, what: string): never {
  throw new IrRuntimeError(where, `${what} is not modelled by the reference interpreter`);
}

/** Runs the scenario (by default the trace set's own) and returns the events and final stack. */
export function runTraceSet(set: TraceSet, scenario: Scenario | undefined = set.scenario): RunResult {
  if (!scenario) throw new IrRuntimeError('scenario', 'the trace set has no scenario to run');
  const m = new Interpreter(set, scenario);
  m.run();
  return { events: m.events, stack: m.stack, base: m.base, steps: m.steps, tables: m.tables.contents() };
}
