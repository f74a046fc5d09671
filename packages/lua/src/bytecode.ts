// The LuaJIT 2.1 bytecode set (BCDEF of lj_bc.h): one `as const` table in LuaJIT's order, from
// which the opcode numbers, operand modes, the instruction encoders/decoders and the listing
// printer all derive. Instructions are 32-bit: op in bits 0-7, A in 8-15, C in 16-23, B in
// 24-31, or a 16-bit D in 16-31 (jumps are biased by 0x8000).

/** Operand modes (BCMode of lj_bc.h, same numbering as jit/bc.lua reads them). */
export const MODES = ['none', 'dst', 'base', 'var', 'rbase', 'uv', 'lit', 'lits', 'pri', 'num', 'str', 'tab', 'func', 'jump', 'cdata'] as const;
export type Mode = (typeof MODES)[number];

type OpDef = readonly [name: string, a: Mode, b: Mode, cd: Mode];

/** BCDEF: name, mode of A, mode of B, mode of C/D. */
export const BCDEF = [
  ['ISLT', 'var', 'none', 'var'], ['ISGE', 'var', 'none', 'var'], ['ISLE', 'var', 'none', 'var'], ['ISGT', 'var', 'none', 'var'],
  ['ISEQV', 'var', 'none', 'var'], ['ISNEV', 'var', 'none', 'var'], ['ISEQS', 'var', 'none', 'str'], ['ISNES', 'var', 'none', 'str'],
  ['ISEQN', 'var', 'none', 'num'], ['ISNEN', 'var', 'none', 'num'], ['ISEQP', 'var', 'none', 'pri'], ['ISNEP', 'var', 'none', 'pri'],
  ['ISTC', 'dst', 'none', 'var'], ['ISFC', 'dst', 'none', 'var'], ['IST', 'none', 'none', 'var'], ['ISF', 'none', 'none', 'var'],
  ['ISTYPE', 'var', 'none', 'lit'], ['ISNUM', 'var', 'none', 'lit'],
  ['MOV', 'dst', 'none', 'var'], ['NOT', 'dst', 'none', 'var'], ['UNM', 'dst', 'none', 'var'], ['LEN', 'dst', 'none', 'var'],
  ['ADDVN', 'dst', 'var', 'num'], ['SUBVN', 'dst', 'var', 'num'], ['MULVN', 'dst', 'var', 'num'], ['DIVVN', 'dst', 'var', 'num'], ['MODVN', 'dst', 'var', 'num'],
  ['ADDNV', 'dst', 'var', 'num'], ['SUBNV', 'dst', 'var', 'num'], ['MULNV', 'dst', 'var', 'num'], ['DIVNV', 'dst', 'var', 'num'], ['MODNV', 'dst', 'var', 'num'],
  ['ADDVV', 'dst', 'var', 'var'], ['SUBVV', 'dst', 'var', 'var'], ['MULVV', 'dst', 'var', 'var'], ['DIVVV', 'dst', 'var', 'var'], ['MODVV', 'dst', 'var', 'var'],
  ['POW', 'dst', 'var', 'var'], ['CAT', 'dst', 'rbase', 'rbase'],
  ['KSTR', 'dst', 'none', 'str'], ['KCDATA', 'dst', 'none', 'cdata'], ['KSHORT', 'dst', 'none', 'lits'], ['KNUM', 'dst', 'none', 'num'],
  ['KPRI', 'dst', 'none', 'pri'], ['KNIL', 'base', 'none', 'base'],
  ['UGET', 'dst', 'none', 'uv'], ['USETV', 'uv', 'none', 'var'], ['USETS', 'uv', 'none', 'str'], ['USETN', 'uv', 'none', 'num'],
  ['USETP', 'uv', 'none', 'pri'], ['UCLO', 'rbase', 'none', 'jump'], ['FNEW', 'dst', 'none', 'func'],
  ['TNEW', 'dst', 'none', 'lit'], ['TDUP', 'dst', 'none', 'tab'], ['GGET', 'dst', 'none', 'str'], ['GSET', 'var', 'none', 'str'],
  ['TGETV', 'dst', 'var', 'var'], ['TGETS', 'dst', 'var', 'str'], ['TGETB', 'dst', 'var', 'lit'], ['TGETR', 'dst', 'var', 'var'],
  ['TSETV', 'var', 'var', 'var'], ['TSETS', 'var', 'var', 'str'], ['TSETB', 'var', 'var', 'lit'], ['TSETM', 'base', 'none', 'num'],
  ['TSETR', 'var', 'var', 'var'],
  ['CALLM', 'base', 'lit', 'lit'], ['CALL', 'base', 'lit', 'lit'], ['CALLMT', 'base', 'none', 'lit'], ['CALLT', 'base', 'none', 'lit'],
  ['ITERC', 'base', 'lit', 'lit'], ['ITERN', 'base', 'lit', 'lit'], ['VARG', 'base', 'lit', 'lit'], ['ISNEXT', 'base', 'none', 'jump'],
  ['RETM', 'base', 'none', 'lit'], ['RET', 'rbase', 'none', 'lit'], ['RET0', 'rbase', 'none', 'lit'], ['RET1', 'rbase', 'none', 'lit'],
  ['FORI', 'base', 'none', 'jump'], ['JFORI', 'base', 'none', 'jump'], ['FORL', 'base', 'none', 'jump'], ['IFORL', 'base', 'none', 'jump'],
  ['JFORL', 'base', 'none', 'lit'], ['ITERL', 'base', 'none', 'jump'], ['IITERL', 'base', 'none', 'jump'], ['JITERL', 'base', 'none', 'lit'],
  ['LOOP', 'rbase', 'none', 'jump'], ['ILOOP', 'rbase', 'none', 'jump'], ['JLOOP', 'rbase', 'none', 'lit'], ['JMP', 'rbase', 'none', 'jump'],
  ['FUNCF', 'rbase', 'none', 'none'], ['IFUNCF', 'rbase', 'none', 'none'], ['JFUNCF', 'rbase', 'none', 'lit'],
  ['FUNCV', 'rbase', 'none', 'none'], ['IFUNCV', 'rbase', 'none', 'none'], ['JFUNCV', 'rbase', 'none', 'lit'],
  ['FUNCC', 'rbase', 'none', 'none'], ['FUNCCW', 'rbase', 'none', 'none'],
] as const satisfies readonly OpDef[];

export type OpName = (typeof BCDEF)[number][0];

/** Opcode numbers by name: BC.ISLT === 0 … BC.FUNCCW === 96. */
export const BC = Object.fromEntries(BCDEF.map((def, i) => [def[0], i])) as { readonly [K in OpName]: number };

export const OP_NAMES: readonly OpName[] = BCDEF.map((def) => def[0]);

const modeIndex = (m: Mode): number => MODES.indexOf(m);
export const MODE_A: readonly Mode[] = BCDEF.map((d) => d[1]);
export const MODE_B: readonly Mode[] = BCDEF.map((d) => d[2]);
export const MODE_CD: readonly Mode[] = BCDEF.map((d) => d[3]);
/** True for ops that have a B operand (ABC format), false for AD format. */
export const HAS_B: readonly boolean[] = BCDEF.map((d) => modeIndex(d[2]) !== 0);

export const NO_REG = 0xff;
export const BCBIAS_J = 0x8000;
export const BCMAX_B = 0xff;
export const BCMAX_C = 0xff;
export const BCMAX_D = 0xffff;

export const insABC = (op: number, a: number, b: number, c: number): number => (op | (a << 8) | (c << 16) | (b << 24)) >>> 0;
export const insAD = (op: number, a: number, d: number): number => (op | (a << 8) | (d << 16)) >>> 0;
export const insOp = (ins: number): number => ins & 0xff;
export const insA = (ins: number): number => (ins >>> 8) & 0xff;
export const insB = (ins: number): number => ins >>> 24;
export const insC = (ins: number): number => (ins >>> 16) & 0xff;
export const insD = (ins: number): number => ins >>> 16;
/** Signed jump offset of a jump-mode D operand, relative to the next instruction. */
export const insJ = (ins: number): number => (ins >>> 16) - BCBIAS_J;
export const withOp = (ins: number, op: number): number => ((ins & ~0xff) | op) >>> 0;
export const withA = (ins: number, a: number): number => ((ins & ~0xff00) | (a << 8)) >>> 0;
export const withB = (ins: number, b: number): number => ((ins & 0x00ffffff) | (b << 24)) >>> 0;
export const withD = (ins: number, d: number): number => ((ins & 0xffff) | (d << 16)) >>> 0;

/** The interpreter-only and JIT variants of the hot ops (FORL→IFORL/JFORL …). */
export const HOT_VARIANTS = {
  FORL: { interp: BC.IFORL, jit: BC.JFORL },
  ITERL: { interp: BC.IITERL, jit: BC.JITERL },
  LOOP: { interp: BC.ILOOP, jit: BC.JLOOP },
  FUNCF: { interp: BC.IFUNCF, jit: BC.JFUNCF },
  FUNCV: { interp: BC.IFUNCV, jit: BC.JFUNCV },
} as const;
