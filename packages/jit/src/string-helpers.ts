// The string-buffer helpers a concatenation's IR calls (BUFHDR, BUFPUT, BUFSTR and TOSTR, at
// asm's HELPER_TRAPS entries): lj_buf_reset, lj_buf_putstr, lj_buf_tostr, lj_strfmt_num and
// lj_strfmt_int. Strings are host objects of the interpreter, so the SBuf a pointer names is
// kept here, as the pieces put since its last reset.
import type { Cpu } from '@tracesim/cpu-sim';
import { formatNumber, LuaString, type LuaInterpreter } from '@tracesim/lua';
import { trapAddress } from '@tracesim/machine';
import { SYSV_GPR_ARGS } from '@tracesim/asm';
import { ReplayInputError } from './errors';
import { helperValues } from './tvalue-cell';

const RAX = 0;

export function mapStringHelpers(cpu: Cpu, vm: LuaInterpreter): void {
  const { arg, result } = helperValues(vm);
  const buffers = new Map<bigint, string[]>();
  const pointer = (c: Cpu): bigint => c.state.reg(SYSV_GPR_ARGS[0]);
  const returnPointer = (c: Cpu, p: bigint): void => c.state.setReg(RAX, p);
  cpu.mapTrap(trapAddress('helper_buf_reset'), 'helper_buf_reset', (c) => {
    buffers.set(pointer(c), []);
    returnPointer(c, pointer(c));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_buf_putstr'), 'helper_buf_putstr', (c) => {
    const pieces = buffers.get(pointer(c));
    if (!pieces) throw new ReplayInputError('lj_buf_putstr', `no buffer at 0x${pointer(c).toString(16)}: a BUFHDR must reset it first`);
    pieces.push((arg(c, 1) as LuaString).s);
    returnPointer(c, pointer(c));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_buf_tostr'), 'helper_buf_tostr', (c) => {
    const pieces = buffers.get(pointer(c));
    if (!pieces) throw new ReplayInputError('lj_buf_tostr', `no buffer at 0x${pointer(c).toString(16)}: a BUFHDR must reset it first`);
    result(c, vm.heap.str(pieces.join('')));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_strfmt_num'), 'helper_strfmt_num', (c) => {
    result(c, vm.heap.str(formatNumber(c.state.xmmDouble(0))));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_strfmt_int'), 'helper_strfmt_int', (c) => {
    result(c, vm.heap.str(String(Number(BigInt.asIntN(32, c.state.reg(SYSV_GPR_ARGS[0]))))));
    return { kind: 'return' };
  });
}
