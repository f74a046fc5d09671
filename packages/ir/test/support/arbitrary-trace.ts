// fast-check arbitraries for random VALID trace sets: int/num arithmetic (FPMATH floor, ceil,
// trunc and sqrt included), i64 arithmetic and conversions feeding signed and unsigned
// 64-bit guards, guards with snapshots, loops with PHIs, side traces attached to random exits of the root, and an initial Lua stack.
// Tables in slots (or as constants) have their sizes read by FLOAD tab.asize/tab.hmask, which
// feed ints and the bounds checks rec_idx_key emits (ABC, ULE, EQ on the hash mask); a table
// with an array part has its slots loaded (ALOAD, type-guarded) and stored (ASTORE) through
// FLOAD tab.array and AREF, at a constant index or at an int the ABC before it bounds; one with a
// hash part has its nodes reached by FLOAD tab.node and HREFK (guarded to find the constant key
// there, which it may not), or by HREF of a string key it may hold or a number key it lacks
// (guarded EQ or NE niltv, either of which may exit), then loaded (HLOAD) and stored (HSTORE).
// Each node's key is one whose main position (its hash masked with hmask) is that node.
// Concatenations as rec_cat records them (TOSTR of numbers, BUFHDR, BUFPUT per piece, BUFSTR)
// make strings that EQ/NE guards compare with constants and with each other, and whose lengths
// FLOAD str.len reads from their GCstr headers.
// A `TraceRecipe` is the random choice; `buildTraceSet` turns it into IR with the TraceBuilder,
// with folding/CSE on or off, so the same recipe can be compared both ways.

import fc from 'fast-check';
import { DISPATCH, DISPATCH_OFFSETS, NILTV, REGIONS, stringHash } from '@tracesim/machine';
import {
  BUFHDR_MODES,
  TOSTR_MODES,
  constIndex,
  FPMATH_NAMES,
  insIndex,
  IRFL_NAMES,
  isConstRef,
  REF_NIL,
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

/** A load or store of one slot of a recipe table (its array part or a node). */
interface SlotRecipe {
  readonly table: number;
  /** The table as a trace constant (KGC) rather than its slot's SLOAD. */
  readonly konst: boolean;
  /** Load as num or nil (guarded), or store a num, an int or nil. */
  readonly access: 'num' | 'nil' | 'store-num' | 'store-int' | 'store-nil';
  readonly value: number;
  readonly snap: readonly (readonly [number, number])[];
}

export type OpRecipe =
  | { readonly k: 'num'; readonly op: (typeof NUM_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'int'; readonly op: (typeof INT_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'tonum'; readonly a: number }
  | { readonly k: 'toint'; readonly a: number }
  | { readonly k: 'i64'; readonly op: (typeof INT64_OPS)[number]; readonly a: number; readonly b: number; readonly konst: number | null }
  | { readonly k: 'toi64'; readonly from: 'int' | 'num'; readonly a: number }
  | { readonly k: 'call'; readonly helper: 'lj_vm_floor' | 'pow' | 'tracesim_tick'; readonly a: number; readonly b: number }
  | {
      readonly k: 'concat';
      readonly parts: readonly (readonly ['str' | 'num' | 'int', number])[];
      /** Compare the result with another string (EQ when even, NE when odd), or not. */
      readonly check: number | null;
      readonly snap: readonly (readonly [number, number])[];
    }
  | {
      readonly k: 'shape';
      readonly table: number;
      /** The table as a trace constant (KGC) rather than its slot's SLOAD. */
      readonly konst: boolean;
      readonly field: 'tab.asize' | 'tab.hmask' | 'tab.meta';
      readonly check: 'ABC' | 'ULE' | 'EQ' | null;
      readonly b: number;
      readonly snap: readonly (readonly [number, number])[];
    }
  | (SlotRecipe & {
      readonly k: 'array';
      /** A constant index (mod asize), or an int of the pool bounded by ABC. */
      readonly index: number;
      readonly dynamic: boolean;
    })
  | { readonly k: 'strlen'; readonly a: number }
  | (SlotRecipe & {
      readonly k: 'hash';
      readonly node: number;
      /** HREFK names the key the node holds, or the next node's (and exits); HREF the node's key, or one no node holds. */
      readonly rightKey: boolean;
      /** HREFK at the node, or HREF of a string key, or HREF of a number of the pool (a key no node holds). */
      readonly lookup: 'HREFK' | 'HREF' | 'HREF num';
      /** After HREF: a guard that it found a node (NE niltv, then the access), else that it did not (EQ niltv). */
      readonly found: boolean;
    })
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
  /** Tables in the slots after those, by their sizes. */
  readonly tables: readonly { readonly asize: number; readonly hmask: number }[];
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

const slotRecipe = {
  table: pick,
  konst: fc.boolean(),
  access: fc.constantFrom('num' as const, 'num' as const, 'nil' as const, 'store-num' as const, 'store-int' as const, 'store-nil' as const),
  value: pick,
  snap: snapPicks,
};

const opRecipe: fc.Arbitrary<OpRecipe> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('num' as const), op: fc.constantFrom(...NUM_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: NUM_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('int' as const), op: fc.constantFrom(...INT_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: INT_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tonum' as const), a: pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('toint' as const), a: pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('i64' as const), op: fc.constantFrom(...INT64_OPS), a: pick, b: pick, konst: fc.option(fc.nat({ max: INT64_CONSTANTS.length - 1 }), { freq: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('toi64' as const), from: fc.constantFrom('int' as const, 'num' as const), a: pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('call' as const), helper: fc.constantFrom('lj_vm_floor' as const, 'pow' as const, 'tracesim_tick' as const), a: pick, b: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('concat' as const),
      parts: fc.array(fc.tuple(fc.constantFrom('str' as const, 'num' as const, 'int' as const), pick), { minLength: 1, maxLength: 4 }),
      check: fc.option(pick, { freq: 2 }),
      snap: snapPicks,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('shape' as const),
      table: pick,
      konst: fc.boolean(),
      field: fc.constantFrom('tab.asize' as const, 'tab.hmask' as const, 'tab.meta' as const),
      check: fc.constantFrom('ABC' as const, 'ULE' as const, 'EQ' as const, null),
      b: pick,
      snap: snapPicks,
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('array' as const), ...slotRecipe, index: pick, dynamic: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('strlen' as const), a: pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('hash' as const),
      ...slotRecipe,
      node: pick,
      rightKey: fc.boolean(),
      lookup: fc.constantFrom('HREFK' as const, 'HREF' as const, 'HREF num' as const),
      found: fc.boolean(),
    }),
  },
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
  tables: fc.array(fc.record({ asize: fc.nat({ max: 40 }), hmask: fc.constantFrom(0, 1, 3, 7, 63) }), { maxLength: 2 }),
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
  /** The tables' SLOADs, and the recipe's tables (for constants and sizes). */
  tabs: Ref[];
  tables: TraceRecipe['tables'];
  /** Strings: constants, and the results of concatenations. */
  strs: Ref[];
}

/** String constants every trace starts its string pool with. */
const STRING_CONSTANTS = ['"a"', '"bc"', '"1"'] as const;
const TMPBUF = BigInt(DISPATCH + DISPATCH_OFFSETS.tmpbuf);

function stringPool(b: TraceBuilder): Ref[] {
  return STRING_CONSTANTS.map((text) => b.constant({ op: 'KGC', type: 'str', text }));
}

/** The GC handle of the recipe's k-th table. */
const tableHandle = (k: number): number => 0x100 + k;
const tableValue = (k: number): LuaValue => ({ kind: 'gc', type: 'tab', text: `{0x${tableHandle(k).toString(16)}}` });

/** The key node i of a recipe table with `hmask` holds: the first "k<j>" whose main position is node i. */
function nodeKey(i: number, hmask: number): string {
  let j = 0;
  while ((stringHash(`k${j}`) & hmask) !== i) j++;
  return `"k${j}"`;
}

/**
 * The recipe's k-th table's parts, in the k-th page of the table-arrays region: an array part
 * of numbers with a nil every third slot, a metatable (itself) for every other table, and (hmask > 0) hmask+1 nodes keyed "k0", "k1" … with
 * numbers and a nil every fourth node.
 */
function tableParts(k: number, asize: number, hmask: number) {
  const base = REGIONS.tableArrays.base + 0x1000 * k;
  const nodes = hmask + 1;
  return {
    // Every other table is its own metatable.
    ...(k % 2 === 1 ? { meta: tableHandle(k) } : {}),
    ...(asize > 0 ? { array: { address: base, slots: Array.from({ length: asize }, (_, i): LuaValue => (i % 3 === 2 ? { kind: 'nil' } : { kind: 'num', value: 1.5 * i - 4 })) } } : {}),
    ...(hmask > 0
      ? {
          node: {
            address: base + 0x800,
            keys: Array.from({ length: nodes }, (_, i): LuaValue => ({ kind: 'gc', type: 'str', text: nodeKey(i, hmask) })),
            values: Array.from({ length: nodes }, (_, i): LuaValue => (i % 4 === 3 ? { kind: 'nil' } : { kind: 'num', value: 0.25 * i + 1 })),
          },
        }
      : {}),
  };
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
      case 'concat': {
        const pieces = o.parts.flatMap(([kind, i]): Ref[] => {
          const ref = at(kind === 'str' ? p.strs : kind === 'num' ? p.nums : p.ints, i);
          if (ref === undefined) return [];
          return kind === 'str' ? [ref] : [b.emit('TOSTR', 'str', ref, TOSTR_MODES.indexOf(kind === 'int' ? 'INT' : 'NUM'))!];
        });
        if (pieces.length === 0) break;
        const header = b.append({ op: 'BUFHDR', type: 'p64', guard: false, phi: false, op1: b.kptr(TMPBUF), op2: BUFHDR_MODES.indexOf('RESET') });
        let buffer = header;
        for (const s of pieces) buffer = b.append({ op: 'BUFPUT', type: 'p64', guard: true, phi: false, op1: buffer, op2: s });
        const str = b.append({ op: 'BUFSTR', type: 'str', guard: true, phi: false, op1: buffer, op2: header });
        if (o.check !== null) {
          takeSnapshot(b, o.snap, p, nslots);
          b.guard(o.check % 2 === 0 ? 'EQ' : 'NE', 'str', str, at(p.strs, o.check)!);
        }
        p.strs.push(str);
        break;
      }
      case 'shape': {
        const { k, table } = recipeTable(b, p, o) ?? {};
        if (table === undefined || k === undefined) break;
        if (o.field === 'tab.meta') {
          // The metatable: none, or the table itself (tableParts); EQ against NULL or the table.
          const meta = b.emit('FLOAD', 'tab', table, IRFL_NAMES.indexOf('tab.meta'))!;
          if (o.check === null) break;
          takeSnapshot(b, o.snap, p, nslots);
          b.guard('EQ', 'tab', meta, o.b % 2 === 0 ? b.constant({ op: 'KNULL', type: 'tab' }) : tableConstant(b, k));
          break;
        }
        const size = b.emit('FLOAD', 'int', table, IRFL_NAMES.indexOf(o.field))!;
        p.ints.push(size);
        if (o.check === null) break;
        const sizes = p.tables[k];
        const other = o.check === 'EQ' ? b.kint(o.b % 2 === 0 ? sizes[o.field === 'tab.asize' ? 'asize' : 'hmask'] : INT_CONSTANTS[o.b % INT_CONSTANTS.length]) : at(p.ints, o.b);
        if (other === undefined) break;
        takeSnapshot(b, o.snap, p, nslots);
        b.guard(o.check, 'int', size, other);
        break;
      }
      case 'array': {
        const { k, table } = recipeTable(b, p, o) ?? {};
        if (table === undefined || k === undefined || p.tables[k].asize === 0) break;
        const asize = p.tables[k].asize;
        let index = b.kint(o.index % asize);
        if (o.dynamic && p.ints.length > 0) {
          index = at(p.ints, o.index)!;
          takeSnapshot(b, o.snap, p, nslots);
          b.guard('ABC', 'int', b.emit('FLOAD', 'int', table, IRFL_NAMES.indexOf('tab.asize'))!, index);
        }
        const aref = b.emit('AREF', 'p64', b.emit('FLOAD', 'p64', table, IRFL_NAMES.indexOf('tab.array'))!, index)!;
        slotAccess(b, 'A', aref, o, p, nslots);
        break;
      }
      case 'strlen': {
        // A string's length from its GCstr header: an int for the arithmetic and guards.
        const s = at(p.strs, o.a);
        if (s !== undefined) p.ints.push(b.emit('FLOAD', 'int', s, IRFL_NAMES.indexOf('str.len'))!);
        break;
      }
      case 'hash': {
        const { k, table } = recipeTable(b, p, o) ?? {};
        if (table === undefined || k === undefined) break;
        const hmask = p.tables[k].hmask;
        const nodes = hmask + 1;
        const slot = o.node % nodes;
        if (o.lookup !== 'HREFK') {
          // A table without a hash part is looked up too: its node pointer names g->nilnode.
          const key = o.lookup === 'HREF num' ? at(p.nums, o.node) : b.constant({ op: 'KGC', type: 'str', text: o.rightKey && hmask > 0 ? nodeKey(slot, hmask) : '"absent"' });
          if (key === undefined) break;
          const href = b.emit('HREF', 'p64', table, key)!;
          takeSnapshot(b, o.snap, p, nslots);
          b.guard(o.found ? 'NE' : 'EQ', 'p64', href, b.constant({ op: 'KKPTR', type: 'p64', address: BigInt(NILTV) }));
          if (o.found) slotAccess(b, 'H', href, o, p, nslots);
          break;
        }
        if (hmask === 0) break;
        const key = b.constant({ op: 'KGC', type: 'str', text: nodeKey(o.rightKey ? slot : (slot + 1) % nodes, hmask) });
        takeSnapshot(b, o.snap, p, nslots);
        const node = b.emit('FLOAD', 'p64', table, IRFL_NAMES.indexOf('tab.node'))!;
        const href = b.emit('HREFK', 'p64', node, b.constant({ op: 'KSLOT', type: 'p64', key, slot }), true)!;
        slotAccess(b, 'H', href, o, p, nslots);
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

/** The recipe's k-th table as a trace constant. */
function tableConstant(b: TraceBuilder, k: number): Ref {
  return b.constant({ op: 'KGC', type: 'tab', text: (tableValue(k) as { text: string }).text });
}

/** Which recipe table an op names, and its ref: the constant, or the SLOAD of its slot (undefined without tables). */
function recipeTable(b: TraceBuilder, p: Pools, o: { table: number; konst: boolean }): { k: number; table: Ref | undefined } | undefined {
  if (p.tables.length === 0) return undefined;
  const k = o.table % p.tables.length;
  return { k, table: o.konst ? tableConstant(b, k) : at(p.tabs, o.table) };
}

/** An ALOAD/HLOAD (type-guarded, as num or nil) or an ASTORE/HSTORE of a number, an int or nil, at the slot `xref` names. */
function slotAccess(b: TraceBuilder, part: 'A' | 'H', xref: Ref, o: SlotRecipe, p: Pools, nslots: number): void {
  if (o.access === 'num' || o.access === 'nil') {
    takeSnapshot(b, o.snap, p, nslots);
    const v = b.append({ op: `${part}LOAD`, type: o.access, guard: true, phi: false, op1: xref, op2: 0 });
    if (o.access === 'num') p.nums.push(v);
    return;
  }
  const value = o.access === 'store-nil' ? REF_NIL : o.access === 'store-int' ? at(p.ints, o.value) : at(p.nums, o.value);
  if (value !== undefined) b.append({ op: `${part}STORE`, type: b.typeOf(value), guard: false, phi: false, op1: xref, op2: value });
}

/** A snapshot of everything written so far plus a few random slot updates. */
function takeSnapshot(b: TraceBuilder, picks: readonly (readonly [number, number])[], p: Pools, nslots: number): void {
  for (const [s, v] of picks) {
    const values = [...p.nums, ...p.ints];
    const ref = at(values, v);
    // Numbers go to the number slots only: a table slot keeps its table.
    if (ref !== undefined) p.slots.set(3 + (s % (nslots - 3 - p.tables.length)), ref);
  }
  const entries: Omit<SnapEntry, 'flags'>[] = [...p.slots].map(([slot, ref]) => ({ slot, ref }));
  b.snapshot(entries, { nslots });
}

function buildRoot(r: TraceRecipe, options: { fold: boolean; cse: boolean }): Trace {
  const b = new TraceBuilder({ number: 1, start: { kind: 'root' }, location: 'random.lua:1' }, options);
  const nslots = slotCount(r);
  b.snapshot([], { nslots });
  const counter = b.sload(2, 'int', SLOAD.C | SLOAD.I);
  const p: Pools = { nums: [], ints: [counter], int64s: [], slots: new Map(), tabs: [], tables: r.tables, strs: stringPool(b) };
  r.slots.forEach((_, k) => p.nums.push(b.sload(3 + k, 'num', SLOAD.T)));
  r.tables.forEach((_, k) => p.tabs.push(b.sload(3 + r.slots.length + k, 'tab', SLOAD.T)));
  // The values the loop carries are loads of their own, in no pool: no pre-roll op reads them, so
  // no folding can make a pre-roll value one of them (the body's uses of pre-roll values mean the
  // values the pre-roll computed).
  const loads = r.loop ? r.slots.slice(0, r.loop.carried).map((_, k) => b.sload(3 + k, 'num', SLOAD.T)) : [];
  emitOps(b, r.pre, p, nslots);
  const next = b.arith('ADD', 'int', counter, b.kint(1));
  p.slots.set(2, next);
  takeSnapshot(b, [], p, nslots);
  b.guard('LE', 'int', next, b.kint(r.limit));
  if (r.loop) {
    // Carried values: the counter and some of the loaded numbers; the body recomputes them.
    const carried = loads;
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

/** Slots #0..#2, the numbers, then the tables. */
function slotCount(r: TraceRecipe): number {
  return 3 + r.slots.length + r.tables.length;
}

function buildSide(number: number, root: Trace, s: SideRecipe, r: TraceRecipe, options: { fold: boolean; cse: boolean }): Trace {
  const nslots = slotCount(r);
  const firstTable = 3 + r.slots.length;
  const exit = s.exit % root.snapshots.length;
  const b = new TraceBuilder({ number, start: { kind: 'side', parent: root.number, exit }, location: 'random.lua:2' }, options);
  const parentSnap = root.snapshots[exit];
  const p: Pools = { nums: [], ints: [], int64s: [], slots: new Map(), tabs: [], tables: r.tables, strs: stringPool(b) };
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
    else if (slot >= firstTable) p.tabs.push(b.sload(slot, 'tab', SLOAD.T));
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
  const sides: Trace[] = [];
  const used = new Set<number>();
  for (const s of r.sides) {
    const exit = s.exit % root.snapshots.length;
    if (used.has(exit)) continue;
    used.add(exit);
    sides.push(buildSide(2 + sides.length, root, s, r, options));
  }
  return {
    traces: [root, ...sides],
    returnSites: [],
    scenario: {
      stackSlots: 32,
      base: 2,
      slots: [
        { slot: 2, value: { kind: 'num', value: r.counter } },
        ...r.slots.map((value, k) => ({ slot: 3 + k, value })),
        ...r.tables.map((_, k) => ({ slot: 3 + r.slots.length + k, value: tableValue(k) })),
      ],
      enter: 1,
      times: r.times,
      budget: 5000,
      ...(r.tables.length > 0 ? { tables: r.tables.map((t, k) => ({ handle: tableHandle(k), ...t, ...tableParts(k, t.asize, t.hmask) })) } : {}),
    },
  };
}

/** Random valid trace sets (fold and CSE on). */
export const arbitraryTraceSet: fc.Arbitrary<TraceSet> = traceRecipe.map((r) => buildTraceSet(r));
