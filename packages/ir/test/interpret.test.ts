// The reference interpreter on small trace files whose outcome is worked out by hand: overflow
// guards, type guards, checked conversions, unordered compares, RETF frames, helper calls,
// self links, the step budget.

import { describeWords, IrRuntimeError, IrStepBudgetError, parseTraceFile, runTraceSet, validateTraceSet, wordsToBits, type RunEvent } from '@tracesim/ir';

function run(text: string) {
  const set = parseTraceFile(text, 'h.trace');
  expect(validateTraceSet(set).map((e) => e.message)).toEqual([]);
  return runTraceSet(set);
}

function trace(ir: string, stop = 'interpreter', n = 1, start = 'h.lua:1'): string {
  return `---- TRACE ${n} start ${start}\n---- TRACE ${n} IR\n${ir}\n---- TRACE ${n} stop -> ${stop}\n`;
}

function scenario(lines: string): string {
  return `\n---- SCENARIO\n${lines}\nenter 1\nbudget 1000\n`;
}

const restoredOf = (e: RunEvent) => ('restored' in e ? e.restored.map((s) => `#${s.slot}=${describeWords(s.words)}`) : []);

describe('reference interpreter (hand-computed)', () => {
  test('ADDOV exits on int32 overflow; the snapshot restores the int as a number', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 rbp      int SLOAD  #2    CI
....              SNAP   #1   [ ---- ---- ---- 0001 ]
0002 rbp   >  int ADDOV  0001  +1  
....              SNAP   #2   [ ---- ---- 0002 ]`;
    const over = run(trace(ir) + scenario('slot #2 = 2147483647'));
    expect(over.events[1]).toMatchObject({ kind: 'exit', trace: 1, exit: 1 });
    expect(restoredOf(over.events[1])).toEqual(['#3=2147483647']);
    const fine = run(trace(ir) + scenario('slot #2 = 41.9'));
    expect(restoredOf(fine.events[1])).toEqual(['#2=42']);
  });

  test('a type guard on a string slot exits through the empty snapshot #0', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 xmm0  >  num SLOAD  #2    T`;
    const r = run(trace(ir) + scenario('slot #2 = str "x"'));
    expect(r.events[1]).toMatchObject({ kind: 'exit', exit: 0, restored: [] });
  });

  test('CONV int.num check: -0 passes as +0, 2.5 exits', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 xmm0  >  num SLOAD  #2    T
0002 rbp   >  int CONV   0001  int.num check
....              SNAP   #1   [ ---- ---- ---- 0002 ]`;
    const z = run(trace(ir) + scenario('slot #2 = -0'));
    expect(z.events[1].kind).toBe('interpreter');
    expect(wordsToBits(z.stack[3])).toBe(0n);
    const h = run(trace(ir) + scenario('slot #2 = 2.5'));
    expect(h.events[1]).toMatchObject({ kind: 'exit', exit: 0 });
  });

  test('unordered compares hold for NaN, ordered ones fail', () => {
    const guard = (op: string) => `....              SNAP   #0   [ ---- ---- ]
0001 xmm0  >  num SLOAD  #2    T
....              SNAP   #1   [ ---- ---- ---- +1   ]
0002       >  num ${op.padEnd(6)} 0001  +1  `;
    const outcome = (op: string) => run(trace(guard(op)) + scenario('slot #2 = nan')).events[1];
    for (const op of ['ULT', 'UGE', 'ULE', 'UGT', 'NE']) expect(outcome(op).kind).toBe('interpreter');
    for (const op of ['LT', 'GE', 'LE', 'GT', 'EQ']) expect(outcome(op)).toMatchObject({ kind: 'exit', exit: 1, restored: [expect.objectContaining({ slot: 3 })] });
  });

  test('int compares: signed vs unsigned', () => {
    const ir = (op: string) => `....              SNAP   #0   [ ---- ---- ]
0001 rbp      int SLOAD  #2    CI
0002       >  int ${op.padEnd(6)} 0001  +1  `;
    expect(run(trace(ir('LT')) + scenario('slot #2 = -1')).events[1].kind).toBe('interpreter');
    expect(run(trace(ir('ULT')) + scenario('slot #2 = -1')).events[1]).toMatchObject({ kind: 'exit', exit: 0 });
  });

  test('RETF checks the frame link, moves BASE down; later slots are relative to the lower frame', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001       >  p64 RETF   proto: 0x2000  [0x1000]
0002 xmm0  >  num SLOAD  #5    T
0003 xmm0     num ADD    0002  +1  
....              SNAP   #1   [ ---- ---- 0003 ]`;
    const ok = run(trace(ir) + scenario('base 5\nslot #1 = raw 0x1000\nslot #2 = 42\nretpc [0x1000] delta 3'));
    expect(ok.events[1]).toMatchObject({ kind: 'interpreter', base: 2 });
    expect(restoredOf(ok.events[1])).toEqual(['#2=43']);
    expect(describeWords(ok.stack[2])).toBe('43');
    const wrong = run(trace(ir) + scenario('base 5\nslot #1 = raw 0x1008\nslot #2 = 42\nretpc [0x1000] delta 3'));
    expect(wrong.events[1]).toMatchObject({ kind: 'exit', exit: 0, base: 5 });
  });

  test('CALLN runs the pure helper; CALLS keeps its side effect per call', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 xmm0  >  num SLOAD  #2    T
0002 xmm1  >  num SLOAD  #3    T
0004 xmm0     num CALLN  pow         (0001 0002)
0005 rax      int CALLS  tracesim_tick  ()
0006 rax      int CALLS  tracesim_tick  ()
....              SNAP   #1   [ ---- ---- 0004 0005 0006 ]`;
    const r = run(trace(ir) + scenario('slot #2 = 2\nslot #3 = 10'));
    expect(restoredOf(r.events[1])).toEqual(['#2=1024', '#3=1', '#4=2']);
  });

  test('a root linking to itself without LOOP goes round through its tail until a guard exits', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 rbp      int SLOAD  #2    CI
0002 rbp      int ADD    0001  +1  
....              SNAP   #1   [ ---- ---- 0002 ]
0003       >  int LE     0002  +3  
....              SNAP   #2   [ ---- ---- 0002 ]`;
    const r = run(trace(ir, 'loop') + scenario('slot #2 = 0'));
    expect(r.events.map((e) => e.kind)).toEqual(['enter', 'link', 'link', 'link', 'exit']);
    expect(r.events[4]).toMatchObject({ exit: 1 });
    expect(describeWords(r.stack[2])).toBe('4');
  });

  test('the step budget ends an endless loop with a located error', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 rbp      int SLOAD  #2    CI
0002 ------------ LOOP ------------
0003 rbp      int ADD    0001  +1  `;
    const set = parseTraceFile(trace(ir, 'loop') + scenario('slot #2 = 0'));
    expect(() => runTraceSet(set)).toThrow(IrStepBudgetError);
    try {
      runTraceSet(set);
    } catch (e) {
      expect((e as IrStepBudgetError).location).toMatch(/^trace 1 ref 000[13]$/);
    }
  });

  test('an op the interpreter does not model is a located runtime error', () => {
    const ir = `....              SNAP   #0   [ ---- ---- ]
0001 rbp      fun SLOAD  #0    R
0002 rbp      tab FLOAD  0001  func.env`;
    const set = parseTraceFile(trace(ir) + scenario('slot #0 = fun f.lua:1'));
    expect(() => runTraceSet(set)).toThrow(new IrRuntimeError('trace 1 ref 0002', 'tab FLOAD func.env is not modelled by the reference interpreter'));
  });
});
