// A compiled function prototype (GCproto): bytecode with line info, constants, upvalue
// descriptors and debug names, plus the fixed address its bytecode occupies once loaded.
import type { CType } from './ctype';

/** A constant table for TDUP: the keys and values the constructor fixes at compile time. */
export interface TemplateTable {
  readonly kind: 'template';
  /** Array part, index 0 = key 0 is unused except for `[0] = …` (LuaJIT keeps t[0] in the array). */
  readonly entries: ReadonlyArray<readonly [key: number | string | boolean, value: number | string | boolean | null]>;
  /**
   * The sizes the parser gave the template GCtab (expr_table): lj_tab_new(asize, hbits) when its
   * first constant key was seen, then the array part grown to hold keys up to narr-1 (0: not grown).
   */
  readonly sizes: { readonly asize: number; readonly hbits: number; readonly narr: number };
}

/** A 64-bit integer literal (`5LL`, `5ULL`): KCDATA loads it. */
export interface CdataConstant {
  readonly kind: 'cdata';
  readonly ctype: CType;
  readonly value: bigint;
}

/** One GC constant: string, child prototype, template table or cdata literal (LuaJIT's kgc, index 0 = first created). */
export type GcConstant = { readonly kind: 'str'; readonly value: string } | { readonly kind: 'proto'; readonly proto: Proto } | TemplateTable | CdataConstant;

export interface VarInfo {
  readonly name: string;
  readonly slot: number;
  /** First pc where the variable is live and the pc where it dies. */
  startpc: number;
  endpc: number;
}

export const UV_LOCAL = 0x8000;
export const UV_IMMUTABLE = 0x4000;

export interface Proto {
  readonly chunkname: string;
  readonly firstline: number;
  readonly lastline: number;
  readonly numparams: number;
  readonly framesize: number;
  readonly isVararg: boolean;
  /** Instructions; bc[0] is the FUNCF/FUNCV header. Patched in place (J-variants). */
  readonly bc: Uint32Array;
  /** Source line of each instruction. */
  readonly lines: Int32Array;
  readonly knum: readonly number[];
  readonly kgc: readonly GcConstant[];
  /** Upvalue descriptors: parent slot | UV_LOCAL, or the parent's upvalue index; | UV_IMMUTABLE when the local is never reassigned. */
  readonly uv: readonly number[];
  readonly uvnames: readonly string[];
  readonly vars: readonly VarInfo[];
  readonly children: readonly Proto[];
  /** Address of bc[0] in the modelled machine's bytecode region; set when loaded. */
  bcAddress: number;
  /** Closures made from this prototype so far (LuaJIT's PROTO_CLCOUNT): above 1, upvalues are not folded. */
  closures: number;
}

/** `file:line` as LuaJIT's funcinfo().loc prints it. */
export function protoLocation(p: Proto): string {
  return `${p.chunkname}:${p.firstline}`;
}
