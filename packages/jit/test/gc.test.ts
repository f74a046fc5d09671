// The collector (gc.ts): a loop making 10 million short-lived tables runs in bounded memory
// with the JIT off, and 1 million with it on (where the collection happens inside the trace's
// TNEW's lj_tab_new1 calls, with the trace's registers and spill slots as roots). Each run's sum is
// checked against the closed form, and the heap's high-water mark against a bound far below
// what the tables would take if none were freed (72 bytes each); so is the high-water mark of
// the emulated memory their array parts take (16 bytes each, table-arrays.ts). And fixtures/gc/revive.lua:
// tables held by the host or reachable only through tables, upvalues and coroutines survive
// 48 MB of garbage with their identity, printing what lua5.1 prints (scripts/record-gc.sh).

import * as fs from 'fs';
import * as path from 'path';
import { LuaInterpreter, compileLua } from '@tracesim/lua';
import { TracingJit } from '../src';

/** The loop, its table count and the sum it prints. */
function program(tables: number): { source: string; expected: string } {
  const source = `local n = 0\nfor i = 1, ${tables} do\n  local t = {i}\n  n = n + t[1]\nend\nprint(n)\n`;
  return { source, expected: `${(tables * (tables + 1)) / 2}\n` };
}
/** Four times the collector's 4 MB start threshold: never reached by live data here. */
const PEAK_BOUND = 16 * 1024 * 1024;
/** The array parts made between two collections (about 50,000 of 16 bytes) stay under this. */
const ARRAYS_BOUND = 2 * 1024 * 1024;

function run(jitOn: boolean, source: string) {
  let output = '';
  const jit = jitOn ? new TracingJit() : undefined;
  const vm = new LuaInterpreter({ output: (t) => (output += t), jit: jitOn, hooks: jit?.hooks, maxInstructions: 1e9 });
  jit?.attach(vm);
  vm.run(compileLua(source, 'tables.lua'));
  return { output, peak: vm.heap.peakBytes, arrays: vm.heap.arrays.highWater, traces: jit?.traces.length ?? 0 };
}

// 10 million with the JIT off; with it on, each table goes through the trace's TNEW (an lj_tab_new1 call)
// trap, several times slower on the CPU model, so the test takes 1 million (the CLI runs the
// 10 million in about 18 s).
test.each([[false, 10_000_000], [true, 1_000_000]])('short-lived tables, JIT %s, %i of them: the right sum, and a heap high-water mark under 16 MB, and one of their array parts under 2 MB', (jitOn, tables) => {
  const { source, expected } = program(tables);
  const { output, peak, arrays, traces } = run(jitOn, source);
  expect(output).toBe(expected);
  expect(peak).toBeLessThan(PEAK_BOUND);
  expect(arrays).toBeLessThan(ARRAYS_BOUND);
  // Without a collection the tables alone would take 72 bytes each, their array parts 16 more.
  expect(72 * tables).toBeGreaterThan(4 * PEAK_BOUND);
  expect(16 * tables).toBeGreaterThan(4 * ARRAYS_BOUND);
  if (jitOn) expect(traces).toBeGreaterThan(0);
}, 120_000);

test.each([false, true])('revive.lua, JIT %s: live tables keep their identity through collections', (jitOn) => {
  const dir = path.join(__dirname, '../../../fixtures/gc');
  const { output, peak, arrays } = run(jitOn, fs.readFileSync(path.join(dir, 'revive.lua'), 'latin1'));
  expect(output).toBe(fs.readFileSync(path.join(dir, 'revive.out'), 'latin1'));
  expect(peak).toBeLessThan(PEAK_BOUND);
  expect(arrays).toBeLessThan(ARRAYS_BOUND);
});
