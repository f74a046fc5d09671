// The CPU outside the differential test: self-modifying code (exit patching), traps with
// call/ret semantics, typed faults for bad input (never a hang), the step budget and the
// per-instruction observer.
import { assemble, encode } from '@tracesim/x86';
import {
  Cpu, CpuFault, DivideErrorFault, InvalidOpcodeFault, Memory, PageFault, SANDBOX, StepBudgetExhausted, runSnippet, type TrapInfo,
} from '../src';

const CODE = 0x400000;
const STACK_TOP = 0x800000;

function machine(text: string): { cpu: Cpu; end: number } {
  const memory = new Memory();
  memory.map(CODE, 0x2000, 'rx', 'code');
  memory.map(0x600000, 0x1000, 'rw', 'data');
  memory.map(STACK_TOP - 0x1000, 0x1000, 'rw', 'stack');
  memory.map(0x900000, 0x1000, 'rx', 'traps');
  const { bytes } = assemble(text, { address: CODE });
  memory.writeBytes(CODE, bytes);
  const cpu = new Cpu(memory);
  cpu.state.rsp = STACK_TOP - 0x100;
  cpu.state.rip = CODE;
  return { cpu, end: CODE + bytes.length };
}

function faultOf(run: () => unknown): CpuFault {
  try {
    run();
  } catch (err) {
    if (err instanceof CpuFault) return err;
    throw err;
  }
  throw new Error('expected a fault');
}

test('patching a jcc target after it ran once sends the next run to the new place', () => {
  // 0x400000: cmp rax, 0 ; je 0x400100 ; ...   0x400100: mov ebx, 1 ; ret-like stop
  //                                           0x400200: mov ebx, 2
  const { cpu } = machine('cmp rax, 0\nje 0x400100\nmov ebx, 7\n');
  const m = cpu.memory;
  m.writeBytes(0x400100, assemble('mov ebx, 1\njmp 0x400300', { address: 0x400100 }).bytes);
  m.writeBytes(0x400200, assemble('mov ebx, 2\njmp 0x400300', { address: 0x400200 }).bytes);
  cpu.run({ stopAt: 0x400300 });
  expect(cpu.state.reg(3)).toBe(1n);
  // exit patching: rewrite the je (a jcc rel32 at 0x400004) in place to go to 0x400200
  const je = assemble('cmp rax, 0', { address: CODE }).bytes.length;
  m.writeBytes(CODE + je, encode({ mnemonic: 'je', operands: [{ kind: 'rel', target: 0x400200, width: 32 }] }, { address: CODE + je, long: true }).slice(0, 6));
  cpu.state.rip = CODE;
  cpu.run({ stopAt: 0x400300 });
  expect(cpu.state.reg(3)).toBe(2n);
});

test('a trap reached by call runs the host function and returns like ret', () => {
  const { cpu, end } = machine('mov edi, 20\ncall 0x900000\nadd rax, 1\n');
  const seen: TrapInfo[] = [];
  cpu.mapTrap(0x900000, 'double', (c, trap) => {
    seen.push(trap);
    c.state.setReg(0, c.state.reg(7) * 2n);
  });
  const rsp = cpu.state.rsp;
  cpu.run({ stopAt: end });
  expect(cpu.state.reg(0)).toBe(41n);
  expect(cpu.state.rsp).toBe(rsp);
  expect(seen).toEqual([{ name: 'double', address: 0x900000, viaCall: true }]);
});

test('a trap can redirect or stop the run', () => {
  const { cpu } = machine('jmp 0x900000\n');
  cpu.memory.writeBytes(0x400100, assemble('mov ecx, 9\njmp 0x900010', { address: 0x400100 }).bytes);
  cpu.mapTrap(0x900000, 'go', () => ({ kind: 'jump', to: 0x400100 }));
  cpu.mapTrap(0x900010, 'halt', () => ({ kind: 'stop' }));
  expect(cpu.run().reason).toBe('trap-stop');
  expect(cpu.state.reg(1)).toBe(9n);
  expect(cpu.state.rip).toBe(0x900010);
});

describe('bad input gives a typed fault', () => {
  test('undecodable bytes: #UD with the bytes and rip', () => {
    const { cpu } = machine('nop\n');
    cpu.memory.writeBytes(CODE + 1, Uint8Array.from([0x0f, 0x04]));
    const fault = faultOf(() => cpu.run());
    expect(fault).toBeInstanceOf(InvalidOpcodeFault);
    expect([fault.kind, fault.rip, [...(fault as InvalidOpcodeFault).bytes].slice(0, 2)]).toEqual(['#UD', CODE + 1, [0x0f, 0x04]]);
    expect(cpu.state.rip).toBe(CODE + 1);
  });

  test('fetch from unmapped memory', () => {
    const { cpu } = machine('jmp 0x12345000\n');
    const fault = faultOf(() => cpu.run()) as PageFault;
    expect([fault.kind, fault.access, fault.address, fault.rip]).toEqual(['#PF', 'fetch', 0x12345000, 0x12345000]);
  });

  test('fetch from a page without execute permission', () => {
    const { cpu } = machine('jmp 0x600000\n');
    const fault = faultOf(() => cpu.run()) as PageFault;
    expect([fault.kind, fault.access, fault.reason]).toEqual(['#PF', 'fetch', 'not executable']);
  });

  test('read and write of unmapped memory: #PF with address, kind and the rip of the access', () => {
    const read = machine('mov eax, 1\nmov rbx, [0x700000]\n');
    const r = faultOf(() => read.cpu.run({ stopAt: read.end })) as PageFault;
    expect([r.access, r.address, r.rip, r.location]).toEqual(['read', 0x700000, CODE + 5, 'rip 0x400005']);
    expect(read.cpu.state.reg(0)).toBe(1n); // the instruction before completed
    const write = machine('mov [0x700008], rcx\n');
    const w = faultOf(() => write.cpu.run({ stopAt: write.end })) as PageFault;
    expect([w.access, w.address, w.rip]).toEqual(['write', 0x700008, CODE]);
  });

  test('a write to a read-only page', () => {
    const { cpu, end } = machine('mov [0x400000], eax\n');
    const fault = faultOf(() => cpu.run({ stopAt: end })) as PageFault;
    expect([fault.access, fault.reason]).toEqual(['write', 'not writable']);
  });

  test('division by zero and a quotient that does not fit: #DE', () => {
    const zero = machine('xor ecx, ecx\ndiv rcx\n');
    expect(faultOf(() => zero.cpu.run({ stopAt: zero.end }))).toBeInstanceOf(DivideErrorFault);
    const big = machine('mov edx, 1\nmov ecx, 1\ndiv ecx\n');
    const fault = faultOf(() => big.cpu.run({ stopAt: big.end }));
    expect([fault.kind, fault.rip]).toEqual(['#DE', CODE + 10]);
  });

  test('an endless loop exhausts the step budget exactly', () => {
    const { cpu } = machine('add rax, 1\njmp 0x400000\n');
    const fault = faultOf(() => cpu.run({ maxSteps: 1001 }));
    expect(fault).toBeInstanceOf(StepBudgetExhausted);
    expect(cpu.state.reg(0)).toBe(501n); // 1001 steps: 501 adds and 500 jumps
    expect(cpu.instructionsExecuted).toBe(1001);
  });
});

test('the observer sees every instruction in order; runs are deterministic', () => {
  const listing = () => {
    const { cpu, end } = machine('mov ecx, 3\nsub ecx, 1\njne 0x400005\nnop\n');
    const seen: string[] = [];
    cpu.observer = (c, ins) => seen.push(`${ins.address.toString(16)} ${ins.mnemonic} rcx=${c.state.reg(1)}`);
    cpu.run({ stopAt: end });
    return seen;
  };
  const first = listing();
  expect(first).toEqual([
    '400000 mov rcx=0', '400005 sub rcx=3', '400008 jne rcx=2', '400005 sub rcx=2', '400008 jne rcx=1',
    '400005 sub rcx=1', '400008 jne rcx=0', '40000a nop rcx=0',
  ]);
  expect(listing()).toEqual(first);
});

test('cvtsd2si and roundsd follow MXCSR rounding control; cvttsd2si always truncates', () => {
  // reference: Math.floor (RC=1), Math.ceil (RC=2), Math.trunc (RC=3), nearest-even (RC=0)
  const nearestEven = (x: number) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
  const reference = [nearestEven, Math.floor, Math.ceil, Math.trunc];
  const { cpu, end } = machine('cvtsd2si rax, xmm0\ncvttsd2si rbx, xmm0\nroundsd xmm1, xmm0, 4\nroundsd xmm2, xmm0, 1\n');
  for (const x of [2.5, 3.5, -2.5, -0.5, 0.5, 1.25, -1.75, 1e15 + 0.5, -7]) {
    for (let rc = 0; rc < 4; rc++) {
      cpu.state.mxcsr = 0x1f80 | (rc << 13);
      cpu.state.setXmmDouble(0, x);
      cpu.state.rip = CODE;
      cpu.run({ stopAt: end });
      const expected = reference[rc](x);
      expect([rc, x, cpu.state.reg(0)]).toEqual([rc, x, BigInt.asUintN(64, BigInt(expected))]);
      expect(cpu.state.reg(3)).toBe(BigInt.asUintN(64, BigInt(Math.trunc(x))));
      expect(Object.is(cpu.state.xmmDouble(1), expected === 0 && (x < 0) ? -0 : expected)).toBe(true);
      expect(cpu.state.xmmDouble(2)).toBe(Math.floor(x));
    }
  }
});

test('a non-canonical address raises #GP; an unmapped canonical one #PF', () => {
  const { cpu, end } = machine('mov rax, [rbx]\n');
  cpu.state.setReg(3, 0x0000800000000000n);
  const gp = faultOf(() => cpu.run({ stopAt: end }));
  expect([gp.kind, gp.rip, gp.address]).toEqual(['#GP', CODE, 2 ** 47]);
  cpu.state.setReg(3, 0x00007fffffff0000n);
  cpu.state.rip = CODE;
  expect(faultOf(() => cpu.run({ stopAt: end })).kind).toBe('#PF');
});

test('indirect call and jump through a register and memory; ret returns; int3 raises #BP', () => {
  const { cpu, end } = machine('mov eax, 0x400100\ncall rax\nmov qword [0x600000], 0x400200\njmp qword [0x600000]\n');
  cpu.memory.writeBytes(0x400100, assemble('mov ebx, 5\nret', { address: 0x400100 }).bytes);
  cpu.memory.writeBytes(0x400200, assemble(`mov ecx, 6\nmov edx, ${end}\njmp rdx`, { address: 0x400200 }).bytes);
  const rsp = cpu.state.rsp;
  cpu.run({ stopAt: end });
  expect([cpu.state.reg(3), cpu.state.reg(1), cpu.state.rsp]).toEqual([5n, 6n, rsp]);
  const trap = machine('nop\nint3\n');
  const fault = faultOf(() => trap.cpu.run({ stopAt: trap.end }));
  expect([fault.kind, fault.rip]).toEqual(['#BP', CODE + 1]);
});

test('precise runs and the sandbox report exact flags at a fault', () => {
  // cmp sets ZF=1; the faulting load stops the run before the add would overwrite the flags
  const code = assemble('cmp rax, rax\nmov rbx, [0]\nadd rax, 1\n', { address: SANDBOX.code }).bytes;
  const result = runSnippet({ code, rflags: 0x202 });
  expect(result.fault?.kind).toBe('#PF');
  expect([result.flags.ZF, result.flags.CF, result.steps, result.rip]).toEqual([1, 0, 1, SANDBOX.code + 3]);
});
