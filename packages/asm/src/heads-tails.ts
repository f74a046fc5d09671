// Trace heads and tails as LuaJIT's x64 backend emits them (asm_head_root / asm_head_side,
// asm_tail_fixup). Head: `add rsp, -N` (omitted when N = 0; N = spadjust for a root trace,
// spdelta for a side trace), then the vmstate store of the trace number. Tail: `add rsp,
// +spadjust` (omitted when 0), then `jmp rel32` to the link target's first byte or to
// exit_interp (through a pointer cell, `jmp [rip+x]`, when exit_interp is out of reach).

import { DISPATCH_OFFSETS, trapAddress } from '@tracesim/machine';
import { AsmRangeError, BranchRangeError } from './errors';
import {
  encodeSequence, gpr64, imm, inRel32Reach, jmpRel32, JMP_REL32_LENGTH, R14_DISPATCH, RSP, type CodeSequence, type Placed,
} from './code-sequence';

/** `jmp qword [rip+disp32]`: FF /4 with a RIP-relative ModRM. */
const JMP_RIP_LENGTH = 6;

/** LuaJIT numbers traces 1..65535 (TraceNo is 16 bits). */
const MAX_TRACE_NUMBER = 0xffff;

/** Where a tail jumps: the start of a trace (its head) or the interpreter. */
export type TailTarget =
  | { readonly kind: 'trace'; readonly number: number; readonly address: number }
  /**
   * `address` defaults to the exit_interp trap entry. When it is beyond rel32 reach, the tail
   * jumps through `pointerSlot` instead (`jmp [rip+x]`), an 8-byte cell holding the address
   * that LuaJIT keeps below exit-stub group 0.
   */
  | { readonly kind: 'exit_interp'; readonly address?: number; readonly pointerSlot?: number };

function addRsp(bytes: number): Placed {
  const width = bytes >= -0x80 && bytes <= 0x7f ? 8 : 32;
  return { input: { mnemonic: 'add', operands: [gpr64(RSP), imm(bytes, width)] } };
}

function checkTraceNumber(trace: number): void {
  if (!Number.isInteger(trace) || trace < 1 || trace > MAX_TRACE_NUMBER) {
    throw new AsmRangeError(`trace ${trace}`, `trace numbers run from 1 to ${MAX_TRACE_NUMBER}`);
  }
}

function checkFrameBytes(location: string, bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes % 16 !== 0) {
    throw new AsmRangeError(location, `rsp adjustment ${bytes} is not a non-negative multiple of 16`);
  }
}

/**
 * The head of trace `trace` at `address`: lowers rsp by `rspDrop` (a root trace's spadjust,
 * a side trace's spdelta) and stores the trace number to g->vmstate for the exit handler.
 */
export function traceHead(trace: number, rspDrop: number, address: number): CodeSequence {
  checkTraceNumber(trace);
  checkFrameBytes(`trace ${trace} head`, rspDrop);
  const vmstate = { kind: 'mem', width: 32, base: R14_DISPATCH, scale: 1, disp: DISPATCH_OFFSETS.vmstate } as const;
  const placed: Placed[] = rspDrop === 0 ? [] : [addRsp(-rspDrop)];
  placed.push({ input: { mnemonic: 'mov', operands: [vmstate, imm(trace, 32)] } });
  return encodeSequence(address, placed);
}

/** The tail at `address` of a trace whose frame is `spadjust` bytes: restore rsp, then jump. */
export function traceTail(spadjust: number, target: TailTarget, address: number): CodeSequence {
  const location = target.kind === 'trace' ? `tail linking to trace ${target.number}` : 'tail to exit_interp';
  checkFrameBytes(location, spadjust);
  const placed: Placed[] = spadjust === 0 ? [] : [addRsp(spadjust)];
  const jmpAddress = address + encodeSequence(address, placed).bytes.length;
  const to = target.kind === 'trace' ? target.address : target.address ?? trapAddress('exit_interp');
  const slot = target.kind === 'exit_interp' ? target.pointerSlot : undefined;
  if (slot !== undefined && !inRel32Reach(jmpAddress + JMP_REL32_LENGTH, to)) {
    if (!inRel32Reach(jmpAddress + JMP_RIP_LENGTH, slot)) {
      throw new BranchRangeError(`address 0x${jmpAddress.toString(16)}`, `the exit_interp pointer at 0x${slot.toString(16)} is out of rel32 range`);
    }
    const disp = slot - (jmpAddress + JMP_RIP_LENGTH);
    placed.push({ input: { mnemonic: 'jmp', operands: [{ kind: 'mem', width: 64, base: 'rip', scale: 1, disp }] } });
  } else {
    placed.push(jmpRel32(jmpAddress, to, target.kind === 'trace' ? `trace ${target.number}` : 'exit_interp'));
  }
  return encodeSequence(address, placed);
}
