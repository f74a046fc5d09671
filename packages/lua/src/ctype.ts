// The C types the minimal ffi knows: 64-bit integers (what LuaJIT's stack-bug reproducers use)
// and the ctype objects ffi.typeof returns. Sizes and names follow LuaJIT's ctype table.

export interface CType {
  /** The name ffi.typeof and tostring print: `int64_t`, `uint64_t`. */
  readonly name: string;
  readonly unsigned: boolean;
  readonly bits: 64;
}

export const INT64: CType = { name: 'int64_t', unsigned: false, bits: 64 };
export const UINT64: CType = { name: 'uint64_t', unsigned: true, bits: 64 };

/** C type names the parser of ffi.typeof/ffi.new accepts, with their ctype. */
export const CTYPE_NAMES: ReadonlyMap<string, CType> = new Map([
  ['int64_t', INT64], ['long long', INT64], ['signed long long', INT64], ['long', INT64], ['ssize_t', INT64], ['intptr_t', INT64], ['ptrdiff_t', INT64],
  ['uint64_t', UINT64], ['unsigned long long', UINT64], ['unsigned long', UINT64], ['size_t', UINT64], ['uintptr_t', UINT64],
]);

/** Wraps a value to the type's width (two's complement for signed types). */
export function wrap(ctype: CType, v: bigint): bigint {
  return ctype.unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}
