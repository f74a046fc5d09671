// Hot counters as LuaJIT 2.1 keeps them (reference §2.1): 64 uint16 counters hashed by the
// address of the next instruction, 2*hotloop-1 at start, loops subtract 2 and calls 1, a
// borrow fires and resets the counter to 2*hotloop; changing hotloop re-initialises all.
import { HotCounters, LuaString, compileLua, LuaInterpreter } from '../src';
import type { HotEvent } from '../src';

interface Seen {
  kind: 'loop' | 'call';
  op: string;
  /** The program's global `n` when the event fired. */
  n: unknown;
}

function runWithEvents(source: string, hotloop?: number): Seen[] {
  const seen: Seen[] = [];
  const record = (e: HotEvent): void => {
    const n = vm.globals.get(vm.heap.str('n'));
    seen.push({ kind: e.kind, op: e.op, n: n instanceof LuaString ? n.s : n });
  };
  const vm: LuaInterpreter = new LuaInterpreter({
    output: () => undefined,
    jit: true,
    jitOptions: hotloop === undefined ? '' : `hotloop=${hotloop}`,
    hooks: { onHotLoop: record, onHotCall: record },
  });
  vm.run(compileLua(source, 'hot.lua'));
  return seen;
}

const LOOP = 'n = 0\nfor i = 1, 300 do n = n + 1 end\n';
// n counts completed calls, so at the hot FUNCF of call k it is k - 1.
const CALLS = 'n = 0\nlocal function f() n = n + 1 end\nfor i = 1, 40 do end\nfor i = 1, 300 do f() end\n';

test.each([
  [56, 56],
  [1, 1],
  [10, 10],
])('hotloop=%i: a loop becomes hot on iteration %i', (hotloop, iteration) => {
  const first = runWithEvents(LOOP, hotloop).find((e) => e.kind === 'loop');
  expect(first).toEqual({ kind: 'loop', op: 'FORL', n: iteration });
});

test.each([
  [56, 112],
  [1, 2],
  [10, 20],
])('hotloop=%i: a function becomes hot on call %i', (hotloop, call) => {
  const first = runWithEvents(CALLS, hotloop).find((e) => e.kind === 'call');
  expect(first).toEqual({ kind: 'call', op: 'FUNCF', n: call - 1 });
});

test('the default hotloop is 56', () => {
  expect(runWithEvents(LOOP).find((e) => e.kind === 'loop')?.n).toBe(56);
});

test('after firing, a counter restarts at 2*hotloop (the next event 57 iterations later with hotloop=56)', () => {
  const loops = runWithEvents(LOOP, 56).filter((e) => e.kind === 'loop');
  expect(loops.map((e) => e.n)).toEqual([56, 113, 170, 227, 284]);
});

test('while and repeat loops count at LOOP, numeric for at FORL, pairs at ITERN', () => {
  // With hotloop=3 a counter starts at 5 and restarts at 6: events on ticks 3 and 7.
  // LOOP and ITERN tick before the body increments n; FORL ticks after it.
  const src = [
    'n = 0', 'while n < 10 do n = n + 1 end',
    'n = 0', 'repeat n = n + 1 until n >= 10',
    'n = 0', 'for i = 1, 9 do n = n + 1 end',
    'n = 0', 'local t = {1, 2, 3, 4, 5, 6, 7, 8, 9}', 'for k, v in pairs(t) do n = n + 1 end', '',
  ].join('\n');
  const loops = runWithEvents(src, 3).filter((e) => e.kind === 'loop');
  expect(loops.map((e) => [e.op, e.n])).toEqual([
    ['LOOP', 2], ['LOOP', 6], ['LOOP', 2], ['LOOP', 6], ['FORL', 3], ['FORL', 7], ['ITERN', 2], ['ITERN', 6],
  ]);
});

test('jit.opt.start("hotloop=N") re-initialises all counters', () => {
  const src = 'for i = 1, 30 do end\njit.opt.start("hotloop=4")\nn = 0\nfor i = 1, 20 do n = n + 1 end\n';
  expect(runWithEvents(src).filter((e) => e.kind === 'loop').map((e) => e.n)).toEqual([4, 9, 14, 19]);
});

test('loops whose next instructions are 256 bytes apart share one counter', () => {
  // Pad the gap between two loops until their FORLs hash to the same counter.
  for (let pad = 0; pad < 64; pad++) {
    const src = `n = 0\nfor i = 1, 30 do end\n${'n = 1\n'.repeat(pad)}n = 0\nfor i = 1, 100 do n = n + 1 end\n`;
    const main = compileLua(src, 'hot.lua');
    const forls = [...main.bc].map((ins, pc) => [ins & 0xff, pc]).filter(([op]) => op === 79).map(([, pc]) => pc);
    const vm = new LuaInterpreter({ output: () => undefined });
    vm.load(main);
    const slots = forls.map((pc) => HotCounters.slot(main.bcAddress + 4 * (pc + 1)));
    if (slots[0] !== slots[1]) continue;
    // The first loop leaves 111 - 2*30 = 51 in the shared counter: the second fires on iteration 26.
    expect(runWithEvents(src, 56).find((e) => e.kind === 'loop')?.n).toBe(26);
    return;
  }
  throw new Error('no padding made the two loops share a counter');
});

test('with the JIT off the counters do not tick', () => {
  let events = 0;
  const vm = new LuaInterpreter({ output: () => undefined, hooks: { onHotLoop: () => events++ } });
  vm.run(compileLua(LOOP, 'hot.lua'));
  expect(events).toBe(0);
  expect([...vm.hot.counts].every((c) => c === 111)).toBe(true);
});

test('counter arithmetic: borrow detection and reset', () => {
  const h = new HotCounters(2);
  expect(h.counts[5]).toBe(3);
  expect(h.tick(5, 2)).toBe(false);
  expect(h.tick(5, 2)).toBe(true);
  expect(h.counts[5]).toBe(4);
  expect(HotCounters.slot(0x400000 + 4 * 65)).toBe(1);
});
