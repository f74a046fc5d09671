// The allocator on real IR: every trace of fixtures/corpus/*.jdump, under every budget from 2
// to 14, must replay soundly (support/replay.ts); the uses derived from the IR must be the ref
// operands LuaJIT's listing shows; and the `r` column must name registers of the right class.

import type { IRIns, Trace } from '@tracesim/ir';
import { AsmError, allocInput, allocateTrace, registerColumns } from '../src';
import { allCorpusTraces } from './support/corpus';
import { replay } from './support/replay';

const traces = allCorpusTraces();

describe('corpus traces under budgets 2..14', () => {
  test.each(traces.map((t) => [`${t.file} trace ${t.number}`, t.ir] as const))('%s', (_name, trace: Trace) => {
    const program = allocInput(trace);
    for (let regs = 2; regs <= 14; regs++) {
      const alloc = allocateTrace(trace, regs);
      replay(program, alloc);
      registerColumns(alloc).forEach((col, i) => {
        if (col?.kind !== 'reg') return;
        const isXmm = col.name.startsWith('xmm');
        expect([i, isXmm]).toEqual([i, trace.ins[i].type === 'num' || trace.ins[i].type === 'flt']);
      });
    }
  });
});

describe('uses derived from the IR', () => {
  test('each use is a 4-digit ref operand on the instruction line LuaJIT printed', () => {
    let compared = 0;
    for (const t of traces) {
      // LuaJIT leaves NOP and CARG lines out, so find each line by its ref number.
      const lineOf = new Map(t.irLines.map((l) => [Number(l.slice(0, 4)) - 1, l]));
      allocInput(t.ir).forEach((ins, i) => {
        const line = lineOf.get(i);
        if (line === undefined) return;
        const printed = line.slice(4 + 1 + 6 + 2 + 4 + 7); // after ref, r column, flags, type, opcode
        for (const use of ins.uses) {
          expect(printed).toContain(String(use + 1).padStart(4, '0'));
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(500);
  });

  test('a value read by a later instruction gets a register or a slot', () => {
    for (const t of traces) {
      const alloc = allocateTrace(t.ir, 3);
      const columns = registerColumns(alloc);
      allocInput(t.ir).forEach((ins) => ins.uses.forEach((u) => expect(columns[u]).toBeDefined()));
    }
  });
});

describe('malformed traces', () => {
  const ins = (op: IRIns['op'], op1: number, op2: number): IRIns => ({ op, type: 'int', guard: false, phi: false, op1, op2 });
  const trace = (body: IRIns[]): Trace => ({
    number: 9, start: { kind: 'root' }, location: 'x.lua:1', link: { kind: 'interpreter', target: 0 },
    ins: body, consts: [], snapshots: [],
  });

  test('a forward ref is a located AsmError', () => {
    const t = trace([ins('ADD', 0x8002, 0x8002), ins('SLOAD', 2, 0)]);
    expect(() => allocateTrace(t, 4)).toThrow(AsmError);
    expect(() => allocateTrace(t, 4)).toThrow(expect.objectContaining({ location: 'trace 9 ref 0001' }));
  });

  test('a CARG chain that refers to itself terminates', () => {
    const t = trace([ins('CARG', 0x8001, 0x8001), ins('CALLN', 0x8001, 0)]);
    expect(allocInput(t).map((a) => a.uses)).toEqual([[], [], []]);
  });
});
