// LuaJIT's exit-stub layout (asm_exitstub_gen): groups of 32 stubs spaced 4 bytes apart.
// Stub i is `push lo8` + `jmp short` to the group tail (the last stub falls through); the
// tail is `push hi8` + `jmp rel32 exit_handler`. The two pushes carry the exit number.

import { AsmRangeError } from './errors';
import { encodeSequence, jmpRel32, signedByte, type CodeSequence, type Placed } from './code-sequence';

export const EXIT_STUB_LAYOUT = {
  /** EXITSTUBS_PER_GROUP */
  stubsPerGroup: 32,
  /** EXITSTUB_SPACING in bytes */
  stubSpacing: 4,
  /** LJ_MAX_EXITSTUBGR: exit numbers stop at 16 * 32. */
  maxGroups: 16,
} as const;

/** Offset of the group tail (`push hi8`) from the group start: after stub 31's push. */
export const EXIT_STUB_TAIL_OFFSET = EXIT_STUB_LAYOUT.stubSpacing * (EXIT_STUB_LAYOUT.stubsPerGroup - 1) + 2;

export interface ExitStubGroup extends CodeSequence {
  readonly group: number;
  readonly tailAddress: number;
}

/** The code of exit-stub group `group` placed at `address`, jumping to `exitHandler`. */
export function exitStubGroup(group: number, address: number, exitHandler: number): ExitStubGroup {
  const { stubsPerGroup, maxGroups } = EXIT_STUB_LAYOUT;
  if (!Number.isInteger(group) || group < 0 || group >= maxGroups) {
    throw new AsmRangeError(`exit stub group ${group}`, `exit stub groups run from 0 to ${maxGroups - 1}`);
  }
  const tailAddress = address + EXIT_STUB_TAIL_OFFSET;
  const firstExit = group * stubsPerGroup;
  const push = (byte: number): Placed => ({ input: { mnemonic: 'push', operands: [{ kind: 'imm', value: BigInt(signedByte(byte)), width: 8 }] } });
  const placed: Placed[] = [];
  for (let i = 0; i < stubsPerGroup; i++) {
    placed.push(push((firstExit + i) & 0xff));
    if (i < stubsPerGroup - 1) placed.push({ input: { mnemonic: 'jmp', operands: [{ kind: 'rel', target: tailAddress, width: 8 }] } });
  }
  placed.push(push(firstExit >> 8));
  placed.push(jmpRel32(tailAddress + 2, exitHandler, 'exit_handler'));
  return { group, tailAddress, ...encodeSequence(address, placed) };
}

/** Address of the stub for exit `exit`, given where each group was placed (group[N/32] + 4*(N%32)). */
export function exitStubAddress(groupAddresses: readonly number[], exit: number): number {
  const { stubsPerGroup, stubSpacing } = EXIT_STUB_LAYOUT;
  const group = Math.floor(exit / stubsPerGroup);
  if (!Number.isInteger(exit) || exit < 0 || group >= groupAddresses.length) {
    throw new AsmRangeError(`exit ${exit}`, `no exit stub group holds exit ${exit} (${groupAddresses.length} groups placed)`);
  }
  return groupAddresses[group] + stubSpacing * (exit % stubsPerGroup);
}
