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

function isPatchableBranch(instr: Instruction, stub: number): boolean {
  const op = instr.operands[0];
  const branch = instr.cond !== undefined ? instr.mnemonic.startsWith('j') : instr.mnemonic === 'jmp';
  return branch && op?.kind === 'rel' && op.width === 32 && op.target === stub;
}

/**
 * Retargets trace code (`code` placed at `address`) from exit stub `stub` to `target`, in
 * place. Returns the addresses of the patched branches.
 */
export function patchExit(code: Uint8Array, address: number, stub: number, target: number, trace: number): number[] {
  const instructions = decodeAll(code, address);
  const first = instructions.findIndex(isVmstateStore);
  if (first < 0) throw new AsmError(`trace ${trace}`, 'the code has no vmstate store, so it is not a trace head');
  const patched: number[] = [];
  for (const instr of instructions.slice(first + 1)) {
    if (!isPatchableBranch(instr, stub)) continue;
    const end = instr.address + instr.length;
    if (!inRel32Reach(end, target)) {
      throw new BranchRangeError(`address 0x${instr.address.toString(16)}`, `side trace at 0x${target.toString(16)} is out of rel32 range of trace ${trace}`);
    }
    new DataView(code.buffer, code.byteOffset + (end - address) - 4, 4).setInt32(0, target - end, true);
    patched.push(instr.address);
  }
  return patched;
}
