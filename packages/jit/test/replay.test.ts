// The replay engine on hand-written machine code (heads, tails, stubs and patching from the
// backend's building blocks). Oracles: the reference IR interpreter (runTraceSet) for the
// events and the stack, and the host-stack contract's arithmetic (rsp0 − parent.spadjust) for
// the violations of a #1169-shaped side trace.
import { checkTraceSet, parseTraceFile, runTraceSet, type TraceSet } from '@tracesim/ir';
import { RSP0, numberWords } from '@tracesim/machine';
import { NUMBER_HI_LIMIT } from '@tracesim/machine';
import { formatReplayLog, replayJson, replayTraceSet, stripEngineFields, ReplayBudgetError, ReplayInputError, type ReplayEvent } from '@tracesim/jit';
import { handAssemble, inReg, type HandTrace } from './support/hand-assembled';
import { DOWN_RECURSION_SIDE, SELF_LINK_WITH_SIDE } from './sets';

const XMM7 = 16 + 7;
const ONE = '0x3ff0000000000000';
const numberCheck = (stubExit: number) => `cmp dword [rdx+0x4], 0x${NUMBER_HI_LIMIT.toString(16)}\njae {stub ${stubExit}}`;

function load(text: string): TraceSet {
  const set = parseTraceFile(text, 'test.trace');
  checkTraceSet(set);
  return set;
}

/** Trace 1: x = stack #2 + 1; exit 1 unless x < 4; tail syncs #2 = x and jumps to its own head. Trace 2: #2 = 2x. */
const selfLinkCode = (spadjust: number): HandTrace[] => [
  {
    number: 1, spadjust, spdelta: spadjust, tail: 1,
    body: `${numberCheck(0)}
movsd xmm7, qword [rdx]
mov rax, ${ONE}
movq xmm6, rax
addsd xmm7, xmm6
mov rax, 0x4010000000000000
movq xmm6, rax
ucomisd xmm7, xmm6
jae {stub 1}
movsd qword [rdx], xmm7`,
    exitMaps: [[], [inReg(2, 'num', XMM7)]],
  },
  {
    number: 2, spadjust, spdelta: 0, tail: 'interpreter',
    body: `addsd xmm7, xmm7
movsd qword [rdx], xmm7`,
    exitMaps: [[inReg(2, 'num', XMM7)]],
  },
];

/** Trace 1 (frame 0x10): exit 1 unless #2 < 1, patched to trace 2; trace 2: x = #2 - 1, exit 1 unless x >= 1, sync, jump to itself. */
const downRecursionCode: HandTrace[] = [
  {
    number: 1, spadjust: 0x10, spdelta: 0x10, tail: 'interpreter',
    body: `${numberCheck(0)}
movsd xmm7, qword [rdx]
mov rax, ${ONE}
movq xmm6, rax
ucomisd xmm7, xmm6
jae {stub 1}`,
    exitMaps: [[], []],
  },
  {
    number: 2, spadjust: 0x10, spdelta: 0, tail: 2,
    body: `${numberCheck(0)}
movsd xmm7, qword [rdx]
mov rax, ${ONE}
movq xmm6, rax
subsd xmm7, xmm6
ucomisd xmm7, xmm6
jb {stub 1}
movsd qword [rdx], xmm7`,
    exitMaps: [[], [inReg(2, 'num', XMM7)]],
  },
];

const kinds = (events: readonly ReplayEvent[]) => events.map((e) => e.kind);

test('a self-linking root with a patched side exit gives the reference interpreter\'s events and stack', () => {
  const set = load(SELF_LINK_WITH_SIDE);
  const result = replayTraceSet(set, handAssemble(set, selfLinkCode(0x10)));
  const reference = runTraceSet(set);
  expect(stripEngineFields(result.events)).toEqual(reference.events);
  expect(result.stack).toEqual(reference.stack);
  expect(result.base).toBe(reference.base);
  expect(result.violations).toEqual([]);
  // Links and the interpreter return happen with rsp back at rsp0; the side entry inside trace 1's frame.
  const rspOf = (kind: string) => result.events.filter((e) => e.kind === kind).map((e) => (e as { rsp: number }).rsp);
  expect(rspOf('link')).toEqual([RSP0, RSP0, RSP0]);
  expect(rspOf('interpreter')).toEqual([RSP0, RSP0]);
  expect(rspOf('side')).toEqual([RSP0 - 0x10, RSP0 - 0x10]);
});

test('the scenario\'s until stops the whole run when the exit is taken through a patched side entry', () => {
  const text = SELF_LINK_WITH_SIDE.replace('times 2', 'times 2\nuntil 1/1');
  const set = load(text);
  const result = replayTraceSet(set, handAssemble(set, selfLinkCode(0x10)));
  expect(stripEngineFields(result.events)).toEqual(runTraceSet(set).events);
  expect(kinds(result.events)).toEqual(['enter', 'link', 'link', 'link', 'side']);
});

test('a guard exit restores its exit map; T0 is rsp0 - spadjust; until on a plain exit stops the run', () => {
  // Without trace 2, exit 1/1 goes to exit_handler and restores #2 from xmm7.
  const text = SELF_LINK_WITH_SIDE.replace(/---- TRACE 2[\s\S]*?stop -> interpreter\n/, '').replace('times 2', 'times 3\nuntil 1/1');
  const set = load(text);
  const result = replayTraceSet(set, handAssemble(set, selfLinkCode(0x20).slice(0, 1)));
  const reference = runTraceSet(set);
  expect(stripEngineFields(result.events)).toEqual(reference.events);
  const exit = result.events.find((e) => e.kind === 'exit');
  expect(exit).toMatchObject({ trace: 1, exit: 1, count: 1, rsp: RSP0 - 0x20, base: 2, restored: [{ slot: 2, index: 2, words: numberWords(4) }] });
  expect(result.events.filter((e) => e.kind === 'enter')).toHaveLength(1);
});

test('#1169: each self-link of the side trace is reported with the drift the contract predicts (continue mode)', () => {
  const set = load(DOWN_RECURSION_SIDE);
  const result = replayTraceSet(set, handAssemble(set, downRecursionCode), { onViolation: 'continue' });
  // The values still follow the IR: the drift corrupts only the host stack.
  expect(stripEngineFields(result.events)).toEqual(runTraceSet(set).events);
  const parentFrame = 0x10;
  const expectedSideEntry = RSP0 - parentFrame;
  expect(result.violations.map((v) => [v.kind, v.delta])).toEqual([
    ['side-entry', RSP0 - expectedSideEntry], // lap 2 enters with rsp0: the tail added the inherited 0x10
    ['rsp-above-rsp0', undefined],
    ['side-entry', RSP0 + parentFrame - expectedSideEntry],
    ['c-frame-write', undefined], // the exit stub's first push lands at rsp0 + 8
    ['guard-exit', RSP0 + parentFrame - (RSP0 - parentFrame)],
  ].map(([k, d]) => [k, d === undefined && k === 'rsp-above-rsp0' ? expect.any(Number) : d]));
  expect(result.violations[0].chain).toBe('1 →exit 1→ 2 → 2');
  expect(kinds(result.events)).toEqual(['enter', 'side', 'link', 'violation', 'violation', 'link', 'violation', 'violation', 'exit', 'violation']);
  const exit = result.events[8];
  expect(exit).toMatchObject({ kind: 'exit', trace: 2, exit: 1, rsp: RSP0 + parentFrame });
  // Text log: one line per event, the violation's explanation indented under it.
  const log = formatReplayLog(result.events).split('\n');
  expect(log[0]).toBe(`enter 1 rsp=0x${RSP0.toString(16)}`);
  expect(log[1]).toBe(`side 1/1 #1 -> 2 rsp=0x${(RSP0 - 0x10).toString(16)}`);
  expect(log[2]).toBe(`link 2 -> 2 (down-recursion) rsp=0x${RSP0.toString(16)} base=2 restored #2=2`);
  expect(log[3]).toMatch(/^violation side-entry in trace 2 at 0x[0-9a-f]+ \(jmp 0x[0-9a-f]+\): .*\(delta \+0x10\); chain 1 →exit 1→ 2 → 2; t\.lua:2$/);
  expect(log[4]).toMatch(/^ {2}side trace 2 links to itself but inherits 0x10 bytes of trace 1's frame/);
});

test('#1169 in stop mode: the replay ends at the first violation', () => {
  const set = load(DOWN_RECURSION_SIDE);
  const result = replayTraceSet(set, handAssemble(set, downRecursionCode));
  expect(kinds(result.events)).toEqual(['enter', 'side', 'link', 'violation']);
  expect(result.violations).toHaveLength(1);
});

test('the replay is deterministic and its JSON form spells every field', () => {
  const set = load(DOWN_RECURSION_SIDE);
  const code = handAssemble(set, downRecursionCode);
  const a = JSON.stringify(replayJson(replayTraceSet(set, code, { onViolation: 'continue' })));
  const b = JSON.stringify(replayJson(replayTraceSet(set, handAssemble(set, downRecursionCode), { onViolation: 'continue' })));
  expect(a).toBe(b);
  const json = JSON.parse(a);
  expect(Object.keys(json)).toEqual(['events', 'violations', 'base', 'stack']);
  expect(json.violations).toBe(5);
  expect(json.events[2]).toEqual({
    kind: 'link', trace: 2, link: 'down-recursion', to: 2, rsp: '0x' + RSP0.toString(16), base: 2,
    restored: [{ slot: 2, index: 2, value: '2', bits: '0x4000000000000000' }],
  });
  expect(json.events[3].violation).toMatchObject({ kind: 'side-entry', trace: 2, exit: null, delta: '+0x10', chain: '1 →exit 1→ 2 → 2' });
  expect(json.stack).toHaveLength(16);
});

test('a budget too small for the machine code is a located error', () => {
  const set = load(SELF_LINK_WITH_SIDE.replace('budget 1000', 'budget 1'));
  const run = () => replayTraceSet(set, handAssemble(set, selfLinkCode(0x10)));
  expect(run).toThrow(ReplayBudgetError);
  expect(run).toThrow(expect.objectContaining({ location: expect.stringMatching(/^trace [12] at 0x[0-9a-f]+$/) }));
});

test('a scenario slot outside the stack is located bad input', () => {
  const set = load(SELF_LINK_WITH_SIDE.replace('slot #2 = 0', 'slot #40 = 0'));
  expect(() => replayTraceSet(set, handAssemble(set, selfLinkCode(0x10)))).toThrow(expect.objectContaining({ location: 'scenario' }));
  expect(() => replayTraceSet(set, handAssemble(set, selfLinkCode(0x10)))).toThrow(ReplayInputError);
});
