// The IR type table (lj_ir.h IRTDEF, x64 GC64): name, the 3-character abbreviation -jdump prints,
// and size in bytes. Index = LuaJIT IRType number; the Lua itype of a tagged type is ~number.

/** Rows: [IRT name, dump abbreviation (3 chars, as printed), size in bytes]. */
export const IR_TYPES = [
  ['NIL', 'nil', 4],
  ['FALSE', 'fal', 4],
  ['TRUE', 'tru', 4],
  ['LIGHTUD', 'lud', 8],
  ['STR', 'str', 8],
  ['P32', 'p32', 4],
  ['THREAD', 'thr', 8],
  ['PROTO', 'pro', 8],
  ['FUNC', 'fun', 8],
  ['P64', 'p64', 8],
  ['CDATA', 'cdt', 8],
  ['TAB', 'tab', 8],
  ['UDATA', 'udt', 8],
  ['FLOAT', 'flt', 4],
  ['NUM', 'num', 8],
  ['I8', 'i8 ', 1],
  ['U8', 'u8 ', 1],
  ['I16', 'i16', 2],
  ['U16', 'u16', 2],
  ['INT', 'int', 4],
  ['U32', 'u32', 4],
  ['I64', 'i64', 8],
  ['U64', 'u64', 8],
  ['SOFTFP', 'sfp', 4],
] as const;

/** The API names a type by its trimmed dump abbreviation: 'int', 'num', 'fun', 'i8', ... */
export type IRTypeName =
  | 'nil' | 'fal' | 'tru' | 'lud' | 'str' | 'p32' | 'thr' | 'pro' | 'fun' | 'p64' | 'cdt' | 'tab'
  | 'udt' | 'flt' | 'num' | 'i8' | 'u8' | 'i16' | 'u16' | 'int' | 'u32' | 'i64' | 'u64' | 'sfp';

export interface TypeInfo {
  readonly name: IRTypeName;
  readonly irt: string;
  readonly number: number;
  /** Exactly as -jdump prints it (3 characters, `i8 ` padded). */
  readonly dump: string;
  readonly size: number;
}

export const TYPE_INFO: ReadonlyMap<string, TypeInfo> = new Map(
  IR_TYPES.map(([irt, dump, size], number) => {
    const name = dump.trim() as IRTypeName;
    return [name, { name, irt, number, dump, size }];
  }),
);

export const TYPE_BY_NUMBER: readonly TypeInfo[] = [...TYPE_INFO.values()];

export function isTypeName(name: string): name is IRTypeName {
  return TYPE_INFO.has(name);
}

export function typeInfo(name: IRTypeName): TypeInfo {
  return TYPE_INFO.get(name) as TypeInfo;
}

/** Types a Lua stack slot can hold as a tagged TValue (nil … udata minus the IR-only pointers). */
const TAGGED: ReadonlySet<IRTypeName> = new Set<IRTypeName>([
  'nil', 'fal', 'tru', 'lud', 'str', 'thr', 'pro', 'fun', 'cdt', 'tab', 'udt',
]);

export function isTaggedType(t: IRTypeName): boolean {
  return TAGGED.has(t);
}

/** The LuaJIT itype (as the unsigned 32-bit ~n) of a tagged IR type. */
export function itypeOfType(t: IRTypeName): number {
  return ~typeInfo(t).number >>> 0;
}

/** int/num arithmetic types the reference interpreter models. */
export type NumericType = 'int' | 'num';
export function isNumericType(t: IRTypeName): t is NumericType {
  return t === 'int' || t === 'num';
}
