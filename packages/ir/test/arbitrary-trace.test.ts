// Properties of the random trace-set generator and of the passes: every generated set validates,
// prints and parses back to the same text, runs in the reference interpreter with no error other
// than the step budget, and folding/CSE do not change what it computes.

import fc from 'fast-check';
import {
  IrStepBudgetError,
  parseTraceFile,
  printTraceFile,
  runTraceSet,
  validateTraceSet,
  type RunResult,
  type TraceSet,
} from '@tracesim/ir';
import { arbitraryTraceSet, buildTraceSet, traceRecipe } from './support/arbitrary-trace';

const RUNS = 1000;

/** What a run computes (steps left out: folding legitimately saves some). */
function run(set: TraceSet): Omit<RunResult, 'steps'> | 'budget' {
  try {
    const { events, stack, base, tables } = runTraceSet(set);
    return { events, stack, base, tables };
  } catch (e) {
    if (e instanceof IrStepBudgetError) return 'budget';
    throw e;
  }
}

describe('random valid trace sets', () => {
  test('validate', () => {
    fc.assert(
      fc.property(arbitraryTraceSet, (set) => {
        expect(validateTraceSet(set).map((e) => `${e.location}: ${e.message}`)).toEqual([]);
      }),
      { numRuns: RUNS, seed: 1169 },
    );
  });

  test('round-trip through the trace-file printer and parser', () => {
    fc.assert(
      fc.property(arbitraryTraceSet, (set) => {
        const text = printTraceFile(set);
        const back = parseTraceFile(text, 'random.trace');
        expect(printTraceFile(back)).toBe(text);
        expect(validateTraceSet(back)).toEqual([]);
        // The parsed set computes exactly what the built one does.
        expect(run(back)).toEqual(run(set));
      }),
      { numRuns: RUNS, seed: 4711 },
    );
  });

  test('run in the interpreter with no error but the step budget, and exit somewhere', () => {
    let budget = 0;
    fc.assert(
      fc.property(arbitraryTraceSet, (set) => {
        const r = run(set);
        if (r === 'budget') budget++;
        else expect(r.events[0]).toEqual({ kind: 'enter', trace: 1 });
      }),
      { numRuns: RUNS, seed: 2024 },
    );
    expect(budget).toBeLessThan(RUNS / 2);
  });

  test('folding and CSE do not change events or stack bits', () => {
    fc.assert(
      fc.property(traceRecipe, (recipe) => {
        const plain = buildTraceSet(recipe, { fold: false, cse: false });
        const folded = buildTraceSet(recipe, { fold: true, cse: true });
        expect(validateTraceSet(plain)).toEqual([]);
        const a = run(plain);
        const b = run(folded);
        // Folding saves steps, so only runs that both finish within the budget are comparable.
        if (a !== 'budget' && b !== 'budget') expect(b).toEqual(a);
      }),
      { numRuns: RUNS, seed: 77 },
    );
  });

  test('folding shrinks some traces (the comparison above is not vacuous)', () => {
    const sizes = fc.sample(traceRecipe, { numRuns: 200, seed: 5 }).map((r) => {
      const count = (s: TraceSet) => s.traces.reduce((n, t) => n + t.ins.filter((i) => i.op !== 'NOP').length, 0);
      return count(buildTraceSet(r, { fold: false, cse: false })) - count(buildTraceSet(r));
    });
    expect(sizes.some((d) => d > 0)).toBe(true);
    expect(sizes.every((d) => d >= 0)).toBe(true);
  });
});
