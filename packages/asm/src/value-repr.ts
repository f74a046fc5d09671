// How the backend holds a value of each IR type: int types in the low 32 bits of a GPR, num in
// an xmm register, tagged Lua values (nil … udata) as their whole 64-bit TValue in a GPR, and
// 64-bit integers and pointers raw in a GPR. Spill slots follow: 4 bytes for int, else 8.

import type { IRTypeName } from '@tracesim/ir';
import { AsmError } from './errors';

export type ValueRepr = 'int' | 'num' | 'tagged' | 'raw64';

const INT_TYPES: ReadonlySet<IRTypeName> = new Set<IRTypeName>(['int', 'u32', 'i8', 'u8', 'i16', 'u16']);
const RAW64_TYPES: ReadonlySet<IRTypeName> = new Set<IRTypeName>(['i64', 'u64', 'p64']);

export function valueRepr(type: IRTypeName): ValueRepr {
  if (type === 'num') return 'num';
  if (INT_TYPES.has(type)) return 'int';
  if (RAW64_TYPES.has(type)) return 'raw64';
  return 'tagged';
}

/** Like valueRepr, but rejects types the backend cannot hold (flt, p32, sfp). */
export function checkedRepr(type: IRTypeName, location: string): ValueRepr {
  if (type === 'flt' || type === 'p32' || type === 'sfp') {
    throw new AsmError(location, `${type} values are not supported by the backend`);
  }
  return valueRepr(type);
}
