// Bad input never escapes as a raw exception: mutated trace files either parse or raise an
// IrError with a location; whatever parses is validated, and valid sets run, without crashes.

import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { IR_OPCODES, IR_TYPES, IrError, parseTraceFile, runTraceSet, validateTraceSet, type IRTypeName } from '@tracesim/ir';

const example = fs.readFileSync(path.resolve(__dirname, '../examples/sum-side.trace'), 'utf8');
const lines = example.split('\n');
const tokens = ['0001', '0099', '#', '+', '>', '|', ']', '[', '"', 'nan', 'PHI', 'LOOP', '  ', 'int', 'num', '-0', '{sink', '[8]', '----', '....', 'ftsz', 'CI', 'SNAP', '---- TRACE 3 start 7/9 z:1', 'slot #99 = 1'];

const mutation = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('delete' as const), fc.nat(), fc.nat({ max: 40 }), fc.nat({ max: 5 })),
    fc.tuple(fc.constant('insert' as const), fc.nat(), fc.nat({ max: 40 }), fc.nat({ max: tokens.length - 1 })),
    fc.tuple(fc.constant('swap' as const), fc.nat(), fc.nat(), fc.nat()),
  ),
  { minLength: 1, maxLength: 4 },
);

test('mutated trace files: parse, validate and run fail only with located IrErrors', () => {
  let rejected = 0;
  fc.assert(
    fc.property(mutation, (ms) => {
      const ls = lines.slice();
      for (const [kind, a, b, c] of ms) {
        const i = a % ls.length;
        if (kind === 'delete') ls[i] = ls[i].slice(0, b) + ls[i].slice(b + c);
        else if (kind === 'insert') ls[i] = ls[i].slice(0, b) + tokens[c] + ls[i].slice(b);
        else [ls[i], ls[b % ls.length]] = [ls[b % ls.length], ls[i]];
      }
      try {
        const set = parseTraceFile(ls.join('\n'), 'm.trace');
        if (validateTraceSet(set).length === 0) runTraceSet(set);
      } catch (e) {
        if (!(e instanceof IrError)) throw e;
        expect(e.location).not.toBe('');
        rejected++;
      }
    }),
    { numRuns: 3000, seed: 1 },
  );
  expect(rejected).toBeGreaterThan(100);
});

test('random (mostly invalid) models: the validator reports, never crashes; valid ones run or raise IrErrors', () => {
  const ops = IR_OPCODES.map(([name]) => name);
  const types = IR_TYPES.map(([, dump]) => dump.trim() as IRTypeName);
  const ins = fc.record({
    op: fc.constantFrom(...ops),
    type: fc.constantFrom(...types),
    guard: fc.boolean(),
    phi: fc.boolean(),
    op1: fc.integer({ min: 0x7ff8, max: 0x800c }),
    op2: fc.oneof(fc.integer({ min: 0x7ff8, max: 0x800c }), fc.nat({ max: 70000 })),
  });
  const snap = fc.record({
    ref: fc.integer({ min: 0x7ffe, max: 0x800c }),
    entries: fc.array(fc.record({ slot: fc.nat({ max: 6 }), ref: fc.integer({ min: 0x7ff8, max: 0x800c }), flags: fc.constant(0) }), { maxLength: 3 }),
    nslots: fc.nat({ max: 6 }),
    topslot: fc.constant(6),
    baseAdjust: fc.constant(0),
    count: fc.constant(0),
  });
  fc.assert(
    fc.property(fc.array(ins, { maxLength: 12 }), fc.array(snap, { maxLength: 3 }), fc.constantFrom('loop', 'interpreter', 'root' as const), (list, snaps, link) => {
      const set = {
        traces: [{ number: 1, start: { kind: 'root' as const }, location: 'r:1', link: { kind: link, target: link === 'loop' ? 1 : link === 'root' ? 1 : 0 }, ins: list, consts: [{ op: 'KPRI' as const, type: 'nil' as const }, { op: 'KPRI' as const, type: 'fal' as const }, { op: 'KPRI' as const, type: 'tru' as const }, { op: 'KINT' as const, type: 'int' as const, value: 3 }, { op: 'KNUM' as const, type: 'num' as const, value: 0.5 }], snapshots: snaps }],
        returnSites: [],
        scenario: { stackSlots: 8, base: 2, slots: [], enter: 1, times: 1, budget: 200 },
      };
      const errors = validateTraceSet(set);
      for (const e of errors) expect(e.location).toMatch(/^trace 1/);
      if (errors.length === 0) {
        try {
          runTraceSet(set);
        } catch (e) {
          if (!(e instanceof IrError)) throw e;
        }
      }
    }),
    { numRuns: 3000, seed: 3 },
  );
});
