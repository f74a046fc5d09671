// The LOOP pass against LuaJIT: pre-rolls built the way LuaJIT's recorder emits them must come
// out of optimizeLoop as the exact IR (PHIs, copied snapshots, + marks) of the real -jdump; and on
// random traces the looped version computes the same final stack as the tail-linked original.

import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import {
  IrStepBudgetError,
  optimizeLoop,
  parseJdump,
  printTrace,
  runTraceSet,
  SLOAD,
  TraceBuilder,
  validateTraceSet,
  type Trace,
  type TraceSet,
} from '@tracesim/ir';
import { buildTraceSet, traceRecipe } from './support/arbitrary-trace';

const CORPUS = path.resolve(__dirname, '../../../fixtures/corpus');

function corpusTrace(name: string, n: number): Trace {
  const t = parseJdump(fs.readFileSync(path.join(CORPUS, `${name}.jdump`), 'utf8')).find((x) => x.number === n)!;
  return { ...t, ins: t.ins.map(({ reg: _reg, ...rest }) => rest) };
}

const noRegs = (t: Trace) => printTrace(t, { registers: false });

test('loop_sum trace 1: sum = sum + i', () => {
  const b = new TraceBuilder({ number: 1, start: { kind: 'root' }, location: 'loop_sum.lua:3' });
  b.snapshot([], { nslots: 2 });
  const i = b.sload(3, 'int', SLOAD.C | SLOAD.I);
  const sum = b.sload(2, 'num', SLOAD.T);
  const s = b.arith('ADD', 'num', b.conv('num', 'int', i), sum);
  const i2 = b.arith('ADD', 'int', i, b.kint(1));
  b.snapshot([{ slot: 2, ref: s }], { nslots: 3 });
  b.guard('LE', 'int', i2, b.kint(1000));
  b.snapshot([{ slot: 2, ref: s }, { slot: 3, ref: i2 }, { slot: 6, ref: i2 }], { nslots: 7 });
  const looped = optimizeLoop(b.finish('loop'));
  expect(noRegs(looped)).toBe(noRegs(corpusTrace('loop_sum', 1)));
});

test('branch_side trace 1: copied snapshots merge the loop snapshot and overwrite when no guard intervenes', () => {
  const b = new TraceBuilder({ number: 1, start: { kind: 'root' }, location: 'branch_side.lua:3' });
  b.snapshot([], { nslots: 2 });
  const i = b.sload(4, 'int', SLOAD.C | SLOAD.I);
  const bit = b.emit('BAND', 'int', i, b.kint(1))!;
  b.snapshot([{ slot: 4, ref: i }, { slot: 7, ref: i }], { nslots: 8 });
  b.guard('NE', 'int', bit, b.kint(0));
  b.snapshot([{ slot: 4, ref: i }], { nslots: 8 });
  const odds = b.sload(3, 'num', SLOAD.T);
  const odds2 = b.arith('ADD', 'num', odds, b.knum(1));
  const i2 = b.arith('ADD', 'int', i, b.kint(1));
  b.snapshot([{ slot: 3, ref: odds2 }], { nslots: 4 });
  b.guard('LE', 'int', i2, b.kint(300));
  b.snapshot([{ slot: 3, ref: odds2 }, { slot: 4, ref: i2 }, { slot: 7, ref: i2 }], { nslots: 8 });
  expect(noRegs(optimizeLoop(b.finish('loop')))).toBe(noRegs(corpusTrace('branch_side', 1)));
});

function finalState(set: TraceSet): unknown {
  try {
    const r = runTraceSet(set);
    return { stack: r.stack, last: r.events[r.events.length - 1].kind };
  } catch (e) {
    if (e instanceof IrStepBudgetError) return 'budget';
    throw e;
  }
}

test('random self-linked roots: the LOOP version validates and ends in the same stack', () => {
  let compared = 0;
  fc.assert(
    fc.property(traceRecipe, (recipe) => {
      const set = buildTraceSet({ ...recipe, loop: null, selfLink: true, sides: [] });
      const looped: TraceSet = { ...set, traces: [optimizeLoop(set.traces[0])] };
      expect(validateTraceSet(looped).map((e) => `${e.location}: ${e.message}`)).toEqual([]);
      const a = finalState(set);
      const b = finalState(looped);
      if (a !== 'budget' && b !== 'budget') {
        compared++;
        expect(b).toEqual(a);
      }
    }),
    { numRuns: 500, seed: 56 },
  );
  expect(compared).toBeGreaterThan(250);
});
