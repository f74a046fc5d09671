// Encodes a straight-line sequence of instructions at consecutive addresses via @tracesim/x86,
// and builds the operands the backend's emitters use. The one place the backend turns
// instruction inputs into bytes.

import { resolveShared, type Instruction, type InstructionInput, type Operand } from '@tracesim/x86';
import { BranchRangeError } from './errors';

export interface CodeSequence {
  readonly address: number;
  readonly bytes: Uint8Array;
  /** Resolved instructions with their addresses and lengths, in execution order. */
  readonly instructions: readonly Instruction[];
}

/** One instruction to place; `long` selects the general forms LuaJIT's emitter uses (rel32 jumps). */
export interface Placed {
  readonly input: InstructionInput;
  readonly long?: boolean;
}

export function encodeSequence(address: number, placed: readonly Placed[]): CodeSequence {
  const instructions: Instruction[] = [];
  const chunks: Uint8Array[] = [];
  let at = address;
  for (const { input, long } of placed) {
    const { instr, bytes } = resolveShared(input, { address: at, long });
    instructions.push(instr);
    chunks.push(bytes);
    at += bytes.length;
  }
  const bytes = new Uint8Array(at - address);
  chunks.reduce((offset, c) => (bytes.set(c, offset), offset + c.length), 0);
  return { address, bytes, instructions };
}

export const RSP = 4;
export const R14_DISPATCH = 14;

export function gpr64(num: number): Operand {
  return { kind: 'gpr', num, width: 64 };
}

export function imm(value: number, width: 8 | 32): Operand {
  return { kind: 'imm', value: BigInt(value), width };
}

/** A byte as `push imm8` carries it: the encoder takes the sign-extended value. */
export function signedByte(byte: number): number {
  return byte >= 0x80 ? byte - 0x100 : byte;
}

export const JMP_REL32_LENGTH = 5;

/** Whether a rel32 field ending at `end` can reach `target`. */
export function inRel32Reach(end: number, target: number): boolean {
  const rel = target - end;
  return rel >= -0x8000_0000 && rel <= 0x7fff_ffff;
}

/** A rel32 jump from the instruction at `address` (5 bytes) to `target`, checked for reach. */
export function jmpRel32(address: number, target: number, what: string): Placed {
  if (!inRel32Reach(address + JMP_REL32_LENGTH, target)) {
    throw new BranchRangeError(`address 0x${address.toString(16)}`,
      `jmp to ${what} at 0x${target.toString(16)} is out of rel32 range; place the mcode area within 2 GiB of it`);
  }
  return { input: { mnemonic: 'jmp', operands: [{ kind: 'rel', target, width: 32 }] }, long: true };
}
