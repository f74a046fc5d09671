// Per-function compiler state (FuncState of lj_parse.c): bytecode being emitted with its
// lines, pending jumps, registers, constants, active variables, upvalues, scopes, gotos and labels.
import type { GcConstant, Proto, VarInfo } from './proto';
import { NO_JMP } from './expdesc';

export const FSCOPE_LOOP = 1, FSCOPE_BREAK = 2, FSCOPE_GOLA = 4, FSCOPE_UPVAL = 8, FSCOPE_NOCLOSE = 16;

export interface Scope {
  nactvar: number;
  flags: number;
  /** Index into FuncState.gotos where this scope's gotos and labels start. */
  vstart: number;
  prev: Scope | null;
}

export interface VarEntry {
  readonly name: string;
  readonly info: VarInfo;
  /** Assigned after its declaration (LuaJIT's VSTACK_VAR_RW): upvalues of it are not immutable. */
  rw?: boolean;
}

/** A goto (a break is a goto to the loop's hidden label) or a label (lj_parse.c's VSTACK_GOTO/VSTACK_LABEL). */
export interface Gola {
  readonly name: string;
  readonly kind: 'goto' | 'label';
  /** The goto's JMP, or the label's position. */
  readonly pc: number;
  /** The active locals at it: where a jump to it closes down to. */
  slot: number;
  /** Still pending (LuaJIT clears the name once resolved or out of scope). */
  live: boolean;
}

export interface UpvalRef {
  readonly entry: VarEntry;
  readonly desc: number;
}

export class FuncState {
  bc: number[] = [];
  lines: number[] = [];
  pc = 0;
  lasttarget = 0;
  jpc = NO_JMP;
  freereg = 0;
  nactvar = 0;
  framesize = 1;
  numparams = 0;
  isVararg = false;
  hasChild = false;
  hasReturn = false;
  fixupReturn = false;
  bl: Scope | null = null;
  readonly knum: number[] = [];
  readonly knumIndex = new Map<number, number>();
  readonly kgc: GcConstant[] = [];
  readonly kstrIndex = new Map<string, number>();
  /** varmap: active variables by slot index. */
  readonly actvars: VarEntry[] = [];
  readonly allvars: VarInfo[] = [];
  readonly uvs: UpvalRef[] = [];
  readonly gotos: Gola[] = [];
  readonly children: Proto[] = [];
  constructor(readonly prev: FuncState | null, readonly linedefined: number) {}
}
