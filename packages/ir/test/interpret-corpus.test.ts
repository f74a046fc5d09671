// Oracle: LuaJIT's own traces and output. Traces taken verbatim from the real -jdump (loop_sum,
// branch_side with its side trace, reg_pressure, nested_loops with side traces linking back) are
// run by the reference interpreter from the loop's first iteration; the values restored at the
// final exit must be what the LuaJIT program printed. Every corpus trace must also validate.

import * as fs from 'fs';
import * as path from 'path';
import { describeWords, parseJdump, runTraceSet, validateTraceSet, type Scenario, type TraceSet } from '@tracesim/ir';

const CORPUS = path.resolve(__dirname, '../../../fixtures/corpus');

function corpusSet(name: string, traces: number[], scenario: Scenario): TraceSet {
  const all = parseJdump(fs.readFileSync(path.join(CORPUS, `${name}.jdump`), 'utf8'), `${name}.jdump`);
  return { traces: all.filter((t) => traces.includes(t.number)), returnSites: [], scenario };
}

function printed(name: string): string[] {
  return fs.readFileSync(path.join(CORPUS, `${name}.out`), 'utf8').trim().split('\n');
}

const num = (value: number) => ({ kind: 'num' as const, value });

describe('reference interpreter against LuaJIT output', () => {
  test('loop_sum trace 1: sum of 1..1000', () => {
    // Slots: #2 sum, #3 loop index, #4 limit, #5 step, #6 visible i.
    const set = corpusSet('loop_sum', [1], {
      stackSlots: 16, base: 2, enter: 1, times: 1, budget: 100000,
      slots: [{ slot: 2, value: num(0) }, { slot: 3, value: num(1) }, { slot: 4, value: num(1000) }, { slot: 5, value: num(1) }],
    });
    expect(validateTraceSet(set)).toEqual([]);
    const r = runTraceSet(set);
    const last = r.events[r.events.length - 1];
    expect(last).toMatchObject({ kind: 'exit', trace: 1 });
    expect(describeWords(r.stack[2])).toBe(printed('loop_sum')[0]);
  });

  test('loop_sum trace 2: (prod * 3) % 1000003, 200 times', () => {
    const set = corpusSet('loop_sum', [2], {
      stackSlots: 16, base: 2, enter: 2, times: 1, budget: 100000,
      slots: [{ slot: 3, value: num(1) }, { slot: 4, value: num(1) }, { slot: 5, value: num(200) }, { slot: 6, value: num(1) }],
    });
    expect(validateTraceSet(set)).toEqual([]);
    const r = runTraceSet(set);
    expect(describeWords(r.stack[3])).toBe(printed('loop_sum')[1]);
  });

  test('branch_side: root loop for odd i, side trace 2 (1/5) for even i, linked back to 1', () => {
    // Slots: #2 evens, #3 odds, #4 index, #5 limit, #6 step, #7 visible i.
    const set = corpusSet('branch_side', [1, 2], {
      stackSlots: 16, base: 2, enter: 1, times: 1, budget: 100000,
      slots: [2, 3].map((slot) => ({ slot, value: num(0) })).concat([4, 6, 7].map((slot) => ({ slot, value: num(1) })), [{ slot: 5, value: num(300) }]),
    });
    expect(validateTraceSet(set)).toEqual([]);
    const r = runTraceSet(set);
    const [evens, odds] = printed('branch_side');
    expect(describeWords(r.stack[2])).toBe(evens);
    expect(describeWords(r.stack[3])).toBe(odds);
    // Even i always leaves the loop at exit 5 into the side trace; the last even i fails its LE guard.
    expect(r.events.filter((e) => e.kind === 'side')).toHaveLength(150);
    expect(r.events[r.events.length - 1]).toMatchObject({ kind: 'exit', trace: 2, exit: 1 });
  });

  test('reg_pressure: 20 loop-carried numbers, 300 iterations', () => {
    // Slots #2..#21 hold a..j4 = 1..20; #22 loop index, #23 limit, #24 step, #25 visible k.
    const set = corpusSet('reg_pressure', [1], {
      stackSlots: 32, base: 2, enter: 1, times: 1, budget: 100000,
      slots: [...Array.from({ length: 20 }, (_, k) => ({ slot: 2 + k, value: num(k + 1) })), { slot: 22, value: num(1) }, { slot: 23, value: num(300) }, { slot: 24, value: num(1) }, { slot: 25, value: num(1) }],
    });
    expect(validateTraceSet(set)).toEqual([]);
    const r = runTraceSet(set);
    const values = Array.from({ length: 20 }, (_, k) => describeWords(r.stack[2 + k]));
    expect([values.slice(0, 8), values.slice(8, 16), values.slice(16)].map((l) => l.join('\t'))).toEqual(printed('reg_pressure'));
  });

  test('nested_loops: inner loop traces, outer-loop side traces linking back to their roots', () => {
    const [total, count] = printed('nested_loops');
    // Program 1: #2 total, #3..#6 outer for (index, limit, step, i), #7..#10 inner for.
    const first = corpusSet('nested_loops', [1, 2], {
      stackSlots: 16, base: 2, enter: 1, times: 1, budget: 200000,
      slots: [[2, 0], [3, 1], [4, 100], [5, 1], [6, 1], [7, 1], [8, 50], [9, 1], [10, 1]].map(([slot, v]) => ({ slot, value: num(v) })),
    });
    expect(validateTraceSet(first)).toEqual([]);
    expect(describeWords(runTraceSet(first).stack[2])).toBe(total);
    // Program 2: #3 count, #4..#7 outer for, #8..#11 inner for starting at i (guarded int SLOAD).
    const second = corpusSet('nested_loops', [3, 4], {
      stackSlots: 16, base: 2, enter: 3, times: 1, budget: 200000,
      slots: [[3, 0], [4, 1], [5, 60], [6, 1], [7, 1], [8, 1], [9, 60], [10, 1], [11, 1]].map(([slot, v]) => ({ slot, value: num(v) })),
    });
    expect(validateTraceSet(second)).toEqual([]);
    const r = runTraceSet(second);
    expect(describeWords(r.stack[3])).toBe(count);
    expect(r.events.filter((e) => e.kind === 'link').every((e) => e.kind === 'link' && e.trace === 4 && e.to === 3)).toBe(true);
  });
});

test('every corpus trace passes the validator (with its parent and link target)', () => {
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.jdump'));
  let checked = 0;
  for (const f of files) {
    const traces = parseJdump(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f);
    for (const t of traces) {
      // Trace numbers are reused after aborts/flushes: validate each trace with the parent it had.
      const earlier = traces.slice(0, traces.indexOf(t));
      const parent = t.start.kind === 'side' ? [...earlier].reverse().find((x) => x.number === (t.start as { parent: number }).parent) : undefined;
      const links = t.link.kind === 'root' ? [...earlier].reverse().find((x) => x.number === t.link.target) : undefined;
      const set: TraceSet = { traces: [...new Set([parent, links, t].filter((x): x is NonNullable<typeof x> => !!x))], returnSites: [] };
      expect({ trace: `${f} ${t.number}`, errors: validateTraceSet(set).filter((e) => e.location.startsWith(`trace ${t.number} `) || e.location === `trace ${t.number}`).map((e) => `${e.location}: ${e.message}`) }).toEqual({ trace: `${f} ${t.number}`, errors: [] });
      checked++;
    }
  }
  expect(checked).toBe(53);
});
