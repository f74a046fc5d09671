// Frame rules against real LuaJIT: for every trace of fixtures/corpus/*.jdump, the spill slots
// its IR `r` column uses give evenspill, and stackAdjust(evenspill) (for side traces, with the
// parent's frame inherited) must equal the rsp adjustment LuaJIT put in the head and tail.
// Plus properties of the slot allocator.

import fc from 'fast-check';
import { isWideType, sideTraceFrame, SpillOverflowError, SpillSlots, spillOffset, stackAdjust, FRAME_RULES } from '../src';
import { allCorpusTraces, headLowering, type CorpusTrace } from './support/corpus';

/** Smallest even slot count covering every `[hex]` spill of the trace's IR listing. */
function evenspillOfListing(t: CorpusTrace): number {
  let evenspill: number = FRAME_RULES.firstSlot;
  for (const ins of t.ir.ins) {
    if (ins.reg?.kind !== 'spill') continue;
    const slots = isWideType(ins.type) ? 2 : 1;
    const end = ins.reg.slot + slots;
    evenspill = Math.max(evenspill, end + (end & 1));
  }
  return evenspill;
}

describe('spadjust against the corpus heads and tails', () => {
  const traces = allCorpusTraces();
  const measured = new Map<string, number>(); // file#trace -> spadjust LuaJIT used
  const key = (file: string, n: number) => `${file}#${n}`;
  const rows = traces.map((t) => [`${t.file} trace ${t.number}`, t] as const);

  test('the corpus has traces with frames, roots and side traces', () => {
    expect(traces.length).toBeGreaterThan(40);
    expect(traces.filter((t) => headLowering(t) > 0).length).toBeGreaterThanOrEqual(6);
    expect(traces.filter((t) => t.parent !== undefined).length).toBeGreaterThan(15);
  });

  test.each(rows)('%s', (_name, t) => {
    const own = stackAdjust(evenspillOfListing(t));
    let spadjust: number;
    if (t.parent === undefined) {
      spadjust = own;
      expect(headLowering(t)).toBe(own);
    } else {
      const parentSpadjust = measured.get(key(t.file, t.parent));
      expect(parentSpadjust).toBeDefined();
      const frame = sideTraceFrame(own, parentSpadjust!);
      expect(headLowering(t)).toBe(frame.spdelta);
      spadjust = frame.spadjust;
    }
    measured.set(key(t.file, t.number), spadjust);
    // A tail's `add rsp, +X` restores the whole frame.
    const tailAdds = t.mcode.filter((l) => /^add rsp, \+/.test(l.text)).map((l) => parseInt(l.text.split('0x')[1], 16));
    for (const x of tailAdds) expect(x).toBe(spadjust);
  });
});

describe('stackAdjust formula', () => {
  test('hand-computed values from the LuaJIT formula', () => {
    // 4 * ((evenspill - 2 + 3) & ~3): 2 → 0, 4 → 16, 6 → 16, 8 → 32, 10 → 32, 24 → 96, 256 → 1024
    expect([2, 4, 6, 8, 10, 24, 256].map(stackAdjust)).toEqual([0, 0x10, 0x10, 0x20, 0x20, 0x60, 0x400]);
    expect(stackAdjust(0)).toBe(0);
  });

  test('side frames never shrink', () => {
    expect(sideTraceFrame(0x20, 0x60)).toEqual({ spadjust: 0x60, spdelta: 0 });
    expect(sideTraceFrame(0x80, 0x60)).toEqual({ spadjust: 0x80, spdelta: 0x20 });
    expect(sideTraceFrame(0, 0)).toEqual({ spadjust: 0, spdelta: 0 });
  });
});

describe('SpillSlots properties (seeded)', () => {
  test('slots never overlap, pairs are even, everything fits in [rsp, rsp0+8), frame is 16-aligned', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 120 }), (wides) => {
        const slots = new SpillSlots();
        const used = new Set<number>();
        for (const wide of wides) {
          const s = slots.allocate(wide, 'trace 1');
          if (wide) expect(s % 2).toBe(0);
          expect(s).toBeGreaterThanOrEqual(FRAME_RULES.firstSlot);
          for (let k = s; k < s + (wide ? 2 : 1); k++) {
            expect(used.has(k)).toBe(false);
            used.add(k);
          }
        }
        const spadjust = slots.spadjust;
        expect(spadjust % 16).toBe(0);
        // rsp0 = rsp + spadjust; slot bytes must end at or below rsp0 + 8 (the saved r13).
        for (const k of used) expect(spillOffset(k + 1)).toBeLessThanOrEqual(spadjust + 8);
        // 32-bit values reuse a pending odd slot: at most one slot is wasted.
        expect(slots.evenspill - FRAME_RULES.firstSlot - used.size).toBeLessThanOrEqual(1);
      }),
      { seed: 0x1169, numRuns: 300 },
    );
  });

  test('a 32-bit value takes the odd half the previous 32-bit value opened', () => {
    const slots = new SpillSlots();
    expect([false, true, false, false].map((wide) => slots.allocate(wide, 'trace 1'))).toEqual([2, 4, 3, 6]);
    expect(slots.evenspill).toBe(8);
  });

  test('more than 256 slots is a located SpillOverflowError', () => {
    const slots = new SpillSlots();
    for (let i = 0; i < 127; i++) slots.allocate(true, 'trace 7');
    expect(() => slots.allocate(true, 'trace 7 ref 0042')).toThrow(SpillOverflowError);
    expect(() => slots.allocate(true, 'trace 7 ref 0042')).toThrow(expect.objectContaining({ location: 'trace 7 ref 0042' }));
    // 127 pairs fill slots 2..255: the frame is at its 256-slot limit and the failed call changed nothing.
    expect(slots.evenspill).toBe(256);
  });
});
