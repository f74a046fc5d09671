// The reference interpreter's table parts, on hand-written trace files: FLOAD tab.array gives
// the scenario's address, AREF indexes it, ALOAD reads the slot under a type guard, ASTORE
// writes it (ints as doubles); FLOAD tab.node and HREFK find a node that must hold the constant
// key, HLOAD and HSTORE use it; the run reports every part at the end. Accesses off every
// scenario part and malformed `table` lines are errors with a location.

import { describeWords, IrParseError, IrRuntimeError, luaValueWords, parseTraceFile, printTraceFile, runTraceSet, validateTraceSet } from '@tracesim/ir';

const ARRAY = '0x2000000040';

function trace(ir: string): string {
  return `---- TRACE 1 start a.lua:1\n---- TRACE 1 IR\n${ir}\n---- TRACE 1 stop -> interpreter\n`;
}

function scenario(lines: string): string {
  return `\n---- SCENARIO\nslot #2 = tab {0x7}\n${lines}\nenter 1\nbudget 1000\n`;
}

function run(text: string) {
  const set = parseTraceFile(text, 'a.trace');
  expect(validateTraceSet(set).map((e) => e.message)).toEqual([]);
  return runTraceSet(set);
}

/** Loads t[index] as `type` into slot #3 after storing slot #2's table's [store] = 7 (an int). */
const ir = (type: string, index: string) => `....              SNAP   #0   [ ---- ---- ]
0001       >  tab SLOAD  #2    T
0002          p64 FLOAD  0001  tab.array
0003          p64 AREF   0002  +1  
0004          int ADD    +3    +4  
0005          num ASTORE 0003  0004
0006          p64 AREF   0002  ${index}
....              SNAP   #1   [ ---- ---- ]
0007       >  ${type} ALOAD  0006
....              SNAP   #2   [ ---- ---- 0001 0007 ]`;

const table = `table {0x7} asize 3 hmask 0 array ${ARRAY}\ntable {0x7} [0] = 2.5\ntable {0x7} [2] = str "z"`;

describe('array parts in the reference interpreter', () => {
  test('ASTORE writes the slot its AREF names; an ALOAD of it reads the int back as a number', () => {
    const r = run(trace(ir('num', '+1  ')) + scenario(table));
    expect(r.events[1]).toMatchObject({ kind: 'interpreter' });
    expect(describeWords(r.stack[3])).toBe('7');
    expect(r.tables).toHaveLength(1);
    expect(r.tables[0].slots).toEqual([luaValueWords({ kind: 'num', value: 2.5 }), luaValueWords({ kind: 'num', value: 7 }), luaValueWords({ kind: 'gc', type: 'str', text: '"z"' })]);
  });

  test('an ALOAD whose slot holds another type exits through the snapshot in force', () => {
    expect(run(trace(ir('num', '+2  ')) + scenario(table)).events[1]).toMatchObject({ kind: 'exit', exit: 1 });
    expect(run(trace(ir('str', '+2  ')) + scenario(table)).events[1]).toMatchObject({ kind: 'interpreter' });
    expect(run(trace(ir('nil', '+0  ')) + scenario(table)).events[1]).toMatchObject({ kind: 'exit', exit: 1 });
  });

  test('an access past every array part, or a table with no array part, is a located runtime error', () => {
    const error = (text: string) => {
      try {
        run(text);
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    };
    const off = error(trace(ir('num', '+3  ')) + scenario(table));
    expect(off).toBeInstanceOf(IrRuntimeError);
    expect(off).toMatchObject({ location: 'trace 1 ref 0007', message: 'ALOAD of 0x2000000058, which is no slot of a scenario table\'s parts' });
    expect(() => run(trace(ir('num', '+0  ')) + scenario('table {0x7} asize 0 hmask 0'))).toThrow(/FLOAD tab.array of table \{0x7\}, which has no array part/);
  });

  test('table lines round-trip, and bad ones are parse errors with their line', () => {
    const text = trace(ir('num', '+1  ')) + scenario(table);
    expect(printTraceFile(parseTraceFile(printTraceFile(parseTraceFile(text))))).toBe(printTraceFile(parseTraceFile(text)));
    const bad = (lines: string) => () => parseTraceFile(trace(ir('num', '+1  ')) + scenario(lines), 'a.trace');
    expect(bad('table {0x7} [0] = 1')).toThrow(IrParseError);
    expect(bad('table {0x7} [0] = 1')).toThrow(expect.objectContaining({ location: 'a.trace:17:1', message: 'table {0x7} has no `array 0xHEX` on a line before this slot' }));
    expect(bad(`table {0x7} asize 2 hmask 0 array ${ARRAY}\ntable {0x7} [2] = 1`)).toThrow(/\[2\] is past the array part of table \{0x7\} \(asize 2\)/);
    expect(bad(`table {0x7} asize 0 hmask 0 array ${ARRAY}`)).toThrow(/a table with asize 0 has no array part/);
    expect(bad(`table {0x7} asize 0 hmask 0 node ${ARRAY}`)).toThrow(/a table with hmask 0 has no hash part/);
    expect(bad(`table {0x7} asize 0 hmask 1 node ${ARRAY}\ntable {0x7} key [2] = 1`)).toThrow(/\[2\] is past the hash part of table \{0x7\} \(hmask 1\)/);
    expect(bad(`table {0x7} asize 0 hmask 1\ntable {0x7} node [0] = 1`)).toThrow(/has no `node 0xHEX` on a line before this value/);
  });
});

describe('hash parts in the reference interpreter', () => {
  /** t.b (node @1 while the key is "b") += 1 into slot #3, then t.a read into slot #4. */
  const hash = (slot: number) => `....              SNAP   #0   [ ---- ---- ]
0001       >  tab SLOAD  #2    T
0002          p64 FLOAD  0001  tab.node
0003       >  p64 HREFK  0002  "b"  @${slot}
0004       >  num HLOAD  0003
0005          num ADD    0004  +1  
0006          num HSTORE 0003  0005
....              SNAP   #1   [ ---- ---- 0001 0005 ]
0007       >  p64 HREFK  0002  "a"  @0
0008       >  nil HLOAD  0007
....              SNAP   #2   [ ---- ---- 0001 0005 0008 ]`;
  const nodes = `table {0x7} asize 0 hmask 1 node ${ARRAY}\ntable {0x7} key [0] = str "a"\ntable {0x7} key [1] = str "b"\ntable {0x7} node [1] = 41`;

  test('HREFK at the node holding the key: HLOAD reads it, HSTORE writes it, the run lists the node values', () => {
    const r = run(trace(hash(1)) + scenario(nodes));
    expect(r.events[1]).toMatchObject({ kind: 'interpreter' });
    expect(describeWords(r.stack[3])).toBe('42');
    expect(describeWords(r.stack[4])).toBe('nil');
    expect(r.tables[0].slots).toEqual([luaValueWords({ kind: 'nil' }), luaValueWords({ kind: 'num', value: 42 })]);
  });

  test('HREFK at a node holding another key exits, and nothing is stored', () => {
    const r = run(trace(hash(0)) + scenario(nodes));
    expect(r.events[1]).toMatchObject({ kind: 'exit', exit: 0 });
    expect(r.tables[0].slots[1]).toEqual(luaValueWords({ kind: 'num', value: 41 }));
  });

  test('the node lines round-trip', () => {
    const text = trace(hash(1)) + scenario(nodes);
    expect(printTraceFile(parseTraceFile(text))).toContain('table {0x7} key [1] = str "b"\ntable {0x7} node [1] = 41\n');
    expect(printTraceFile(parseTraceFile(printTraceFile(parseTraceFile(text))))).toBe(printTraceFile(parseTraceFile(text)));
  });
});
