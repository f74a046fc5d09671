// A sandbox for running one machine-code snippet: code, a scratch buffer and a small
// stack at fixed addresses (the same the native differential-test harness uses, so pointer
// values agree), initial registers, and the final state as a stable JSON-ready record.
// The `tracesim exec` command and the differential test both run snippets through it.
import { GPR64_NAMES, XMM_NAMES } from '@tracesim/x86';
import { Cpu } from './cpu';
import { CpuFault } from './faults';
import { Memory } from './memory';
import { ARITHMETIC_FLAGS } from './state';

export const SANDBOX = {
  buffer: 0x1000_0000,
  bufferSize: 256,
  stackPage: 0x1001_0000,
  /** Initial rsp: the middle of the stack page. */
  rsp: 0x1001_0800,
  /** Bytes of stack around the initial rsp reported in results. */
  stackWindow: 512,
  code: 0x1002_0000,
  codeSize: 0x1_0000,
} as const;

export interface SnippetInput {
  readonly code: Uint8Array;
  /** Initial 64-bit GPR values by number (0 = rax); unset ones are 0 (rsp: the stack, memReg: the buffer). */
  readonly gprs?: ReadonlyMap<number, bigint>;
  /** RFLAGS (arithmetic bits are used). */
  readonly rflags?: number;
  /** Initial xmm registers as [low 64 bits, high 64 bits]. */
  readonly xmm?: ReadonlyMap<number, readonly [bigint, bigint]>;
  /** Initial buffer contents (zero-padded to the buffer size). */
  readonly buffer?: Uint8Array;
  /** The GPR that points to the buffer (default 7, rdi). */
  readonly memReg?: number;
  readonly maxSteps?: number;
}

export interface SnippetFault {
  readonly kind: string;
  readonly rip: number;
  readonly address?: number;
  readonly message: string;
}

export interface SnippetResult {
  readonly gprs: readonly bigint[];
  readonly rflags: number;
  readonly flags: Readonly<Record<(typeof ARITHMETIC_FLAGS)[number], number>>;
  readonly xmm: readonly (readonly [bigint, bigint])[];
  readonly buffer: Uint8Array;
  readonly stack: Uint8Array;
  readonly rip: number;
  readonly steps: number;
  readonly fault?: SnippetFault;
}

/**
 * Runs a snippet in the sandbox. A run that faults is repeated in precise mode (one
 * instruction per block) so the reported state, flags included, is exact at the fault.
 */
export function runSnippet(input: SnippetInput): SnippetResult {
  const first = runOnce(input, false);
  return first.fault ? runOnce(input, true) : first;
}

function runOnce(input: SnippetInput, precise: boolean): SnippetResult {
  const memory = new Memory();
  memory.map(SANDBOX.buffer, 0x1000, 'rw', 'buffer');
  memory.map(SANDBOX.stackPage, 0x1000, 'rw', 'stack');
  memory.map(SANDBOX.code, SANDBOX.codeSize, 'rx', 'code');
  memory.writeBytes(SANDBOX.code, input.code);
  if (input.buffer) memory.writeBytes(SANDBOX.buffer, input.buffer.subarray(0, SANDBOX.bufferSize));
  const cpu = new Cpu(memory);
  const s = cpu.state;
  s.rsp = SANDBOX.rsp;
  s.setRegNumber(input.memReg ?? 7, SANDBOX.buffer);
  for (const [n, v] of input.gprs ?? []) s.setReg(n, v);
  s.rflags = input.rflags ?? 0x202;
  for (const [n, [lo, hi]] of input.xmm ?? []) s.setXmmHalves(n, lo, hi);
  s.rip = SANDBOX.code;
  let steps = 0;
  let fault: SnippetFault | undefined;
  try {
    steps = cpu.run({ stopAt: SANDBOX.code + input.code.length, maxSteps: input.maxSteps ?? 10_000, precise }).steps;
  } catch (err) {
    if (!(err instanceof CpuFault)) throw err;
    fault = { kind: err.kind, rip: err.rip ?? s.rip, address: err.address, message: err.message };
    steps = cpu.instructionsExecuted;
  }
  return {
    gprs: GPR64_NAMES.map((_, n) => s.reg(n)),
    rflags: s.rflags,
    flags: Object.fromEntries(ARITHMETIC_FLAGS.map((f) => [f, s.flag(f)])) as SnippetResult['flags'],
    xmm: XMM_NAMES.map((_, n) => {
      const { lo, hi } = s.xmmHalves(n);
      return [lo, hi] as const;
    }),
    buffer: memory.readBytes(SANDBOX.buffer, SANDBOX.bufferSize),
    stack: memory.readBytes(SANDBOX.rsp - SANDBOX.stackWindow / 2, SANDBOX.stackWindow),
    rip: s.rip,
    steps,
    ...(fault ? { fault } : {}),
  };
}

const hex64 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
const bytesHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The stable JSON record of a snippet result (documented in packages/cpu-sim/README.md). */
export function snippetJson(result: SnippetResult): Record<string, unknown> {
  return {
    gpr: Object.fromEntries(GPR64_NAMES.map((name, n) => [name, hex64(result.gprs[n])])),
    flags: result.flags,
    rflags: '0x' + result.rflags.toString(16),
    xmm: Object.fromEntries(XMM_NAMES.map((name, n) => [name, { lo: hex64(result.xmm[n][0]), hi: hex64(result.xmm[n][1]) }])),
    buffer: { address: '0x' + SANDBOX.buffer.toString(16), bytes: bytesHex(result.buffer) },
    rip: '0x' + result.rip.toString(16),
    steps: result.steps,
    ...(result.fault
      ? {
          fault: {
            kind: result.fault.kind,
            rip: '0x' + result.fault.rip.toString(16),
            address: result.fault.address === undefined ? null : '0x' + result.fault.address.toString(16),
            message: result.fault.message,
          },
        }
      : {}),
  };
}
