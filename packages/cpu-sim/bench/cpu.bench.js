// CPU benchmark: emulated MIPS (median of 7 runs) for the 11-instruction loop
// mov, add, xor, shl, imul, load, add, store, sub, cmp, jnz — with the host-stack monitor
// off and on (the loop registered as a root trace, entered with rsp == rsp0).
// Run after `tsc -b`: node packages/cpu-sim/bench/cpu.bench.js
'use strict';
const { assemble } = require('../../x86/dist/index.js');
const { Cpu, Memory, HostStackMonitor } = require('../dist/index.js');

const CODE = 0x400000;
const DATA = 0x600000;
const STACK = 0x7f0000;
const R = 0x7fef00;
// The trace head stores the trace number to vmstate; the loop body follows (as LuaJIT's
// ->LOOP label), so the monitor sees one trace entry and then watches the loop run.
const HEAD = 'mov dword [rdi+0x800], 1\n';
const LOOP_AT = CODE + assemble(HEAD, { address: CODE }).bytes.length;
const LOOP = [
  'mov rax, 5',
  'add rax, rbx',
  'xor rdx, rax',
  'shl rdx, 3',
  'imul rdx, rax',
  'mov r8, [rdi+8]',
  'add r8, rdx',
  'mov [rdi+16], r8',
  'sub rcx, 1',
  'cmp rcx, 0',
  `jnz ${LOOP_AT}`,
].join('\n');
const ITERATIONS = 2_000_000;
const RUNS = 7;

function machine(monitorOn) {
  const memory = new Memory();
  memory.map(CODE, 0x1000, 'rx', 'mcode');
  memory.map(DATA, 0x1000, 'rw', 'data');
  memory.map(STACK, 0x10000, 'rw', 'C stack');
  memory.map(0x200000, 0x1000, 'rx', 'traps');
  const { bytes } = assemble(HEAD + LOOP, { address: CODE });
  memory.writeBytes(CODE, bytes);
  const cpu = new Cpu(memory);
  if (monitorOn) {
    const monitor = new HostStackMonitor(cpu, {
      rsp0: R - 16, frameTop: R + 80, vmstateAddress: DATA + 0x800, exitHandler: 0x200000, exitInterp: 0x200010, onViolation: 'stop',
    });
    monitor.registerTrace({ number: 1, start: CODE, spadjust: 0 });
  }
  return { cpu, end: CODE + bytes.length };
}

function once(monitorOn) {
  const { cpu, end } = machine(monitorOn);
  const s = cpu.state;
  s.setRegNumber(7, DATA);
  s.setRegNumber(1, ITERATIONS);
  s.rsp = R - 16;
  s.rip = CODE;
  const start = process.hrtime.bigint();
  const result = cpu.run({ stopAt: end, maxSteps: 1e12 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.reason !== 'stop-address' || result.steps !== 1 + 11 * ITERATIONS) throw new Error(`unexpected run: ${JSON.stringify(result)}`);
  return (result.steps - 1) / seconds / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const monitorOn of [false, true]) {
  once(monitorOn); // warm-up
  const figures = Array.from({ length: RUNS }, () => once(monitorOn));
  console.log(`cpu-sim 11-instruction loop, monitor ${monitorOn ? 'on ' : 'off'}: ${median(figures).toFixed(1)} MIPS (median of ${RUNS} runs of ${11 * ITERATIONS} instructions; min ${Math.min(...figures).toFixed(1)}, max ${Math.max(...figures).toFixed(1)})`);
}
