// fast-check arbitraries for random VALID trace sets: int/num arithmetic (FPMATH floor, ceil,
// trunc and sqrt included), i64 arithmetic and conversions feeding signed and unsigned
// 64-bit guards, guards with snapshots, loops with PHIs, side traces attached to random exits of the root, and an initial Lua stack.
// A `TraceRecipe` is the random choice; `buildTraceSet` turns it into IR with the TraceBuilder,
// with folding/CSE on or off, so the same recipe can be compared both ways.

import fc from 'fast-check';
import {
  constIndex,
  FPMATH_NAMES,
  insIndex,
  isConstRef,
  SLOAD,
  TraceBuilder,
  type ArithOp,
  type ComparisonOp,
  type FpmathName,
  type LuaValue,
  type Ref,
  type SnapEntry,
  type Trace,
  type TraceSet,
} from '@tracesim/ir';

const NUM_OPS = ['ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'MIN', 'MAX', 'NEG', 'ABS', 'floor', 'ceil', 'trunc', 'sqrt'] as const;
/** The FPMATH functions among NUM_OPS (lower case, as FPMATH's op2 names them). */
const FPMATH_OPS: ReadonlySet<string> = new Set(['floor', 'ceil', 'trunc', 'sqrt']);
const INT_OPS = ['ADD', 'SUB', 'MUL', 'MIN', 'MAX', 'ADDOV', 'SUBOV', 'MULOV'] as const;
const CMP_OPS = ['LT', 'GE', 'LE', 'GT', 'ULT', 'UGE', 'ULE', 'UGT', 'EQ', 'NE'] as const;
export const NUM_CONSTANTS = [0, -0, 1, -1, 0.5, 3, 1e300, -1e-300, Infinity, NaN] as const;
export const INT_CONSTANTS = [0, 1, -1, 2, 7, 1000, 0x7fffffff, -0x80000000] as const;
const INT64_OPS = ['ADD', 'SUB', 'MUL'] as const;
export const INT64_CONSTANTS = [0n, 1n, -1n, 3n, (1n << 63n) - 1n, -(1n << 63n), 1n << 32n, 6364136223846793005n] as const;

export type OpRecipe =
  | { readonly k: 'num'; readonly op: (typeof NUM_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'int'; readonly op: (typeof INT_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'tonum'; readonly a: number }
  | { readonly k: 'toint'; readonly a: number }
  | { readonly k: 'i64'; readonly op: (typeof INT64_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'toi64'; readonly from: 'int' | 'num'; readonly a: number }
  | { readonly k: 'call'; readonly helper: 'lj_vm_floor' | 'pow' | 'tracesim_tick'; readonly a: number; readonly b: number }
  | {
      readonly k: 'guard';
      readonly op: ComparisonOp;
      readonly type: 'int' | 'num' | 'i64';
      readonly a: number;
      readonly b: number;
      readonly konst: number | null;
      readonly snap: readonly (readonly [number, number])[];
    };

export interface SideRecipe {
  readonly exit: number;
  readonly ops: readonly OpRecipe[];
  readonly toRoot: boolean;
  readonly tail: readonly (readonly [number, number])[];
}

export interface TraceRecipe {
  /** Initial values of slots #3.. (slot #2 is the loop counter). */
  readonly slots: readonly LuaValue[];
  readonly counter: number;
  readonly limit: number;
  readonly pre: readonly OpRecipe[];
  readonly loop: { readonly body: readonly OpRecipe[]; readonly carried: number } | null;
  /** Without a LOOP: the root either links to itself through its tail or returns to the interpreter. */
  readonly selfLink: boolean;
  readonly tail: readonly (readonly [number, number])[];
  readonly sides: readonly SideRecipe[];
  readonly times: number;
}

const pick = fc.nat({ max: 1000 });
const snapPicks = fc.array(fc.tuple(pick, pick), { maxLength: 5 });

const opRecipe: fc.Arbitrary<OpRecipe> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('num' as const), op: fc.constantFrom(...NUM_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: NUM_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('int' as const), op: fc.constantFrom(...INT_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: INT_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tonum' as const), a: pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('toint' as const), a: pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('i64' as const), op: fc.constantFrom(...INT64_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: INT64_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('toi64' as const), from: fc.constantFrom('int' as const, 'num' as const), a: pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('call' as const), helper: fc.constantFrom('lj_vm_floor' as const, 'pow' as const, 'tracesim_tick' as const), a: pick, b: pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('guard' as const),
      op: fc.constantFrom(...CMP_OPS),
      type: fc.constantFrom('int' as const, 'num' as const, 'i64' as const),
      a: pick,
      b: pick,
      konst: fc.option(fc.nat({ max: 7 }), { freq: 2 }),
      snap: snapPicks,
    }),
  },
);

const slotValue: fc.Arbitrary<LuaValue> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...NUM_CONSTANTS, 2.25, -7, 123456789).map((value): LuaValue => ({ kind: 'num', value })) },
  { weight: 4, arbitrary: fc.double({ noNaN: false }).map((value): LuaValue => ({ kind: 'num', value })) },
  { weight: 1, arbitrary: fc.constant<LuaValue>({ kind: 'gc', type: 'str', text: '"s"' }) },
  { weight: 1, arbitrary: fc.constant<LuaValue>({ kind: 'nil' }) },
);

export const traceRecipe: fc.Arbitrary<TraceRecipe> = fc.record({
  slots: fc.array(slotValue, { minLength: 1, maxLength: 5 }),
  counter: fc.integer({ min: -3, max: 5 }),
  limit: fc.integer({ min: 0, max: 12 }),
  pre: fc.array(opRecipe, { maxLength: 10 }),
  loop: fc.option(fc.record({ body: fc.array(opRecipe, { maxLength: 10 }), carried: fc.nat({ max: 3 }) }), { freq: 2 }),
  selfLink: fc.boolean(),
  tail: snapPicks,
  sides: fc.array(
    fc.record({ exit: pick, ops: fc.array(opRecipe, { maxLength: 6 }), toRoot: fc.boolean(), tail: snapPicks }),
    { maxLength: 3 },
  ),
  times: fc.integer({ min: 1, max: 2 }),
});

interface Pools {
  nums: Ref[];
  ints: Ref[];
  /** i64 and u64 values (they feed guards only: no Lua slot holds them). */
  int64s: Ref[];
  /** Slot → value written by this trace so far (for snapshots). */
  slots: Map<number, Ref>;
}

function at<T>(list: readonly T[], i: number): T | undefined {
  return list.length ? list[i % list.length] : undefined;
}

function emitOps(b: TraceBuilder, ops: readonly OpRecipe[], p: Pools, nslots: number): void {
  for (const o of ops) {
    switch (o.k) {
      case 'num': {
        const a = at(p.nums, o.a);
        const c = o.konst === null ? at(p.nums, o.b) : b.knum(NUM_CONSTANTS[o.konst]);
        if (a === undefined || c === undefined) break;
        if (FPMATH_OPS.has(o.op)) p.nums.push(b.emit('FPMATH', 'num', a, FPMATH_NAMES.indexOf(o.op as FpmathName))!);
        else p.nums.push(o.op === 'NEG' || o.op === 'ABS' ? b.arith(o.op, 'num', a) : b.arith(o.op as ArithOp, 'num', a, c));
        break;
      }
      case 'int': {
        const a = at(p.ints, o.a);
        const c = o.konst === null ? at(p.ints, o.b) : b.kint(INT_CONSTANTS[o.konst]);
        if (a === undefined || c === undefined) break;
        p.ints.push(b.arith(o.op, 'int', a, c));
        break;
      }
      case 'tonum': {
        const a = at(p.ints, o.a);
        if (a !== undefined) p.nums.push(b.conv('num', 'int', a));
        break;
      }
      case 'toint': {
        const a = at(p.nums, o.a);
        if (a !== undefined) p.ints.push(b.conv('int', 'num', a, 'check'));
        break;
      }
      case 'i64': {
        // i64 only: u64 ADD, SUB and MUL are the same code, and the U guards compare unsigned.
        const a = at(p.int64s, o.a);
        const c = o.konst === null ? at(p.int64s, o.b) : b.kint64(INT64_CONSTANTS[o.konst], 'i64');
        if (a !== undefined && c !== undefined) p.int64s.push(b.emit(o.op, 'i64', a, c)!);
        break;
      }
      case 'toi64': {
        const a = at(o.from === 'int' ? p.ints : p.nums, o.a);
        if (a !== undefined) p.int64s.push(b.conv('i64', o.from, a, ''));
        break;
      }
      case 'call': {
        if (o.helper === 'tracesim_tick') p.ints.push(b.call('tracesim_tick', []));
        else {
          const a = at(p.nums, o.a);
          const c = at(p.nums, o.b);
          if (a === undefined || c === undefined) break;
          p.nums.push(b.call(o.helper, o.helper === 'pow' ? [a, c] : [a]));
        }
        break;
      }
      case 'guard': {
        const pool = o.type === 'int' ? p.ints : o.type === 'i64' ? p.int64s : p.nums;
        const a = at(pool, o.a);
        const k = o.konst === null ? undefined : o.type === 'int' ? b.kint(INT_CONSTANTS[o.konst]) : o.type === 'i64' ? b.kint64(INT64_CONSTANTS[o.konst], 'i64') : b.knum(NUM_CONSTANTS[o.konst]);
        const c = k ?? at(pool, o.b);
        if (a === undefined || c === undefined) break;
        takeSnapshot(b, o.snap, p, nslots);
        b.guard(o.op, o.type, a, c);
        break;
      }
    }
  }
}

/** A snapshot of everything written so far plus a few random slot updates. */
function takeSnapshot(b: TraceBuilder, picks: readonly (readonly [number, number])[], p: Pools, nslots: number): void {
  for (const [s, v] of picks) {
    const values = [...p.nums, ...p.ints];
    const ref = at(values, v);
    if (ref !== undefined) p.slots.set(3 + (s % (nslots - 3)), ref);
  }
  const entries: Omit<SnapEntry, 'flags'>[] = [...p.slots].map(([slot, ref]) => ({ slot, ref }));
  b.snapshot(entries, { nslots });
}

function buildRoot(r: TraceRecipe, options: { fold: boolean; cse: boolean }): Trace {
  const b = new TraceBuilder({ number: 1, start: { kind: 'root' }, location: 'random.lua:1' }, options);
  const nslots = 3 + r.slots.length;
  b.snapshot([], { nslots });
  const counter = b.sload(2, 'int', SLOAD.C | SLOAD.I);
  const p: Pools = { nums: [], ints: [counter], int64s: [], slots: new Map() };
  r.slots.forEach((_, k) => p.nums.push(b.sload(3 + k, 'num', SLOAD.T)));
  const loads = p.nums.slice();
  emitOps(b, r.pre, p, nslots);
  const next = b.arith('ADD', 'int', counter, b.kint(1));
  p.slots.set(2, next);
  takeSnapshot(b, [], p, nslots);
  b.guard('LE', 'int', next, b.kint(r.limit));
  if (r.loop) {
    // Carried values: the counter and some of the loaded numbers; the body recomputes them.
    const carried = loads.slice(0, r.loop.carried);
    takeSnapshot(b, [], p, nslots);
    b.loop();
    emitOps(b, r.loop.body, p, nslots);
    const next2 = b.arith('ADD', 'int', next, b.kint(1));
    const updates = carried.map((v, k) => b.arith('ADD', 'num', v, at(p.nums, k + p.nums.length - 1)!));
    p.slots.set(2, next2);
    takeSnapshot(b, [], p, nslots);
    b.guard('LE', 'int', next2, b.kint(r.limit));
    b.phi(next, next2);
    carried.forEach((v, k) => b.phi(v, updates[k]));
    return b.finish('loop');
  }
  takeSnapshot(b, r.tail, p, nslots);
  return r.selfLink ? b.finish('loop') : b.finish('interpreter');
}

function buildSide(number: number, root: Trace, s: SideRecipe, nslots: number, options: { fold: boolean; cse: boolean }): Trace {
  const exit = s.exit % root.snapshots.length;
  const b = new TraceBuilder({ number, start: { kind: 'side', parent: root.number, exit }, location: 'random.lua:2' }, options);
  const parentSnap = root.snapshots[exit];
  const p: Pools = { nums: [], ints: [], int64s: [], slots: new Map() };
  for (const e of parentSnap.entries) {
    if (isConstRef(e.ref)) {
      p.slots.set(e.slot, b.constant(root.consts[constIndex(e.ref)]));
      continue;
    }
    const type = root.ins[insIndex(e.ref)].type;
    const ref = b.sload(e.slot, type, SLOAD.P | SLOAD.I);
    (type === 'int' ? p.ints : p.nums).push(ref);
    p.slots.set(e.slot, ref);
  }
  b.snapshot([...p.slots].map(([slot, ref]) => ({ slot, ref })), { nslots });
  for (let slot = 2; slot < nslots; slot++) {
    if (parentSnap.entries.some((e) => e.slot === slot)) continue;
    if (slot === 2) p.ints.push(b.sload(2, 'int', SLOAD.C));
    else p.nums.push(b.sload(slot, 'num', SLOAD.T));
  }
  emitOps(b, s.ops, p, nslots);
  if (s.toRoot) {
    // Advance the counter so that linking back to the root makes progress.
    const counter = p.slots.get(2) !== undefined && b.typeOf(p.slots.get(2)!) === 'int' ? p.slots.get(2)! : p.ints[0];
    if (counter !== undefined) p.slots.set(2, b.arith('ADD', 'int', counter, b.kint(1)));
  }
  takeSnapshot(b, s.tail, p, nslots);
  return s.toRoot ? b.finish('root', root.number) : b.finish('interpreter');
}

/** Builds the trace set a recipe describes. */
export function buildTraceSet(r: TraceRecipe, options: { fold: boolean; cse: boolean } = { fold: true, cse: true }): TraceSet {
  const root = buildRoot(r, options);
  const nslots = 3 + r.slots.length;
  const sides: Trace[] = [];
  const used = new Set<number>();
  for (const s of r.sides) {
    const exit = s.exit % root.snapshots.length;
    if (used.has(exit)) continue;
    used.add(exit);
    sides.push(buildSide(2 + sides.length, root, s, nslots, options));
  }
  return {
    traces: [root, ...sides],
    returnSites: [],
    scenario: {
      stackSlots: 32,
      base: 2,
      slots: [{ slot: 2, value: { kind: 'num', value: r.counter } }, ...r.slots.map((value, k) => ({ slot: 3 + k, value }))],
      enter: 1,
      times: r.times,
      budget: 5000,
    },
  };
}

/** Random valid trace sets (fold and CSE on). */
export const arbitraryTraceSet: fc.Arbitrary<TraceSet> = traceRecipe.map((r) => buildTraceSet(r));
