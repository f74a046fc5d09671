// Exit patching (lj_asm_patchexit): once a side trace exists for exit N of trace T, every
// branch in T to exit stub N — each `jcc rel32` after T's vmstate store, and a tail `jmp rel32`
// — is retargeted to the side trace's first byte, in place. Branches before the vmstate store
// (a side trace's Lua stack check, which exits as its parent's exit) are left alone.

import { DISPATCH_OFFSETS } from '@tracesim/machine';
import { decodeAll, type Instruction } from '@tracesim/x86';
import { inRel32Reach } from './code-sequence';
import { AsmError, BranchRangeError } from './errors';

function isVmstateStore(instr: Instruction): boolean {
  const dst = instr.operands[0];
  return instr.mnemonic === 'mov' && dst?.kind === 'mem' && dst.base === 14 && dst.disp === DISPATCH_OFFSETS.vmstate;
}

function isRel32Branch(instr: Instruction): boolean {
  const op = instr.operands[0];
  const branch = instr.cond !== undefined ? instr.mnemonic.startsWith('j') : instr.mnemonic === 'jmp';
  return branch && op?.kind === 'rel' && op.width === 32;
}

/** A `jcc rel32` or `jmp rel32` after the vmstate store: where it is, where it ends, where it goes. */
export interface ExitBranch {
  readonly address: number;
  readonly end: number;
  readonly target: number;
}

/** The branches exit patching may retarget in trace code placed at `address`. */
export function exitBranches(code: Uint8Array, address: number, trace: number): ExitBranch[] {
  return branchesAfterVmstate(decodeAll(code, address), trace);
}

/** The same, from the trace's instructions as emitted (with their addresses and lengths). */
export function branchesAfterVmstate(instructions: readonly Instruction[], trace: number): ExitBranch[] {
  const first = instructions.findIndex(isVmstateStore);
  if (first < 0) throw new AsmError(`trace ${trace}`, 'the code has no vmstate store, so it is not a trace head');
  return instructions.slice(first + 1).flatMap((instr) => {
    const op = instr.operands[0];
    if (!isRel32Branch(instr) || op?.kind !== 'rel') return [];
    return [{ address: instr.address, end: instr.address + instr.length, target: op.target }];
  });
}

/**
 * Retargets trace code (`code` placed at `address`) from exit stub `stub` to `target`, in
 * place. Returns the addresses of the patched branches. `branches` (exitBranches of the
 * unpatched code) saves decoding the code again.
 */
export function patchExit(code: Uint8Array, address: number, stub: number, target: number, trace: number, branches: readonly ExitBranch[] = exitBranches(code, address, trace)): number[] {
  const patched: number[] = [];
  for (const branch of branches) {
    if (branch.target !== stub) continue;
    if (!inRel32Reach(branch.end, target)) {
      throw new BranchRangeError(`address 0x${branch.address.toString(16)}`, `side trace at 0x${target.toString(16)} is out of rel32 range of trace ${trace}`);
    }
    new DataView(code.buffer, code.byteOffset + (branch.end - address) - 4, 4).setInt32(0, target - branch.end, true);
    patched.push(branch.address);
  }
  return patched;
}
