// The #1169 trace files in examples/: the down-recursing side trace must be caught at its first
// self-link with a drift equal to its parent's frame, and every further lap must add that much
// again; the fixed ending and a framed root that links to itself must replay clean.

import { readFileSync } from 'fs';
import { join } from 'path';
import { replayTraceFile } from '../src';

const EXAMPLES = join(__dirname, '../../../examples');
const replay = (name: string, onViolation: 'stop' | 'continue' = 'stop') => {
  const file = join(EXAMPLES, name);
  return replayTraceFile(readFileSync(file, 'utf8'), file, { onViolation });
};

test('issue1169.trace: the side trace is caught at its first self-link, drift = the parent\'s spadjust', () => {
  const { assembled, result } = replay('issue1169.trace');
  const parent = assembled.traces.find((t) => t.trace.number === 4)!;
  expect(parent.spadjust).toBeGreaterThanOrEqual(0x40);
  expect(result.violations).toHaveLength(1);
  const v = result.violations[0];
  expect(v).toMatchObject({ kind: 'side-entry', trace: 5, delta: parent.spadjust });
  expect(v.actualRsp - v.expectedRsp!).toBe(parent.spadjust);
  expect(v.explanation).toContain('links to itself');
});

test('issue1169.trace in continue mode: each lap adds the parent\'s frame again, then the guard exit is off by two laps', () => {
  const { assembled, result } = replay('issue1169.trace', 'continue');
  const frame = assembled.traces.find((t) => t.trace.number === 4)!.spadjust;
  const entries = result.violations.filter((v) => v.kind === 'side-entry');
  expect(entries.map((v) => v.delta)).toEqual([frame, 2 * frame]);
  const exit = result.violations.find((v) => v.kind === 'guard-exit');
  expect(exit).toMatchObject({ trace: 5, exit: 1, delta: 2 * frame });
});

test('issue1169-fixed.trace (side trace stitches) and root-self-link.trace replay clean', () => {
  for (const name of ['issue1169-fixed.trace', 'root-self-link.trace']) {
    const { assembled, result } = replay(name);
    expect([name, result.violations]).toEqual([name, []]);
    expect(assembled.traces[0].spadjust).toBeGreaterThanOrEqual(0x40);
  }
});
