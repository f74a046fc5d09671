// Property: executing sequentializeMoves' output one move at a time gives every destination the
// value its source held before any move (the parallel semantics), for random move sets with
// register and memory locations, constants, shared sources and cycles.

import fc from 'fast-check';
import { sequentializeMoves, type Loc, type Move } from '../src';

const SEED = 20261126;
const LOCS: Loc[] = [
  ...[0, 1, 3, 5, 16, 17].map((reg): Loc => ({ kind: 'reg', reg })),
  ...[8, 16, 24].map((disp): Loc => ({ kind: 'mem', base: 4, disp })),
];
const TEMP: Loc = { kind: 'mem', base: 14, disp: 0x110 };
const key = (l: Loc | { kind: 'const'; bits: bigint }): string => (l.kind === 'reg' ? `r${l.reg}` : l.kind === 'mem' ? `m${l.base}:${l.disp}` : `k${l.bits}`);

const moveSet = fc
  .tuple(fc.shuffledSubarray(LOCS, { minLength: 1 }), fc.array(fc.oneof(fc.integer({ min: 0, max: LOCS.length - 1 }), fc.bigInt({ min: 0n, max: 99n })), { minLength: LOCS.length, maxLength: LOCS.length }))
  .map(([dsts, picks]): Move[] => dsts.map((dst, i) => ({
    dst,
    src: typeof picks[i] === 'bigint' ? { kind: 'const', bits: picks[i] as bigint } : LOCS[picks[i] as number],
    width: 64,
    fpr: false,
  })));

test('sequential order gives the parallel semantics (seeded)', () => {
  fc.assert(
    fc.property(moveSet, (moves) => {
      const state = new Map<string, string>(LOCS.map((l) => [key(l), `v-${key(l)}`]));
      const expected = new Map(state);
      for (const m of moves) expected.set(key(m.dst), m.src.kind === 'const' ? `k${m.src.bits}` : state.get(key(m.src))!);
      for (const m of sequentializeMoves(moves, TEMP)) {
        state.set(key(m.dst), m.src.kind === 'const' ? `k${m.src.bits}` : state.get(key(m.src))!);
      }
      for (const l of LOCS) expect([key(l), state.get(key(l))]).toEqual([key(l), expected.get(key(l))]);
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

test('a swap of two registers goes through the temporary', () => {
  const a: Loc = { kind: 'reg', reg: 0 };
  const b: Loc = { kind: 'reg', reg: 1 };
  const out = sequentializeMoves([{ dst: a, src: b, width: 64, fpr: false }, { dst: b, src: a, width: 64, fpr: false }], TEMP);
  expect(out).toHaveLength(3);
  expect(out[0].dst).toEqual(TEMP);
});
