import type { CdataConstant } from './proto';

// Expression descriptors (ExpDesc of lj_parse.c): the kinds an expression can be in while it
// is compiled (constant, local, upvalue, global, indexed, jump, relocatable, …), their jump
// lists, and the constant checks the emitter makes.
export const VKNIL = 0, VKFALSE = 1, VKTRUE = 2, VKSTR = 3, VKNUM = 4, VKCDATA = 5, VLOCAL = 6, VUPVAL = 7, VGLOBAL = 8,
  VINDEXED = 9, VJMP = 10, VRELOCABLE = 11, VNONRELOC = 12, VCALL = 13, VVOID = 14;
/** The last constant kind: VKCDATA (a `5LL` literal) follows it and is not treated as a constant. */
export const VKLAST = VKNUM;
export const NO_JMP = -1;

export class ExpDesc {
  info = 0;
  aux = 0;
  nval = 0;
  sval = '';
  /** A VKCDATA literal's value. */
  cval: CdataConstant | undefined = undefined;
  t = NO_JMP;
  f = NO_JMP;
  constructor(public k: number, info = 0) {
    this.info = info;
  }
  copyFrom(o: ExpDesc): void {
    this.k = o.k; this.info = o.info; this.aux = o.aux; this.nval = o.nval; this.sval = o.sval; this.cval = o.cval; this.t = o.t; this.f = o.f;
  }
}

export const hasjump = (e: ExpDesc): boolean => e.t !== e.f;
export const isk = (e: ExpDesc): boolean => e.k <= VKLAST;
export const iskNojump = (e: ExpDesc): boolean => isk(e) && !hasjump(e);
export const isnumk = (e: ExpDesc): boolean => e.k === VKNUM;
export const isnumkNojump = (e: ExpDesc): boolean => isnumk(e) && !hasjump(e);
export const isstrk = (e: ExpDesc): boolean => e.k === VKSTR;
export const numiszero = (e: ExpDesc): boolean => e.nval === 0;
export const constPri = (e: ExpDesc): number => e.k;

/** lj_num2int: C's (int32_t) conversion of a double (out-of-range → INT_MIN). */
export function num2int(n: number): number {
  if (!Number.isFinite(n) || n >= 2147483648 || n < -2147483648) return -2147483648;
  return Math.trunc(n);
}
export const checki16 = (k: number): boolean => k >= -32768 && k <= 32767;
export const checku8 = (k: number): boolean => k >= 0 && k <= 255;
