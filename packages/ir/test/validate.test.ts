// The validator on broken trace files: each rule break is reported at `trace N ref NNNN` (or the
// snapshot / trace) with a message naming what is wrong.

import { parseTraceFile, validateTraceSet, checkTraceSet, IrValidationError, type TraceSet } from '@tracesim/ir';

function errorsOf(body: string): string[] {
  const set = parseTraceFile(body, 'v.trace');
  return validateTraceSet(set).map((e) => `${e.location}: ${e.message}`);
}

function root(ir: string, stop = 'interpreter', n = 1): string {
  return `---- TRACE ${n} start v.lua:1\n---- TRACE ${n} IR\n${ir}\n---- TRACE ${n} stop -> ${stop}\n`;
}

const SNAP0 = '....              SNAP   #0   [ ---- ---- ]';

describe('validator', () => {
  test('a valid trace has no errors', () => {
    expect(errorsOf(root(`${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002       >  int LE     0001  +10 `))).toEqual([]);
  });

  test.each([
    ['forward ref', `${SNAP0}\n0001 rbp      int ADD    0002  +1  \n0002 rbp      int SLOAD  #2    CI`, 'trace 1 ref 0001: operand 1 of ADD refers to 0002, which is not defined before 0001'],
    ['ref out of range', `${SNAP0}\n0001 rbp      int ADD    0042  +1  `, 'trace 1 ref 0001: operand 1 of ADD refers to 0042, which is not defined before 0001'],
    ['type mismatch', `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002 >  num SLOAD  #3    T\n0003 xmm0     num ADD    0001  0002`, 'trace 1 ref 0003: type mismatch: operand 1 of ADD is int (0001), expected num'],
    ['guard with no snapshot', `0001 rbp      int SLOAD  #2    CI\n0002       >  int LE     0001  +10 \n${SNAP0}`, 'trace 1 ref 0002: guard LE has no snapshot in force (the first snapshot applies from 0003)'],
    ['comparison without guard flag', `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002          int LE     0001  +10 `, 'trace 1 ref 0002: LE must be a guard (flag >)'],
    ['using a guard as a value', `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002       >  int LE     0001  +10 \n0003 rbp      int ADD    0002  +1  `, 'trace 1 ref 0003: operand 1 of ADD refers to LE 0002, which produces no value'],
    ['PHI without LOOP', `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002 rbp      int PHI    0001  0001`, 'trace 1 ref 0002: PHI without a preceding LOOP'],
    ['P SLOAD in a root trace', `${SNAP0}\n0001 rbp      int SLOAD  #2    PI`, 'trace 1 ref 0001: SLOAD #2 has mode P but trace 1 is not a side trace: only side traces inherit from a parent'],
    ['snapshot naming a later ref', `0001 rbp      int SLOAD  #2    CI\n....              SNAP   #0   [ ---- ---- 0002 ]\n0002 rbp      int ADD    0001  +1  `, 'trace 1 snapshot #0: slot 2 refers to 0002, which is not defined before the snapshot applies (0002)'],
    ['call with the wrong arguments', `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002 xmm0     num CALLN  lj_vm_floor  (0001)`, 'trace 1 ref 0002: type mismatch: argument 1 of CALLN is int (0001), expected num'],
  ])('%s', (_what, ir, expected) => {
    expect(errorsOf(root(ir))).toContain(expected);
  });

  test('LOOP in a trace that does not link to itself', () => {
    const ir = `${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n0002 ------------ LOOP ------------`;
    expect(errorsOf(root(ir, 'return'))).toContain('trace 1 ref 0002: a trace with LOOP must link to itself (loop or recursion), not return 0');
  });

  test('side trace without its parent', () => {
    const text = '---- TRACE 2 start 9/0 v.lua:1\n---- TRACE 2 IR\n---- TRACE 2 stop -> interpreter\n';
    expect(errorsOf(text)).toEqual(['trace 2: side trace names parent trace 9, which is not in the trace set']);
  });

  test('side trace loading a parent slot from the stack instead of inheriting it', () => {
    const parent = root(`${SNAP0}\n0001 rbp      int SLOAD  #2    CI\n....              SNAP   #1   [ ---- ---- 0001 ]\n0002       >  int LE     0001  +10 `);
    const side = '---- TRACE 2 start 1/1 v.lua:1\n---- TRACE 2 IR\n0001 rbp      int SLOAD  #2    CI\n---- TRACE 2 stop -> 1\n';
    expect(errorsOf(parent + side)).toEqual([
      "trace 2 ref 0001: SLOAD #2 reads the stack, but the parent's exit snapshot holds slot 2 (not yet written to the stack): use mode P",
    ]);
  });

  test('unknown opcode in a hand-built model, and checkTraceSet throws the first error', () => {
    const set: TraceSet = {
      traces: [{ number: 1, start: { kind: 'root' }, location: 'x:1', link: { kind: 'return', target: 0 }, consts: [], snapshots: [], ins: [{ op: 'FOO' as never, type: 'int', guard: false, phi: false, op1: 0, op2: 0 }] }],
      returnSites: [],
    };
    expect(() => checkTraceSet(set)).toThrow(IrValidationError);
    expect(validateTraceSet(set).map((e) => `${e.location}: ${e.message}`)).toEqual(['trace 1 ref 0001: unknown opcode FOO']);
  });
});
