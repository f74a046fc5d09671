// Demo: LuaJIT #1169 in machine code. A parent trace with a 0x10-byte frame (modelled on
// trace 4 of fixtures/corpus/issue1169_num17.jdump) has its exit 0 patched to a side trace
// that ends like Debian LuaJIT's trace 5: `add rsp, +0x10; jmp <own start>`. The code runs
// on the CPU model under the host-stack monitor; the fixed variant ends at exit_interp.
import { Cpu, HostStackMonitor, Memory, describeViolation, type Violation } from '@tracesim/cpu-sim';
import { C_FRAME_R, C_FRAME_SIZE, DISPATCH, DISPATCH_OFFSETS, REGIONS, RSP0, trapAddress } from '@tracesim/machine';
import { assemble, formatInstruction } from '@tracesim/x86';

const PARENT = 4;
const SIDE = 5;
const SPADJUST = 0x10;
const LAPS = 3;

const stubs = REGIONS.mcode.base;
const parentStart = stubs + 0x100;
const sideStart = stubs + 0x200;
const vmstate = `[r14${DISPATCH_OFFSETS.vmstate < 0 ? '-' : '+'}0x${Math.abs(DISPATCH_OFFSETS.vmstate).toString(16)}]`;
const exitHandler = trapAddress('exit_handler');
const exitInterp = trapAddress('exit_interp');

/** Exit stubs 0 and 1 of group 0 in LuaJIT's layout: `push lo; jmp short tail`, then the tail. */
const STUB_CODE = `push 0x0\njmp ${stubs + 6}\npush 0x1\npush 0x0\njmp ${exitHandler}`;
const stubAddress = (exit: number) => stubs + 4 * exit;

/** Parent trace: frame of SPADJUST bytes; its guard (exit 0) is patched to jump to the side trace. */
const PARENT_CODE = [
  `add rsp, -0x${SPADJUST.toString(16)}`,
  `mov dword ${vmstate}, ${PARENT}`,
  'cmp rcx, 0x0',
  `jnz ${sideStart}`,
  `add rsp, 0x${SPADJUST.toString(16)}`,
  `jmp ${exitInterp}`,
].join('\n');

/** Side trace: spdelta 0, so no head adjustment; rax counts laps until its guard (exit 1) fails. */
function sideCode(linkToSelf: boolean): string {
  return [
    `mov dword ${vmstate}, ${SIDE}`,
    'sub rax, 0x1',
    `jz ${stubAddress(1)}`,
    `add rsp, 0x${SPADJUST.toString(16)}`,
    `jmp ${linkToSelf ? sideStart : exitInterp}`,
  ].join('\n');
}

export interface DemoRun {
  readonly listing: string[];
  readonly violations: Violation[];
  readonly stoppedAt: string;
}

function runVariant(linkToSelf: boolean): DemoRun {
  const memory = new Memory();
  memory.map(REGIONS.mcode.base, 0x1000, 'rx', REGIONS.mcode.name);
  memory.map(REGIONS.trap.base, REGIONS.trap.size, REGIONS.trap.perm, REGIONS.trap.name);
  memory.map(REGIONS.global.base, REGIONS.global.size, REGIONS.global.perm, REGIONS.global.name);
  memory.map(REGIONS.cStack.base, REGIONS.cStack.size, REGIONS.cStack.perm, REGIONS.cStack.name);
  const listing: string[] = [];
  const place = (title: string, address: number, text: string) => {
    const { instructions, bytes } = assemble(text, { address });
    memory.writeBytes(address, bytes);
    listing.push(`---- ${title}`);
    for (const ins of instructions) listing.push(`${ins.address.toString(16)}  ${formatInstruction(ins)}`);
  };
  place('exit stubs 0-1', stubs, STUB_CODE);
  place(`TRACE ${PARENT} mcode (root, spadjust 0x${SPADJUST.toString(16)})`, parentStart, PARENT_CODE);
  place(`TRACE ${SIDE} mcode (side ${PARENT}/0, ${linkToSelf ? 'stop -> down-recursion' : 'stop -> interpreter'})`, sideStart, sideCode(linkToSelf));

  const cpu = new Cpu(memory);
  let stoppedAt = '';
  cpu.mapTrap(exitHandler, 'exit_handler', () => ((stoppedAt = 'exit_handler'), { kind: 'stop' }));
  cpu.mapTrap(exitInterp, 'exit_interp', () => ((stoppedAt = 'exit_interp'), { kind: 'stop' }));
  const monitor = new HostStackMonitor(cpu, {
    rsp0: RSP0,
    frameTop: C_FRAME_R + C_FRAME_SIZE,
    vmstateAddress: DISPATCH + DISPATCH_OFFSETS.vmstate,
    exitHandler,
    exitInterp,
    exitStubs: { start: stubs, end: stubs + 0x10 },
    onViolation: 'continue',
    sourceLine: () => 'issue1169_num17.lua:7',
  });
  monitor.registerTrace({ number: PARENT, start: parentStart, spadjust: SPADJUST });
  monitor.registerTrace({ number: SIDE, start: sideStart, spadjust: SPADJUST, parent: PARENT, parentExit: 0 });
  cpu.state.setRegNumber(14, DISPATCH);
  cpu.state.setRegNumber(0, LAPS);
  cpu.state.setRegNumber(1, 1);
  cpu.state.rsp = RSP0;
  cpu.state.rip = parentStart;
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
    `Fixed LuaJIT (commit cae36118) never lets a side trace link down-recursion to itself; with the tail jumping to exit_interp instead:`,
    ...fixed.listing.slice(-6),
    `Run: ${fixed.violations.length} violation(s), stopped at ${fixed.stoppedAt}`,
  ];
  return { lines, unfixed, fixed };
}
