// Demo: LuaJIT #1169 in machine code. A parent trace with a 0x10-byte frame (modelled on
// trace 4 of fixtures/corpus/issue1169_num17.jdump) has its exit 0 patched to a side trace
// that ends like Debian LuaJIT's trace 5: `add rsp, +0x10; jmp <own start>`. Heads, tails,
// exit stubs and the exit patch come from the backend (@tracesim/asm); the code runs on the
// CPU model under the host-stack monitor (machine setup from @tracesim/jit). The fixed
// variant's tail goes to exit_interp.
import { exitStubAddress, exitStubGroup, patchExit, traceHead, traceTail, type CodeSequence } from '@tracesim/asm';
import { describeViolation, type Violation } from '@tracesim/cpu-sim';
import { createMachine } from '@tracesim/jit';
import { DISPATCH, REGIONS, RSP0, trapAddress } from '@tracesim/machine';
import { assemble, decodeAll, formatInstruction } from '@tracesim/x86';

const PARENT = 4;
const SIDE = 5;
const SPADJUST = 0x10;
const LAPS = 3;

const stubsAt = REGIONS.mcode.base;
const parentAt = stubsAt + 0x100;
const sideAt = stubsAt + 0x200;
const exitHandler = trapAddress('exit_handler');
const exitInterp = trapAddress('exit_interp');

type Piece = (at: number) => { readonly bytes: Uint8Array };

/** Lays pieces of code out one after another from `address` and joins their bytes. */
function layOut(address: number, pieces: Piece[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let at = address;
  for (const piece of pieces) {
    const { bytes } = piece(at);
    chunks.push(bytes);
    at += bytes.length;
  }
  const joined = new Uint8Array(at - address);
  chunks.reduce((offset, chunk) => (joined.set(chunk, offset), offset + chunk.length), 0);
  return joined;
}

/** A guard in LuaJIT's form: an instruction setting flags, then `jcc rel32` to an exit stub. */
const guard = (text: string): Piece => (at) => assemble(text, { address: at, long: true });
const head = (trace: number, rspDrop: number): Piece => (at): CodeSequence => traceHead(trace, rspDrop, at);

export interface DemoRun {
  readonly listing: string[];
  readonly violations: Violation[];
  readonly stoppedAt: string;
}

function runVariant(linkToSelf: boolean): DemoRun {
  const stubs = exitStubGroup(0, stubsAt, exitHandler);
  const stub = (exit: number) => exitStubAddress([stubsAt], exit);
  const parent = layOut(parentAt, [
    head(PARENT, SPADJUST),
    guard(`cmp rcx, 0x0\njnz ${stub(0)}`),
    (at) => traceTail(SPADJUST, { kind: 'exit_interp' }, at),
  ]);
  // Side trace: it needs no frame of its own (spdelta 0) but inherits the parent's 0x10 bytes.
  const sideLink = linkToSelf ? { kind: 'trace', number: SIDE, address: sideAt } as const : { kind: 'exit_interp' } as const;
  const side = layOut(sideAt, [head(SIDE, 0), guard(`sub rax, 0x1\njz ${stub(1)}`), (at) => traceTail(SPADJUST, sideLink, at)]);
  patchExit(parent, parentAt, stub(0), sideAt, PARENT);

  const { memory, cpu, monitor } = createMachine({
    exitStubs: { start: stubsAt, end: stubsAt + stubs.bytes.length },
    onViolation: 'continue',
    sourceLine: () => 'issue1169_num17.lua:7',
  });
  memory.writeBytes(stubsAt, stubs.bytes);
  memory.writeBytes(parentAt, parent);
  memory.writeBytes(sideAt, side);

  const listing = [`---- exit stubs: group 0 at ${stubsAt.toString(16)}, exit N at +4*N, tail -> exit_handler`];
  const show = (title: string, at: number, bytes: Uint8Array) => {
    listing.push(`---- ${title}`);
    for (const ins of decodeAll(bytes, at)) listing.push(`${ins.address.toString(16)}  ${formatInstruction(ins)}`);
  };
  show(`TRACE ${PARENT} mcode (root, spadjust 0x${SPADJUST.toString(16)}; exit 0 patched to trace ${SIDE})`, parentAt, parent);
  show(`TRACE ${SIDE} mcode (side ${PARENT}/0, stop -> ${linkToSelf ? 'down-recursion' : 'interpreter'})`, sideAt, side);

  let stoppedAt = '';
  cpu.mapTrap(exitHandler, 'exit_handler', () => ((stoppedAt = 'exit_handler'), { kind: 'stop' }));
  cpu.mapTrap(exitInterp, 'exit_interp', () => ((stoppedAt = 'exit_interp'), { kind: 'stop' }));
  monitor.registerTrace({ number: PARENT, start: parentAt, spadjust: SPADJUST });
  monitor.registerTrace({ number: SIDE, start: sideAt, spadjust: SPADJUST, parent: PARENT, parentExit: 0 });
  cpu.state.setRegNumber(14, DISPATCH);
  cpu.state.setRegNumber(0, LAPS);
  cpu.state.setRegNumber(1, 1);
  cpu.state.rsp = RSP0;
  cpu.state.rip = parentAt;
  cpu.run({ maxSteps: 10_000 });
  return { listing, violations: monitor.violations, stoppedAt };
}

/** Runs the unfixed (self-linking) and the fixed side trace and describes both. */
export function issue1169McodeDemo(): { lines: string[]; unfixed: DemoRun; fixed: DemoRun } {
  const unfixed = runVariant(true);
  const fixed = runVariant(false);
  const lines = [
    `LuaJIT #1169 in machine code: side trace ${SIDE} inherits trace ${PARENT}'s 0x${SPADJUST.toString(16)}-byte frame and links to itself (${LAPS} laps).`,
    '',
    ...unfixed.listing,
    '',
    `Run on the CPU model (monitor on, --on-violation=continue): ${unfixed.violations.length} violation(s), stopped at ${unfixed.stoppedAt}`,
    ...unfixed.violations.map(describeViolation),
    '',
    'Fixed LuaJIT (commit cae36118) never lets a side trace link down-recursion to itself; with the tail jumping to exit_interp instead:',
    ...fixed.listing.slice(fixed.listing.findIndex((l) => l.startsWith(`---- TRACE ${SIDE}`))),
    `Run: ${fixed.violations.length} violation(s), stopped at ${fixed.stoppedAt}`,
  ];
  return { lines, unfixed, fixed };
}
