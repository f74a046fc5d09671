// penalty_pc / blacklist_pc, checked with short explicit sequences. The random increments are
// recomputed here straight from machine's seededRandom (low 4 bits of each 32-bit draw), and
// the blacklist ops from LuaJIT's rule op + (ILOOP - LOOP) over lua's bytecode numbering.
import { seededRandom } from '@tracesim/machine';
import { BC, OP_NAMES } from '@tracesim/lua';
import {
  BLACKLIST_PATCHES, JitRandom, PENALTY_MAX, PENALTY_MIN, PENALTY_RNDBITS, PENALTY_SLOTS, PenaltyCache,
} from '@tracesim/jit';

/** The first n random increments a seed yields. */
function increments(seed: number, n: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => Math.floor(next() * 2 ** 32) % 16);
}

const PC = 0x10000;

test('the constants of lj_jit.h', () => {
  expect([PENALTY_SLOTS, PENALTY_MIN, PENALTY_MAX, PENALTY_RNDBITS]).toEqual([64, 72, 60000, 4]);
});

test('first abort at a pc costs 72, each further one doubles it plus a seeded 0..15', () => {
  const seed = 1169;
  const cache = new PenaltyCache(new JitRandom(seed));
  const r = increments(seed, 3);
  expect(cache.penalize(PC, 'LLEAVE')).toEqual({ kind: 'penalty', value: 72 });
  expect(cache.penalize(PC, 'LLEAVE')).toEqual({ kind: 'penalty', value: 144 + r[0] });
  expect(cache.penalize(PC, 'NYIBC')).toEqual({ kind: 'penalty', value: 2 * (144 + r[0]) + r[1] });
  expect(cache.entry(PC)).toEqual({ pc: PC, val: 2 * (144 + r[0]) + r[1], reason: 'NYIBC' });
});

test('fresh pcs draw no random bits: the first repeat gets the seed\'s first increment', () => {
  const seed = 7;
  const cache = new PenaltyCache(new JitRandom(seed));
  for (let i = 0; i < 10; i++) expect(cache.penalize(PC + 4 * i, 'LINNER')).toEqual({ kind: 'penalty', value: 72 });
  expect(cache.penalize(PC + 8, 'LINNER')).toEqual({ kind: 'penalty', value: 144 + increments(seed, 1)[0] });
});

test.each([1, 2, 3, 42, 0xdeadbeef])('seed %i: ten penalties, then the 11th abort blacklists (and so does every later one)', (seed) => {
  const cache = new PenaltyCache(new JitRandom(seed));
  const r = increments(seed, 11);
  let expected = 72;
  for (let k = 0; k < 10; k++) {
    if (k > 0) expected = 2 * expected + r[k - 1];
    expect(cache.penalize(PC, 'TYPEINS')).toEqual({ kind: 'penalty', value: expected });
    expect(expected).toBeLessThanOrEqual(PENALTY_MAX);
  }
  expect(2 * expected + r[9]).toBeGreaterThan(PENALTY_MAX);
  expect(cache.penalize(PC, 'TYPEINS')).toEqual({ kind: 'blacklist' });
  // The entry keeps its last value: the op is an I-variant now, so only a stale start could hit it again.
  expect(cache.entry(PC)?.val).toBe(expected);
  expect(cache.penalize(PC, 'TYPEINS')).toEqual({ kind: 'blacklist' });
});

test('64 slots round-robin: the 65th new pc evicts the oldest, whose history is lost', () => {
  const seed = 5;
  const cache = new PenaltyCache(new JitRandom(seed));
  for (let i = 0; i < PENALTY_SLOTS; i++) cache.penalize(PC + 4 * i, 'LLEAVE');
  expect(cache.entry(PC)).toBeDefined();
  cache.penalize(PC + 4 * PENALTY_SLOTS, 'LLEAVE'); // takes slot 0
  expect(cache.entry(PC)).toBeUndefined();
  expect(cache.penalize(PC + 4, 'LLEAVE')).toEqual({ kind: 'penalty', value: 144 + increments(seed, 1)[0] }); // still cached
  expect(cache.penalize(PC, 'LLEAVE')).toEqual({ kind: 'penalty', value: 72 }); // fresh again, takes slot 1 ...
  expect(cache.entry(PC + 4)).toBeUndefined(); // ... evicting pc+4
});

test('innerloopleft: LLEAVE/LINNER history with val >= 2*PENALTY_MIN', () => {
  const cache = new PenaltyCache(new JitRandom(0));
  expect(cache.innerLoopLeft(PC)).toBe(false);
  cache.penalize(PC, 'LLEAVE');
  expect(cache.innerLoopLeft(PC)).toBe(false); // 72 < 144
  cache.penalize(PC, 'LINNER');
  expect(cache.innerLoopLeft(PC)).toBe(true); // >= 144
  cache.penalize(PC, 'NYIBC');
  expect(cache.innerLoopLeft(PC)).toBe(false); // the latest reason counts
  expect(cache.innerLoopLeft(PC + 4)).toBe(false);
});

test('blacklisting rewrites a hot op to op + (ILOOP - LOOP); ITERN becomes ITERC with its ISNEXT a JMP', () => {
  for (const op of ['FORL', 'ITERL', 'LOOP', 'FUNCF', 'FUNCV'] as const) {
    expect(BLACKLIST_PATCHES[op]).toEqual({ op: OP_NAMES[BC[op] + BC.ILOOP - BC.LOOP], protoIloop: true });
  }
  expect(BLACKLIST_PATCHES.FORL.op).toBe('IFORL');
  expect(BLACKLIST_PATCHES.ITERN).toEqual({ op: 'ITERC', isnext: 'JMP', protoIloop: false });
});
