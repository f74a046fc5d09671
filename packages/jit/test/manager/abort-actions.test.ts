// trace_abort's consequences: who is penalised (true roots not started at a RET), what the hot
// counter then holds and how many iterations/calls it takes to fire again (worked out from the
// counter arithmetic of lj_dispatch.h: loops subtract 2, calls 1, a borrow fires), RETRY,
// blacklisting, stitched and side traces, DOWNREC restarts, MCODELM/MCODEAL.
import { HotCounters, HOTCOUNT_CALL, HOTCOUNT_LOOP } from '@tracesim/lua';
import { seededRandom } from '@tracesim/machine';
import { JitRandom, PenaltyCache, abortActions, type AbortedTrace } from '@tracesim/jit';

const PC = 0x20000;
const forlRoot: AbortedTrace = { start: { kind: 'root' }, startOp: 'FORL', startPc: PC, abortOp: 'ADDVV' };
const slot = ((PC + 4) >>> 2) & 63;

/** Ticks until the counter borrows, counted on a real HotCounters. */
function ticksToFire(value: number, delta: number): number {
  const hot = new HotCounters(56);
  hot.set(slot, value);
  let n = 1;
  while (!hot.tick(slot, delta)) n++;
  return n;
}

test('a true root abort writes its penalty into the counter of the instruction after the start', () => {
  const actions = abortActions(forlRoot, 'LLEAVE', new PenaltyCache(new JitRandom(1)));
  expect(actions).toEqual([{ kind: 'hotcount', pc: PC, slot, value: 72 }]);
});

test('the penalty delays the next attempt by ~val/2 loop iterations or ~val calls', () => {
  // A counter c fires at the first tick k with c - d*k < 0: k = floor(c/d) + 1.
  expect(ticksToFire(72, HOTCOUNT_LOOP)).toBe(37);
  expect(ticksToFire(72, HOTCOUNT_CALL)).toBe(73);
  expect(ticksToFire(151, HOTCOUNT_LOOP)).toBe(76);
});

test('RETRY retries at once (counter 1) and leaves the penalty cache alone', () => {
  const cache = new PenaltyCache(new JitRandom(1));
  expect(abortActions(forlRoot, 'RETRY', cache)).toEqual([{ kind: 'hotcount', pc: PC, slot, value: 1 }]);
  expect(cache.entry(PC)).toBeUndefined();
  expect(ticksToFire(1, HOTCOUNT_LOOP)).toBe(1);
});

test('the 11th abort at the same start blacklists it instead of touching the counter', () => {
  const cache = new PenaltyCache(new JitRandom(3));
  for (let i = 0; i < 10; i++) expect(abortActions(forlRoot, 'NYIBC', cache)[0].kind).toBe('hotcount');
  expect(abortActions(forlRoot, 'NYIBC', cache)).toEqual([
    { kind: 'blacklist', pc: PC, patch: { op: 'IFORL', protoIloop: true } },
  ]);
  const itern: AbortedTrace = { ...forlRoot, startOp: 'ITERN', startPc: PC + 40 };
  for (let i = 0; i < 10; i++) abortActions(itern, 'NYIBC', cache);
  expect(abortActions(itern, 'NYIBC', cache)).toEqual([
    { kind: 'blacklist', pc: PC + 40, patch: { op: 'ITERC', isnext: 'JMP', protoIloop: false } },
  ]);
});

test('side-trace aborts are not penalised: their exit counter just keeps counting', () => {
  const cache = new PenaltyCache(new JitRandom(1));
  const side: AbortedTrace = { start: { kind: 'side', parent: 1, exit: 3 }, startOp: 'JMP', startPc: PC, abortOp: 'ADDVV' };
  expect(abortActions(side, 'NYIBC', cache)).toEqual([]);
  expect(cache.entry(PC)).toBeUndefined();
});

test('a stitched root that aborts blacklists stitching from the previous trace', () => {
  const stitched: AbortedTrace = { start: { kind: 'stitch', previous: 4 }, startOp: 'CALL', startPc: PC, abortOp: 'ADDVV' };
  expect(abortActions(stitched, 'NYIBC', new PenaltyCache(new JitRandom(1)))).toEqual([{ kind: 'blacklist-stitch', trace: 4 }]);
});

test('#1169 repro (§7): (4/stitch) aborts with DOWNREC: trace 4 stops stitching, a root restarts at the RET', () => {
  const stitched: AbortedTrace = { start: { kind: 'stitch', previous: 4 }, startOp: 'CALL', startPc: PC, abortOp: 'RET1' };
  expect(abortActions(stitched, 'DOWNREC', new PenaltyCache(new JitRandom(1)))).toEqual([
    { kind: 'blacklist-stitch', trace: 4 },
    { kind: 'restart-at-return' },
  ]);
});

test('DOWNREC: a true root is penalised, then restarts; RETM cannot restart; RET-started roots are never penalised', () => {
  const cache = new PenaltyCache(new JitRandom(1));
  const funcf: AbortedTrace = { start: { kind: 'root' }, startOp: 'FUNCF', startPc: PC, abortOp: 'RET1' };
  expect(abortActions(funcf, 'DOWNREC', cache)).toEqual([
    { kind: 'hotcount', pc: PC, slot, value: 72 },
    { kind: 'restart-at-return' },
  ]);
  expect(abortActions({ ...funcf, startPc: PC + 8, abortOp: 'RETM' }, 'DOWNREC', cache)).toEqual([
    { kind: 'hotcount', pc: PC + 8, slot: ((PC + 12) >>> 2) & 63, value: 72 },
  ]);
  const retRoot: AbortedTrace = { start: { kind: 'root' }, startOp: 'RET1', startPc: PC + 16, abortOp: 'ADDVV' };
  expect(abortActions(retRoot, 'NYIBC', cache)).toEqual([]);
  expect(cache.entry(PC + 16)).toBeUndefined();
  const side: AbortedTrace = { start: { kind: 'side', parent: 1, exit: 4 }, startOp: 'JMP', startPc: PC, abortOp: 'RET1' };
  expect(abortActions(side, 'DOWNREC', cache)).toEqual([{ kind: 'restart-at-return' }]);
});

test('MCODELM only retries the assembly; MCODEAL penalises and flushes everything', () => {
  const cache = new PenaltyCache(new JitRandom(1));
  expect(abortActions(forlRoot, 'MCODELM', cache)).toEqual([{ kind: 'retry-assembly' }]);
  expect(cache.entry(PC)).toBeUndefined();
  expect(abortActions(forlRoot, 'MCODEAL', cache)).toEqual([{ kind: 'hotcount', pc: PC, slot, value: 72 }, { kind: 'flush-all' }]);
});

test('the same seed gives the same penalties; the increment is the seed\'s first low nibble', () => {
  const run = (seed: number) => {
    const cache = new PenaltyCache(new JitRandom(seed));
    abortActions(forlRoot, 'LLEAVE', cache);
    return abortActions(forlRoot, 'LLEAVE', cache);
  };
  const first = Math.floor(seededRandom(99)() * 2 ** 32) % 16;
  expect(run(99)).toEqual(run(99));
  expect(run(99)).toEqual([{ kind: 'hotcount', pc: PC, slot, value: 144 + first }]);
  expect(new JitRandom(99).seed).toBe(99);
});
