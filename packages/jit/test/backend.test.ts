// The engine on code from the real backend (assembleTraceSet): the replayed events, final stack
// and BASE must equal the reference IR interpreter's, with every register budget down to the
// allocator's minimum (spills), and scenario variants (more entries, `until`, other values).
// Host helpers run behind the trap page. A #1169-shaped set must give the violations the
// host-stack contract predicts.
import { readFileSync } from 'fs';
import { join } from 'path';
import { assembleTraceSet, MIN_REGS } from '@tracesim/asm';
import { checkTraceSet, parseTraceFile, runTraceSet, type TraceSet } from '@tracesim/ir';
import { RSP0 } from '@tracesim/machine';
import { replayTraceSet, stripEngineFields } from '@tracesim/jit';
import { DOWN_RECURSION_SPILLING_PARENT, HELPER_CALLS, SELF_LINK_WITH_SIDE } from './sets';

const SUM_SIDE = readFileSync(join(__dirname, '../../ir/examples/sum-side.trace'), 'utf8');

function load(text: string): TraceSet {
  const set = parseTraceFile(text, 'test.trace');
  checkTraceSet(set);
  return set;
}

const variants: [string, string][] = [
  ['sum-side.trace', SUM_SIDE],
  ['sum-side.trace, 3 entries', SUM_SIDE.replace('times 1', 'times 3')],
  ['sum-side.trace, until 1/3', SUM_SIDE.replace('times 1', 'times 2\nuntil 1/3')],
  ['sum-side.trace, sum starts at -2.5, i at 4', SUM_SIDE.replace('slot #2 = 0', 'slot #2 = -2.5').replace('slot #3 = 1', 'slot #3 = 4')],
  ['sum-side.trace, a string in the sum slot (type guard exit 1/0)', SUM_SIDE.replace('slot #2 = 0', 'slot #2 = str "x"')],
  ['self-linking root with a side trace', SELF_LINK_WITH_SIDE],
  ['host helper calls (floor, pow, a tick counter that lives across entries)', HELPER_CALLS],
];

describe.each([undefined, 4, MIN_REGS])('regs %p', (regs) => {
  test.each(variants)('%s: events, stack and BASE match the reference interpreter', (_name, text) => {
    const set = load(text);
    const result = replayTraceSet(set, assembleTraceSet(set, { regs }));
    const reference = runTraceSet(set);
    expect(stripEngineFields(result.events)).toEqual(reference.events);
    expect(result.stack).toEqual(reference.stack);
    expect(result.base).toBe(reference.base);
    expect(result.violations).toEqual([]);
  });
});

test('#1169 shape from the backend: every lap of the down-recursion self-link drifts by the parent frame', () => {
  const set = load(DOWN_RECURSION_SPILLING_PARENT);
  const assembled = assembleTraceSet(set, { regs: MIN_REGS });
  const [parent, side] = [1, 2].map((n) => assembled.traces.find((t) => t.trace.number === n)!);
  expect(parent.spadjust).toBeGreaterThan(0); // four live numbers in two registers: the parent has a frame
  expect(side.spadjust).toBe(parent.spadjust);
  const result = replayTraceSet(set, assembled, { onViolation: 'continue' });
  // The values still follow the IR; only the host stack drifts.
  expect(stripEngineFields(result.events)).toEqual(runTraceSet(set).events);
  // Lap n (n = 1, 2) starts after n tails each added side.spadjust; the contract wants rsp0 - parent.spadjust.
  const sideEntries = result.violations.filter((v) => v.kind === 'side-entry');
  expect(sideEntries.map((v) => [v.expectedRsp, v.actualRsp])).toEqual([1, 2].map((lap) => [RSP0 - parent.spadjust, RSP0 - parent.spadjust + lap * side.spadjust]));
  const guardExit = result.violations.find((v) => v.kind === 'guard-exit');
  expect(guardExit?.delta).toBe(2 * side.spadjust);
  expect(result.events.find((e) => e.kind === 'exit')).toMatchObject({ trace: 2, exit: 1, rsp: RSP0 - parent.spadjust + 2 * side.spadjust });
});

test('the same set with enough registers has no frame, so the self-link is harmless', () => {
  const set = load(DOWN_RECURSION_SPILLING_PARENT);
  const assembled = assembleTraceSet(set);
  expect(assembled.traces.map((t) => t.spadjust)).toEqual([0, 0]);
  const result = replayTraceSet(set, assembled);
  expect(result.violations).toEqual([]);
  expect(stripEngineFields(result.events)).toEqual(runTraceSet(set).events);
});
