// Hot exits and side-trace attempts (trace_hotside, lj_record_setup, trace_stop), as sequences
// of taken exits with the reference's rules: a side trace starts once ++count >= hotexit; failed
// attempts keep counting; at count >= hotexit + tryside, or with maxside children on the root,
// the attempt becomes an interpreter stub; a linked exit is done for good.
import { JitOptions } from '@tracesim/lua';
import { SNAPCOUNT_DONE, SideExits, type ExitVerdict } from '@tracesim/jit';

const EXIT = { trace: 1, exit: 3, root: 1 };

function take(exits: SideExits, n: number, ref = EXIT): ExitVerdict[] {
  return Array.from({ length: n }, () => exits.exitTaken(ref));
}

test('defaults (hotexit 10, tryside 4): 9 quiet exits, 4 attempts, then an interpreter stub', () => {
  const exits = new SideExits(new JitOptions().params);
  expect(take(exits, 9)).toEqual(Array(9).fill('none'));
  expect(take(exits, 4)).toEqual(Array(4).fill('record')); // every attempt aborted
  expect(exits.count(1, 3)).toBe(13);
  expect(exits.exitTaken(EXIT)).toBe('interp-stub');
  exits.sideTraceLinked(EXIT); // the stub links and marks the exit done
  expect(exits.count(1, 3)).toBe(SNAPCOUNT_DONE);
  expect(take(exits, 5)).toEqual(Array(5).fill('none'));
  expect(exits.children(1)).toBe(1);
});

test('a side trace that compiles marks its exit done; other exits keep their own counters', () => {
  const opts = new JitOptions();
  opts.applyList('hotexit=2', '-O');
  const exits = new SideExits(opts.params);
  expect(take(exits, 2)).toEqual(['none', 'record']);
  exits.sideTraceLinked(EXIT);
  expect(take(exits, 3)).toEqual(['none', 'none', 'none']);
  expect(take(exits, 2, { trace: 1, exit: 4, root: 1 })).toEqual(['none', 'record']);
});

test('hotexit=1 (the #1169 repro): the first exit starts a side trace', () => {
  const opts = new JitOptions();
  opts.applyList('hotloop=1,hotexit=1,recunroll=1', '-O');
  expect(new SideExits(opts.params).exitTaken(EXIT)).toBe('record');
});

test('maxside children on the root turn the next hot exit of any trace in its chain into a stub', () => {
  const opts = new JitOptions();
  opts.applyList('maxside=1,hotexit=1', '-O');
  const exits = new SideExits(opts.params);
  expect(exits.exitTaken({ trace: 2, exit: 0, root: 2 })).toBe('record');
  exits.sideTraceLinked({ trace: 2, exit: 0, root: 2 }); // trace 3 = (2/0)
  expect(exits.exitTaken({ trace: 3, exit: 1, root: 2 })).toBe('interp-stub'); // side of the side: same root
  expect(exits.exitTaken({ trace: 5, exit: 1, root: 5 })).toBe('record'); // another root is unaffected
});

test('parameter changes apply to the next exit', () => {
  const opts = new JitOptions();
  const exits = new SideExits(opts.params);
  expect(take(exits, 3)).toEqual(['none', 'none', 'none']);
  opts.applyList('hotexit=4,tryside=1', '-O');
  expect(take(exits, 2)).toEqual(['record', 'interp-stub']);
});

test('the counter is a uint8 that stops at SNAPCOUNT_DONE: hotexit above 255 never fires', () => {
  const opts = new JitOptions();
  opts.applyList('hotexit=300', '-O');
  const exits = new SideExits(opts.params);
  expect(take(exits, 400).every((v) => v === 'none')).toBe(true);
  expect(exits.count(1, 3)).toBe(255);
});

test('markDone: the tail snapshot of a non-looping trace never gets hot', () => {
  const opts = new JitOptions();
  opts.applyList('hotexit=1', '-O');
  const exits = new SideExits(opts.params);
  exits.markDone(1, 3);
  expect(take(exits, 3)).toEqual(['none', 'none', 'none']);
  expect(exits.children(1)).toBe(0);
});
