// One replay per link kind (examples/links/*.trace), at the default register budget and at the
// minimum one (which forces spill frames). The rsp the engine saw is checked against the
// host-stack contract computed from each trace's spadjust and parent, not from the backend's
// internals: an exit's T0 is rsp0 - spadjust, a patched exit enters its side trace at
// rsp0 - parent.spadjust, and every tail leaves at rsp0. The events must equal the reference
// interpreter's, and no violation may occur.

import { readFileSync } from 'fs';
import { join } from 'path';
import { MIN_REGS, type AssembledTrace } from '@tracesim/asm';
import { runTraceSet } from '@tracesim/ir';
import { RSP0 } from '@tracesim/machine';
import { replayTraceFile, stripEngineFields } from '../src';

const DIR = join(__dirname, '../../../examples/links');
const KINDS: readonly [string, string][] = [
  ['loop', 'loop'], ['root', '-> N'], ['tail-recursion', 'tail-recursion'], ['up-recursion', 'up-recursion'],
  ['down-recursion', 'down-recursion'], ['interpreter', 'interpreter'], ['return', 'return'], ['stitch', 'stitch'],
];

describe.each(KINDS)('%s (%s)', (name, kind) => {
  const file = join(DIR, `${name}.trace`);
  const text = readFileSync(file, 'utf8');

  test.each([undefined, MIN_REGS])('regs %p: rsp at every exit, side entry and tail follows the contract', (regs) => {
    const { set, assembled, result } = replayTraceFile(text, file, { regs });
    const trace = (n: number): AssembledTrace => assembled.traces.find((t) => t.trace.number === n)!;
    expect(result.violations).toEqual([]);
    expect(stripEngineFields(result.events)).toEqual(runTraceSet(set).events);
    const kinds = new Set<string>();
    for (const e of result.events) {
      if (e.kind === 'exit') expect([e.kind, e.trace, e.rsp]).toEqual([e.kind, e.trace, RSP0 - trace(e.trace).spadjust]);
      if (e.kind === 'side') expect([e.kind, e.trace, e.rsp]).toEqual([e.kind, e.trace, RSP0 - trace(e.trace).spadjust]);
      if (e.kind === 'link' || e.kind === 'interpreter' || e.kind === 'enter') expect([e.kind, e.rsp]).toEqual([e.kind, RSP0]);
      if (e.kind === 'link' || e.kind === 'interpreter') kinds.add(e.link === 'root' ? '-> N' : e.link);
      if (e.kind === 'exit' && trace(e.trace).trace.link.kind === 'loop') kinds.add('loop');
    }
    // The file exercises the link kind it is named after.
    expect(kinds).toContain(kind);
  });
});

test('at the minimum budget most link-kind traces need a frame, so the rsp checks are not vacuous', () => {
  const framed = KINDS.filter(([name]) => {
    const file = join(DIR, `${name}.trace`);
    return replayTraceFile(readFileSync(file, 'utf8'), file, { regs: MIN_REGS }).assembled.traces.some((t) => t.spadjust > 0);
  });
  expect(framed.length).toBeGreaterThanOrEqual(5);
});
