// The 64-bit integer cdata helpers recorded code calls (ir's cdata_ctypeid, cdata_i64 and
// cdata_new): cdata are host objects of the interpreter, as tables are, so the trace guards a
// cdata's type id, takes its value unboxed into a GPR, and boxes a result only where it is stored.
import { SYSV_GPR_ARGS } from '@tracesim/asm';
import type { Cpu } from '@tracesim/cpu-sim';
import { INT64, LuaCdata, UINT64, type CType, type LuaInterpreter } from '@tracesim/lua';
import { trapAddress } from '@tracesim/machine';
import { tvalueBits, tvalueOf } from './tvalue-cell';

const RAX = 0;
/** LuaJIT's CTIDs for int64_t and uint64_t (lj_ctype.h), and the bit a ctype object adds. */
const CTYPE_IDS: ReadonlyMap<CType, number> = new Map([[INT64, 11], [UINT64, 12]]);
const CTYPE_OBJECT = 0x100;

/** A C type's id. */
export function ctypeId(ctype: CType): number {
  return CTYPE_IDS.get(ctype)!;
}

/** What cdata_ctypeid answers: the C type's id, plus CTYPE_OBJECT for a ctype object naming it. */
export function cdataTypeId(c: LuaCdata): number {
  return ctypeId(c.ctype) + (c.isCtype ? CTYPE_OBJECT : 0);
}

/** The C type a cdata_ctypeid value names. */
export function ctypeOfId(id: number): CType {
  return (id & 0xff) === CTYPE_IDS.get(UINT64) ? UINT64 : INT64;
}

export function mapCdataHelpers(cpu: Cpu, vm: LuaInterpreter): void {
  const arg = (c: Cpu, i: number): bigint => c.state.reg(SYSV_GPR_ARGS[i]);
  const cdata = (c: Cpu): LuaCdata => tvalueOf(vm, arg(c, 0)) as LuaCdata;
  cpu.mapTrap(trapAddress('helper_cdata_ctypeid'), 'helper_cdata_ctypeid', (c) => {
    c.state.setRegNumber(RAX, cdataTypeId(cdata(c)));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_cdata_i64'), 'helper_cdata_i64', (c) => {
    c.state.setReg(RAX, BigInt.asUintN(64, cdata(c).value));
    return { kind: 'return' };
  });
  cpu.mapTrap(trapAddress('helper_cdata_new'), 'helper_cdata_new', (c) => {
    const ctype = ctypeOfId(Number(arg(c, 0) & 0xffffffffn));
    const value = ctype.unsigned ? BigInt.asUintN(64, arg(c, 1)) : BigInt.asIntN(64, arg(c, 1));
    c.state.setReg(RAX, tvalueBits(vm, vm.heap.cdata(ctype, value)));
    return { kind: 'return' };
  });
}
