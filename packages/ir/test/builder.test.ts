// Builder, folding, CSE and DCE on small traces whose results are worked out by hand (IEEE-754
// and int32 rules: wrap-around, -0, NaN, x86 truncation).

import { constIndex, eliminateDeadCode, REF_FIRST, SLOAD, TraceBuilder, type IRConst, type Ref } from '@tracesim/ir';

const head = { number: 1, start: { kind: 'root' as const }, location: 't.lua:1' };

function constOf(b: TraceBuilder, ref: Ref): IRConst {
  const t = b.finish('interpreter');
  return t.consts[constIndex(ref)];
}

describe('constant folding', () => {
  test('int arithmetic wraps to 32 bits; overflow-checked ops are left to exit at run time', () => {
    const b = new TraceBuilder(head);
    expect(constOf(b, b.arith('ADD', 'int', b.kint(0x7fffffff), b.kint(1)))).toEqual({ op: 'KINT', type: 'int', value: -0x80000000 });
    expect(constOf(b, b.arith('MUL', 'int', b.kint(0x10000), b.kint(0x10000)))).toEqual({ op: 'KINT', type: 'int', value: 0 });
    expect(constOf(b, b.arith('ADDOV', 'int', b.kint(2), b.kint(3)))).toEqual({ op: 'KINT', type: 'int', value: 5 });
    const ov = b.arith('ADDOV', 'int', b.kint(0x7fffffff), b.kint(1));
    expect(ov).toBeGreaterThanOrEqual(REF_FIRST);
    expect(b.finish('interpreter').ins[0]).toMatchObject({ op: 'ADDOV', guard: true });
  });

  test('number folds keep -0 and NaN exactly', () => {
    const b = new TraceBuilder(head);
    const negZero = constOf(b, b.arith('MUL', 'num', b.knum(0), b.knum(-1)));
    expect(negZero.op === 'KNUM' && Object.is(negZero.value, -0)).toBe(true);
    const min1 = constOf(b, b.arith('MIN', 'num', b.knum(NaN), b.knum(1)));
    expect(min1).toEqual({ op: 'KNUM', type: 'num', value: 1 });
    const min2 = constOf(b, b.arith('MIN', 'num', b.knum(1), b.knum(NaN)));
    expect(min2.op === 'KNUM' && Number.isNaN(min2.value)).toBe(true);
  });

  test('identities only where they hold bit-exactly', () => {
    const b = new TraceBuilder(head);
    b.snapshot([]);
    const x = b.sload(2, 'num', SLOAD.T);
    const i = b.sload(3, 'int', SLOAD.C);
    expect(b.arith('ADD', 'num', x, b.knum(-0))).toBe(x);
    expect(b.arith('SUB', 'num', x, b.knum(0))).toBe(x);
    expect(b.arith('MUL', 'num', x, b.knum(1))).toBe(x);
    expect(b.arith('ADD', 'int', b.kint(0), i)).toBe(i);
    expect(constOf(b, b.arith('MUL', 'int', i, b.kint(0)))).toEqual({ op: 'KINT', type: 'int', value: 0 });
    // -0 + 0 = +0 and x * 0 may be -0 or NaN: these must be emitted.
    expect(b.arith('ADD', 'num', x, b.knum(0))).toBeGreaterThanOrEqual(REF_FIRST);
    expect(b.arith('SUB', 'num', x, b.knum(-0))).toBeGreaterThanOrEqual(REF_FIRST);
    expect(b.arith('MUL', 'num', x, b.knum(0))).toBeGreaterThanOrEqual(REF_FIRST);
  });

  test('conversions: checked int.num folds only integral values; -0 passes; truncation like cvttsd2si', () => {
    const b = new TraceBuilder(head);
    expect(constOf(b, b.conv('int', 'num', b.knum(-0)))).toEqual({ op: 'KINT', type: 'int', value: 0 });
    expect(b.conv('int', 'num', b.knum(2.5))).toBeGreaterThanOrEqual(REF_FIRST);
    expect(constOf(b, b.conv('int', 'num', b.knum(-3.7), 'none'))).toEqual({ op: 'KINT', type: 'int', value: -3 });
    expect(constOf(b, b.conv('int', 'num', b.knum(NaN), 'none'))).toEqual({ op: 'KINT', type: 'int', value: -0x80000000 });
    expect(constOf(b, b.conv('num', 'int', b.kint(-5)))).toEqual({ op: 'KNUM', type: 'num', value: -5 });
  });

  test('a constant guard that holds is dropped, one that fails is kept', () => {
    const b = new TraceBuilder(head);
    b.snapshot([]);
    b.guard('LT', 'int', b.kint(1), b.kint(2));
    expect(b.nextRef).toBe(REF_FIRST);
    b.guard('ULT', 'num', b.knum(NaN), b.knum(1)); // unordered: holds
    expect(b.nextRef).toBe(REF_FIRST);
    b.guard('LT', 'num', b.knum(NaN), b.knum(1)); // ordered: fails
    expect(b.nextRef).toBe(REF_FIRST + 1);
  });

  test('fold off emits everything', () => {
    const b = new TraceBuilder(head, { fold: false });
    expect(b.arith('ADD', 'int', b.kint(1), b.kint(2))).toBe(REF_FIRST);
  });
});

describe('CSE', () => {
  test('pure ops are shared, commutative operands match swapped, guards are not repeated', () => {
    const b = new TraceBuilder(head);
    b.snapshot([]);
    const x = b.sload(2, 'num', SLOAD.T);
    const y = b.sload(3, 'num', SLOAD.T);
    const s = b.arith('ADD', 'num', x, y);
    expect(b.arith('ADD', 'num', y, x)).toBe(s);
    expect(b.arith('SUB', 'num', y, x)).not.toBe(b.arith('SUB', 'num', x, y));
    b.guard('LT', 'num', x, y);
    const before = b.nextRef;
    b.guard('LT', 'num', x, y);
    expect(b.nextRef).toBe(before);
    // SLOADs are loads, never CSE'd here.
    expect(b.sload(2, 'num', SLOAD.T)).not.toBe(x);
  });

  test('no CSE across LOOP: body values are recomputed each iteration', () => {
    const b = new TraceBuilder(head);
    b.snapshot([]);
    const x = b.sload(2, 'num', SLOAD.T);
    const pre = b.arith('ADD', 'num', x, b.knum(1));
    b.loop();
    expect(b.arith('ADD', 'num', x, b.knum(1))).not.toBe(pre);
  });

  test('a snapshot at the same ref as the previous one gets a NOP in between', () => {
    const b = new TraceBuilder(head);
    b.snapshot([]);
    b.snapshot([]);
    const t = b.finish('interpreter');
    expect(t.ins.map((i) => i.op)).toEqual(['NOP']);
    expect(t.snapshots.map((s) => s.ref)).toEqual([REF_FIRST, REF_FIRST + 1]);
  });
});

describe('DCE', () => {
  test('keeps what snapshots, side effects and non-weak guards need; NOPs the rest', () => {
    const b = new TraceBuilder(head, { fold: false, cse: false });
    b.snapshot([]);
    const x = b.sload(2, 'int', SLOAD.C); // 0001 used by 0003
    b.arith('ADD', 'int', x, b.kint(1)); // 0002 dead
    const kept = b.arith('ADD', 'int', x, b.kint(2)); // 0003 in snapshot
    b.arith('ADDOV', 'int', x, b.kint(3)); // 0004 weak guard, unused: dead
    b.call('tracesim_tick', []); // 0005 CALLS: side effect
    b.snapshot([{ slot: 2, ref: kept }]);
    const g = b.arith('SUB', 'int', x, b.kint(4)); // 0006 used only by the guard
    b.guard('LT', 'int', g, b.kint(9)); // 0007 guard: kept
    const t = eliminateDeadCode(b.finish('interpreter'));
    expect(t.ins.map((i) => i.op)).toEqual(['SLOAD', 'NOP', 'ADD', 'NOP', 'CALLS', 'SUB', 'LT']);
  });
});
