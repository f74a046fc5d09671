// The host-stack monitor, one row of DESIGN.md's contract table at a time: a hand-written
// snippet that keeps the rule (no report) and one that breaks it (the exact report).
// Layout: a root trace 4 (spadjust 0x60) and its side trace 5 (exit 0 of trace 4), a
// LuaJIT-layout exit stub group, traps for exit_handler, exit_interp and one helper.
import { assemble, formatInstruction } from '@tracesim/x86';
import { Cpu, HostStackMonitor, Memory, describeViolation, type Violation } from '../src';

const CODE = 0x100000;
const SIDE = 0x101000;
const STUBS = 0x103000;
const EXIT_HANDLER = 0x200000;
const EXIT_INTERP = 0x200010;
const HELPER = 0x200020;
const G = 0x300000; // DISPATCH (r14); vmstate at G+0x10
const R = 0x7fef00; // the interpreter's C frame
const RSP0 = R - 16;

/** Exit stubs 0 and 1 of group 0: `push lo; jmp short tail`, `push lo` falling into `push hi; jmp exit_handler`. */
function stubBytes(): Uint8Array {
  const tail = STUBS + 6;
  const rel = EXIT_HANDLER - (tail + 2 + 5);
  return Uint8Array.from([0x6a, 0x00, 0xeb, 0x02, 0x6a, 0x01, 0x6a, 0x00, 0xe9, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff]);
}

interface Scenario {
  root: string;
  side?: string;
  rsp?: number;
  rax?: bigint;
  mode?: 'stop' | 'continue';
  /** More code: [address, text]. */
  extra?: [number, string][];
}

function run(s: Scenario): { violations: Violation[]; reason: string } {
  const memory = new Memory();
  memory.map(CODE, 0x4000, 'rx', 'mcode');
  memory.map(0x200000, 0x1000, 'rx', 'traps');
  memory.map(G, 0x1000, 'rw', 'global state');
  memory.map(0x7f0000, 0x10000, 'rw', 'C stack');
  memory.writeBytes(CODE, assemble(s.root, { address: CODE }).bytes);
  if (s.side) memory.writeBytes(SIDE, assemble(s.side, { address: SIDE }).bytes);
  for (const [address, text] of s.extra ?? []) memory.writeBytes(address, assemble(text, { address }).bytes);
  memory.writeBytes(STUBS, stubBytes());
  const cpu = new Cpu(memory);
  cpu.mapTrap(EXIT_HANDLER, 'exit_handler', () => ({ kind: 'stop' }));
  cpu.mapTrap(EXIT_INTERP, 'exit_interp', () => ({ kind: 'stop' }));
  cpu.mapTrap(HELPER, 'lj_tab_get', () => undefined);
  const monitor = new HostStackMonitor(cpu, {
    rsp0: RSP0, frameTop: R + 80, vmstateAddress: G + 0x10, exitHandler: EXIT_HANDLER, exitInterp: EXIT_INTERP,
    exitStubs: { start: STUBS, end: STUBS + 13 }, onViolation: s.mode ?? 'stop',
    sourceLine: (trace) => `prog.lua:${trace + 10}`,
  });
  monitor.nameHelper(HELPER, 'lj_tab_get');
  monitor.registerTrace({ number: 4, start: CODE, spadjust: 0x60 });
  monitor.registerTrace({ number: 5, start: SIDE, spadjust: 0x60, parent: 4, parentExit: 0 });
  cpu.state.setRegNumber(14, G);
  cpu.state.setReg(0, s.rax ?? 0n);
  cpu.state.setReg(1, 3n);
  cpu.state.rsp = s.rsp ?? RSP0;
  cpu.state.rip = CODE;
  const result = cpu.run({ maxSteps: 1000 });
  return { violations: monitor.violations, reason: result.reason };
}

/** The address and text of instruction `index` of `text` assembled at `address`. */
function instructionOf(text: string, address: number, index: number): { address: number; instruction: string } {
  const ins = assemble(text, { address }).instructions[index];
  return { address: ins.address, instruction: formatInstruction(ins) };
}

const HEAD = 'sub rsp, 0x60\nmov dword [r14+0x10], 4\n';
const TAIL = 'add rsp, 0x60\njmp 0x200010\n';

describe('jump to a root trace start: rsp == rsp0', () => {
  test('kept', () => {
    expect(run({ root: HEAD + TAIL })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: entered 8 bytes low', () => {
    expect(run({ root: HEAD + TAIL, rsp: RSP0 - 8 }).violations).toEqual([{
      kind: 'root-entry', trace: 4, exit: undefined, ...instructionOf(HEAD, CODE, 0),
      expectedRsp: RSP0, actualRsp: RSP0 - 8, delta: -8, chain: '4', sourceLine: 'prog.lua:14',
      explanation: 'root trace 4 must be entered with rsp == rsp0, but rsp is 0x8 bytes below it',
    }]);
  });
});

describe("jump to a side trace start: rsp == rsp0 - parent.spadjust", () => {
  const root = HEAD + `cmp rax, 0\njne ${SIDE}\n` + TAIL;
  test('kept: the patched exit enters inside the parent frame', () => {
    expect(run({ root, side: 'mov dword [r14+0x10], 5\n' + TAIL, rax: 1n })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: the side trace links to itself (LuaJIT #1169)', () => {
    const side = `mov dword [r14+0x10], 5\nsub rcx, 1\nadd rsp, 0x60\njmp ${SIDE}\n`;
    expect(run({ root, side, rax: 1n }).violations).toEqual([{
      kind: 'side-entry', trace: 5, exit: undefined, ...instructionOf(side, SIDE, 3),
      expectedRsp: RSP0 - 0x60, actualRsp: RSP0, delta: 0x60, chain: '4 →exit 0→ 5 → 5', sourceLine: 'prog.lua:15',
      explanation: "side trace 5 links to itself but inherits 0x60 bytes of trace 4's frame: each lap raises rsp by 0x60 (LuaJIT #1169)",
    }]);
  });
});

describe('guard exit reaching exit_handler: T0 == rsp0 - X.spadjust', () => {
  test('kept', () => {
    expect(run({ root: HEAD + `cmp rax, 0\njne ${STUBS + 4}\n` + TAIL, rax: 1n })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: an unbalanced push before the guard', () => {
    const root = HEAD + `push rbx\ncmp rax, 0\njne ${STUBS + 4}\n` + TAIL;
    expect(run({ root, rax: 1n }).violations).toEqual([{
      kind: 'guard-exit', trace: 4, exit: 1, ...instructionOf(root, CODE, 4),
      expectedRsp: RSP0 - 0x60, actualRsp: RSP0 - 0x68, delta: -8, chain: '4', sourceLine: 'prog.lua:14',
      explanation: 'exit 1 of trace 4 is taken with rsp 0x8 bytes below rsp0 - spadjust (0x60): the exit handler reads the spill slots from the wrong place',
    }]);
  });
});

describe('tail jump to exit_interp: rsp == rsp0', () => {
  test('kept: the tail adds the full spadjust', () => {
    expect(run({ root: HEAD + 'add rsp, 0x60\njmp 0x200010\n' })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: the tail restores too little', () => {
    const root = HEAD + 'add rsp, 0x50\njmp 0x200010\n';
    expect(run({ root }).violations).toEqual([{
      kind: 'exit-interp', trace: 4, exit: undefined, ...instructionOf(root, CODE, 3),
      expectedRsp: RSP0, actualRsp: RSP0 - 0x10, delta: -0x10, chain: '4', sourceLine: 'prog.lua:14',
      explanation: 'the tail jump to exit_interp needs rsp == rsp0, but rsp is 0x10 bytes below it: the interpreter would take its C frame from rsp + 16',
    }]);
  });
});

describe('call into a host helper: rsp ≡ 0 (mod 16) before the call', () => {
  test('kept', () => {
    expect(run({ root: HEAD + `call ${HELPER}\n` + TAIL })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: a frame of 0x58 bytes', () => {
    const root = `sub rsp, 0x58\nmov dword [r14+0x10], 4\ncall ${HELPER}\nadd rsp, 0x58\njmp 0x200010\n`;
    expect(run({ root }).violations).toEqual([{
      kind: 'helper-alignment', trace: 4, exit: undefined, ...instructionOf(root, CODE, 2),
      expectedRsp: undefined, actualRsp: RSP0 - 0x58, delta: undefined, chain: '4', sourceLine: 'prog.lua:14',
      explanation: 'call to helper lj_tab_get with rsp ≡ 8 (mod 16) before the call: the SysV ABI needs 16-byte alignment',
    }]);
  });
});

describe('in trace code: rsp <= rsp0 and the C frame above rsp0+8 intact', () => {
  test('kept: balanced push/pop and a store to the fixed spill slots', () => {
    expect(run({ root: 'push rax\npop rax\nmov [rsp], rax\n' + HEAD + TAIL })).toEqual({ violations: [], reason: 'trap-stop' });
  });
  test('broken: rsp rises above rsp0', () => {
    const root = 'add rsp, 8\nsub rsp, 8\n' + HEAD + TAIL;
    expect(run({ root }).violations).toEqual([{
      kind: 'rsp-above-rsp0', trace: 4, exit: undefined, ...instructionOf(root, CODE, 0),
      expectedRsp: RSP0, actualRsp: RSP0 + 8, delta: 8, chain: '4', sourceLine: 'prog.lua:14',
      explanation: "rsp rose 0x8 bytes above rsp0 in trace code: the trace's frame now overlaps the interpreter's C frame",
    }]);
  });
  test('broken: a store into SAVE_L', () => {
    const root = 'mov [rsp+0x20], rax\n' + HEAD + TAIL;
    expect(run({ root }).violations).toEqual([{
      kind: 'c-frame-write', trace: 4, exit: undefined, ...instructionOf(root, CODE, 0),
      expectedRsp: undefined, actualRsp: RSP0, delta: undefined, chain: '4', sourceLine: 'prog.lua:14',
      explanation: "trace code wrote 8 bytes at rsp0+0x20 (SAVE_L): the interpreter's C frame above rsp0+8 must stay intact",
    }]);
  });
});

test('continue mode records every lap of the #1169 drift and lets the run go on', () => {
  const root = HEAD + `cmp rax, 0\njne ${SIDE}\n` + TAIL;
  const side = `mov dword [r14+0x10], 5\nsub rcx, 1\nje ${SIDE + 0x800}\nadd rsp, 0x60\njmp ${SIDE}\n`;
  // rcx = 3: two self-links, then the third lap leaves through its tail to exit_interp
  const { violations, reason } = run({ root, side, rax: 1n, mode: 'continue', extra: [[SIDE + 0x800, TAIL]] });
  expect(reason).toBe('trap-stop');
  expect(violations.map((v) => [v.kind, v.delta, v.chain])).toEqual([
    ['side-entry', 0x60, '4 →exit 0→ 5 → 5'],
    ['rsp-above-rsp0', 0x60, '4 →exit 0→ 5 → 5'],
    ['side-entry', 0xc0, '4 →exit 0→ 5 → 5 → 5'],
    ['exit-interp', 0xc0, '4 →exit 0→ 5 → 5 → 5'],
  ]);
});

test('describeViolation puts every field on two lines', () => {
  const root = HEAD + `cmp rax, 0\njne ${SIDE}\n` + TAIL;
  const side = `mov dword [r14+0x10], 5\nsub rcx, 1\nadd rsp, 0x60\njmp ${SIDE}\n`;
  const [violation] = run({ root, side, rax: 1n }).violations;
  expect(describeViolation(violation)).toBe(
    `side-entry in trace 5 at 0x${instructionOf(side, SIDE, 3).address.toString(16)} (jmp 0x101000): rsp 0x7feef0, expected 0x7fee90 (delta +0x60); chain 4 →exit 0→ 5 → 5; prog.lua:15\n` +
    "  side trace 5 links to itself but inherits 0x60 bytes of trace 4's frame: each lap raises rsp by 0x60 (LuaJIT #1169)",
  );
});
