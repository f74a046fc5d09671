// Trace files: the README example parses, prints back identically and runs to the hand-computed
// result; bad files give located errors saying what was expected.

import * as fs from 'fs';
import * as path from 'path';
import { describeWords, formatRunEvent, IrParseError, parseTraceFile, printTraceFile, runTraceSet, validateTraceSet } from '@tracesim/ir';

const EXAMPLE = path.resolve(__dirname, '../examples/sum-side.trace');

describe('trace file format', () => {
  test('the example round-trips byte-identical and validates', () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const set = parseTraceFile(text, 'sum-side.trace');
    expect(printTraceFile(set)).toBe(text);
    expect(validateTraceSet(set)).toEqual([]);
    expect(set.traces[1].start).toEqual({ kind: 'side', parent: 1, exit: 3 });
    expect(set.traces[0].link).toEqual({ kind: 'loop', target: 1 });
    expect(set.traces[0].ins[0].reg).toEqual({ kind: 'reg', name: 'rbp' });
  });

  test('the example runs: 1+2+...+10 = 55 in the loop, exit 3 enters the side trace, which doubles it', () => {
    const r = runTraceSet(parseTraceFile(fs.readFileSync(EXAMPLE, 'utf8')));
    expect(r.events.map((e) => e.kind)).toEqual(['enter', 'side', 'interpreter']);
    expect(r.events[1]).toMatchObject({ trace: 1, exit: 3, side: 2, count: 1 });
    const last = r.events[2];
    if (last.kind !== 'interpreter') throw new Error('expected an interpreter event');
    expect(last.restored.map((s) => [s.slot, describeWords(s.words)])).toEqual([[2, '110'], [3, '11']]);
    expect(r.events.map(formatRunEvent)).toEqual([
      'enter 1',
      'exit 1/3 count=1 -> side trace 2',
      'link 2 -> interpreter interpreter base=2 #2=110 #3=11',
    ]);
  });

  test.each([
    ['an unknown opcode', '0001 rbp      int SLOADX #3    CI', '3:19', 'unknown IR opcode `SLOADX`'],
    ['an unknown type', '0001 rbp      inx SLOAD  #3    CI', '3:15', 'unknown IR type `inx`'],
    ['a bad literal', '0001 rbp      int SLOAD  #3    CIQ', '3:32', '`CIQ` is not a valid literal for SLOAD'],
    ['a bad operand', '0001 rbp      int ADD    0001  %%', '3:32', 'expected an operand'],
  ])('%s gives a located parse error', (_what, line, location, message) => {
    const text = `---- TRACE 1 start x.lua:1\n---- TRACE 1 IR\n${line}\n---- TRACE 1 stop -> interpreter\n`;
    let error: unknown;
    try {
      parseTraceFile(text, 'bad.trace');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IrParseError);
    expect((error as IrParseError).location).toBe(`bad.trace:${location}`);
    expect((error as IrParseError).message).toContain(message);
  });

  test('structure errors name the line and what was expected', () => {
    const cases: [string, string, string][] = [
      ['---- TRACE 1 start x.lua:1\n0001 rbp int SLOAD #3 CI\n', 'f:2:1', 'expected `---- TRACE 1 IR`'],
      ['---- TRACE 1 start x.lua:1\n---- TRACE 1 IR\n---- TRACE 1 stop -> sideways\n', 'f:3:22', 'unknown link kind `sideways`'],
      ['hello\n', 'f:1:1', 'expected `---- TRACE N start ...`'],
      ['---- SCENARIO\nslot #2 = banana\n', 'f:2:11', 'is not a value'],
      ['---- SCENARIO\nslot #2 = 1\n', 'f:1:1', 'needs `enter N`'],
      ['---- TRACE 1 start x.lua:1\n---- TRACE 1 IR\n....              SNAP   #1   [ ]\n---- TRACE 1 stop -> return\n', 'f:3:26', 'snapshot #1 out of order'],
    ];
    for (const [text, location, message] of cases) {
      try {
        parseTraceFile(text, 'f');
        throw new Error(`no error for ${JSON.stringify(text)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(IrParseError);
        expect([(e as IrParseError).location, (e as IrParseError).message]).toEqual([location, expect.stringContaining(message)]);
      }
    }
  });
});
