// The backend's oracle (DESIGN: "random IR traces run compiled on cpu-sim and interpreted must
// give the same exits and slot values"): fast-check trace sets — int/num arithmetic, guards,
// loops with PHIs, helper calls and side traces off random exits — are assembled under every
// register budget from 2 to 14 (small budgets force spills) and replayed on the CPU model under
// the host-stack monitor. The event sequence (entries, exits, side entries, links, restored
// slots, BASE) must equal the reference IR interpreter's, and no contract violation may occur.
// Tables in slots and as constants have their sizes read from their headers (FLOAD tab.asize,
// tab.hmask) and checked (ABC, ULE, EQ), and their array parts loaded and stored in place
// (FLOAD tab.array, AREF, ALOAD, ASTORE), their hash nodes reached by constant key and loaded
// and stored (FLOAD tab.node, HREFK, HLOAD, HSTORE) or looked up by HREF (the backend's inline
// chain walk, against the reference's look at every node): the parts must end alike too; strings' lengths
// are read from their GCstr headers (FLOAD str.len); concatenations (TOSTR, BUFHDR, BUFPUT, BUFSTR) call the
// backend's buffer helpers, served from ir's StringModel as the reference interpreter's are. Set TRACESIM_SEED to reproduce a run; the seed is in the test name and in fast-check's report.

import fc from 'fast-check';
import { assembleTraceSet, MIN_REGS } from '@tracesim/asm';
import { insIndex, IRFL_NAMES, IrStepBudgetError, isConstRef, runTraceSet, type RestoredSlot, type RunEvent, type TableContents } from '@tracesim/ir';
import { isNumberWords, wordsToNumber, type TValueWords } from '@tracesim/machine';
import { replayTraceSet, stripEngineFields } from '../src';
import { arbitraryTraceSet } from '../../ir/test/support/arbitrary-trace';

const SEED = Number(process.env.TRACESIM_SEED ?? 20261126);
const CASES = Number(process.env.TRACESIM_CASES ?? 2000);
const MAX_REGS = 14;

/** x86 makes NaN as 0xfff8…; the reference writes 0x7ff8…. Both are the number NaN to Lua. */
function canonicalWords(w: TValueWords): TValueWords {
  return isNumberWords(w) && Number.isNaN(wordsToNumber(w)) ? { lo: 0, hi: 0x7ff80000 } : w;
}

function canonicalTables(tables: readonly TableContents[]): TableContents[] {
  return tables.map((t) => ({ ...t, slots: t.slots.map(canonicalWords) }));
}

function canonical(events: readonly RunEvent[]): RunEvent[] {
  const slots = (restored: readonly RestoredSlot[]) => restored.map((r) => ({ ...r, words: canonicalWords(r.words) }));
  return events.map((e) => ('restored' in e ? { ...e, restored: slots(e.restored) } : e));
}

test(`compiled traces agree with the reference interpreter under budgets ${MIN_REGS}..${MAX_REGS} (seed ${SEED}, ${CASES} cases)`, () => {
  let compared = 0;
  let budgetStops = 0;
  const tableOps = { FLOAD: 0, ABC: 0, ALOAD: 0, ASTORE: 0, HREFK: 0, HREF: 0, HLOAD: 0, HSTORE: 0, BUFSTR: 0, TOSTR: 0, 'FLOAD str.len': 0, 'access through HREF': 0 };
  fc.assert(
    fc.property(arbitraryTraceSet, (set) => {
      for (const op of ['FLOAD', 'ABC', 'ALOAD', 'ASTORE', 'HREFK', 'HREF', 'HLOAD', 'HSTORE', 'BUFSTR', 'TOSTR'] as const) if (set.traces.some((t) => t.ins.some((i) => i.op === op))) tableOps[op]++;
      if (set.traces.some((t) => t.ins.some((i) => i.op === 'FLOAD' && IRFL_NAMES[i.op2] === 'str.len'))) tableOps['FLOAD str.len']++;
      const viaHref = (t: (typeof set.traces)[number]) => t.ins.some((i) => (i.op === 'HLOAD' || i.op === 'HSTORE') && !isConstRef(i.op1) && t.ins[insIndex(i.op1)].op === 'HREF');
      if (set.traces.some(viaHref)) tableOps['access through HREF']++;
      let reference: RunEvent[] | 'budget';
      let arrays: TableContents[] = [];
      try {
        const run = runTraceSet(set);
        reference = canonical(run.events);
        arrays = canonicalTables(run.tables);
      } catch (e) {
        if (!(e instanceof IrStepBudgetError)) throw e;
        reference = 'budget';
      }
      for (let regs = MIN_REGS; regs <= MAX_REGS; regs++) {
        const assembled = assembleTraceSet(set, { regs });
        if (reference === 'budget') {
          // The two budgets count different things (IR steps, x86 instructions), so a set that
          // exhausts the reference's is not compared; there must be few of them.
          budgetStops++;
          continue;
        }
        const replay = replayTraceSet(set, assembled, { onViolation: 'stop' });
        expect({ regs, violations: replay.violations }).toEqual({ regs, violations: [] });
        expect({ regs, events: canonical(stripEngineFields(replay.events)) }).toEqual({ regs, events: reference });
        expect({ regs, arrays: canonicalTables(replay.tables) }).toEqual({ regs, arrays });
        compared++;
      }
    }),
    { seed: SEED, numRuns: CASES },
  );
  expect(compared + budgetStops).toBe(CASES * (MAX_REGS - MIN_REGS + 1));
  // Table headers (FLOAD), bounds checks, array loads and stores and concatenations are among what is generated.
  expect(Math.min(...Object.values(tableOps))).toBeGreaterThan(CASES / 20);
  expect(budgetStops).toBeLessThan(compared / 20);
});
