// The IR opcode table: every LuaJIT 2.1 IR instruction (lj_ir.h IRDEF, 2022 v2.1 as shipped by
// Debian) in LuaJIT's ORDER, so that an opcode's index is its LuaJIT opcode number. Operand modes
// and mode flags derive from each row; nothing else in the package lists opcodes.

/** Operand mode of op1/op2: IR reference, 16-bit literal, constant payload, or unused. */
export type OperandMode = 'ref' | 'lit' | 'cst' | 'none';

/** Rows: [name, mode letters, op1 mode, op2 mode]. Mode letters as in IRDEF: N C R A L S, plus W. */
export const IR_OPCODES = [
  // Guarded assertions (order: ^1 flips opposites, ^4 flips (un)ordered).
  ['LT', 'N', 'ref', 'ref'],
  ['GE', 'N', 'ref', 'ref'],
  ['LE', 'N', 'ref', 'ref'],
  ['GT', 'N', 'ref', 'ref'],
  ['ULT', 'N', 'ref', 'ref'],
  ['UGE', 'N', 'ref', 'ref'],
  ['ULE', 'N', 'ref', 'ref'],
  ['UGT', 'N', 'ref', 'ref'],
  ['EQ', 'C', 'ref', 'ref'],
  ['NE', 'C', 'ref', 'ref'],
  ['ABC', 'N', 'ref', 'ref'],
  ['RETF', 'S', 'ref', 'ref'],
  // Miscellaneous.
  ['NOP', 'N', 'none', 'none'],
  ['BASE', 'N', 'lit', 'lit'],
  ['PVAL', 'N', 'lit', 'none'],
  ['GCSTEP', 'S', 'none', 'none'],
  ['HIOP', 'S', 'ref', 'ref'],
  ['LOOP', 'S', 'none', 'none'],
  ['USE', 'S', 'ref', 'none'],
  ['PHI', 'S', 'ref', 'ref'],
  ['RENAME', 'S', 'ref', 'lit'],
  ['PROF', 'S', 'none', 'none'],
  // Constants.
  ['KPRI', 'N', 'none', 'none'],
  ['KINT', 'N', 'cst', 'none'],
  ['KGC', 'N', 'cst', 'none'],
  ['KPTR', 'N', 'cst', 'none'],
  ['KKPTR', 'N', 'cst', 'none'],
  ['KNULL', 'N', 'cst', 'none'],
  ['KNUM', 'N', 'cst', 'none'],
  ['KINT64', 'N', 'cst', 'none'],
  ['KSLOT', 'N', 'ref', 'lit'],
  // Bit ops.
  ['BNOT', 'N', 'ref', 'none'],
  ['BSWAP', 'N', 'ref', 'none'],
  ['BAND', 'C', 'ref', 'ref'],
  ['BOR', 'C', 'ref', 'ref'],
  ['BXOR', 'C', 'ref', 'ref'],
  ['BSHL', 'N', 'ref', 'ref'],
  ['BSHR', 'N', 'ref', 'ref'],
  ['BSAR', 'N', 'ref', 'ref'],
  ['BROL', 'N', 'ref', 'ref'],
  ['BROR', 'N', 'ref', 'ref'],
  // Arithmetic (ORDER ARITH).
  ['ADD', 'C', 'ref', 'ref'],
  ['SUB', 'N', 'ref', 'ref'],
  ['MUL', 'C', 'ref', 'ref'],
  ['DIV', 'N', 'ref', 'ref'],
  ['MOD', 'N', 'ref', 'ref'],
  ['POW', 'N', 'ref', 'ref'],
  ['NEG', 'N', 'ref', 'ref'],
  ['ABS', 'N', 'ref', 'ref'],
  ['LDEXP', 'N', 'ref', 'ref'],
  ['MIN', 'C', 'ref', 'ref'],
  ['MAX', 'C', 'ref', 'ref'],
  ['FPMATH', 'N', 'ref', 'lit'],
  // Overflow-checking arithmetic.
  ['ADDOV', 'CW', 'ref', 'ref'],
  ['SUBOV', 'NW', 'ref', 'ref'],
  ['MULOV', 'CW', 'ref', 'ref'],
  // Memory references.
  ['AREF', 'R', 'ref', 'ref'],
  ['HREFK', 'R', 'ref', 'ref'],
  ['HREF', 'L', 'ref', 'ref'],
  ['NEWREF', 'S', 'ref', 'ref'],
  ['UREFO', 'LW', 'ref', 'lit'],
  ['UREFC', 'LW', 'ref', 'lit'],
  ['FREF', 'R', 'ref', 'lit'],
  ['TMPREF', 'S', 'ref', 'lit'],
  ['STRREF', 'N', 'ref', 'ref'],
  ['LREF', 'L', 'none', 'none'],
  // Loads and stores (same order).
  ['ALOAD', 'L', 'ref', 'none'],
  ['HLOAD', 'L', 'ref', 'none'],
  ['ULOAD', 'L', 'ref', 'none'],
  ['FLOAD', 'L', 'ref', 'lit'],
  ['XLOAD', 'L', 'ref', 'lit'],
  ['SLOAD', 'L', 'lit', 'lit'],
  ['VLOAD', 'L', 'ref', 'lit'],
  ['ALEN', 'L', 'ref', 'ref'],
  ['ASTORE', 'S', 'ref', 'ref'],
  ['HSTORE', 'S', 'ref', 'ref'],
  ['USTORE', 'S', 'ref', 'ref'],
  ['FSTORE', 'S', 'ref', 'ref'],
  ['XSTORE', 'S', 'ref', 'ref'],
  // Allocations.
  ['SNEW', 'N', 'ref', 'ref'],
  ['XSNEW', 'A', 'ref', 'ref'],
  ['TNEW', 'AW', 'lit', 'lit'],
  ['TDUP', 'AW', 'ref', 'none'],
  ['CNEW', 'AW', 'ref', 'ref'],
  ['CNEWI', 'NW', 'ref', 'ref'],
  // Buffers.
  ['BUFHDR', 'L', 'ref', 'lit'],
  ['BUFPUT', 'LW', 'ref', 'ref'],
  ['BUFSTR', 'AW', 'ref', 'ref'],
  // Barriers.
  ['TBAR', 'S', 'ref', 'none'],
  ['OBAR', 'S', 'ref', 'ref'],
  ['XBAR', 'S', 'none', 'none'],
  // Type conversions.
  ['CONV', 'N', 'ref', 'lit'],
  ['TOBIT', 'N', 'ref', 'ref'],
  ['TOSTR', 'N', 'ref', 'lit'],
  ['STRTO', 'N', 'ref', 'none'],
  // Calls.
  ['CALLN', 'NW', 'ref', 'lit'],
  ['CALLA', 'AW', 'ref', 'lit'],
  ['CALLL', 'LW', 'ref', 'lit'],
  ['CALLS', 'S', 'ref', 'lit'],
  ['CALLXS', 'S', 'ref', 'ref'],
  ['CARG', 'N', 'ref', 'ref'],
] as const satisfies readonly (readonly [string, string, OperandMode, OperandMode])[];

export type IROpName = (typeof IR_OPCODES)[number][0];

/** What an opcode does to memory/state, from its IRDEF mode letter (R is N for the optimizer). */
export type OpKind = 'N' | 'R' | 'A' | 'L' | 'S';

export interface OpInfo {
  readonly name: IROpName;
  /** LuaJIT opcode number (index in ORDER IR). */
  readonly number: number;
  readonly op1: OperandMode;
  readonly op2: OperandMode;
  readonly kind: OpKind;
  readonly commutative: boolean;
  /** IRDEF `W`: a guarded instance is not a side effect by itself (DCE may drop it if unused). */
  readonly weakGuard: boolean;
}

export const OP_INFO: ReadonlyMap<string, OpInfo> = new Map(
  IR_OPCODES.map(([name, mode, op1, op2], number) => {
    const letter = mode[0] === 'C' ? 'N' : (mode[0] as OpKind);
    const info: OpInfo = {
      name,
      number,
      op1,
      op2,
      kind: letter,
      commutative: mode.startsWith('C'),
      weakGuard: mode.endsWith('W'),
    };
    return [name, info];
  }),
);

export function isOpName(name: string): name is IROpName {
  return OP_INFO.has(name);
}

export function opInfo(name: IROpName): OpInfo {
  return OP_INFO.get(name) as OpInfo;
}

/** Comparison guards whose instruction type names the operand type; ABC (array bounds check, `ABC asize index`) holds as UGT does. */
export const COMPARISON_OPS = ['LT', 'GE', 'LE', 'GT', 'ULT', 'UGE', 'ULE', 'UGT', 'EQ', 'NE', 'ABC'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Two-operand arithmetic whose operands share the result type. */
export const ARITH_OPS = ['ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'MIN', 'MAX', 'ADDOV', 'SUBOV', 'MULOV'] as const;
export type ArithOp = (typeof ARITH_OPS)[number];

/** Ops that are always guards when emitted (the emitter sets IRT_GUARD). */
export const ALWAYS_GUARDED: ReadonlySet<IROpName> = new Set<IROpName>([
  ...COMPARISON_OPS,
  'ABC',
  'RETF',
  'ADDOV',
  'SUBOV',
  'MULOV',
]);

/** Ops that produce no value another instruction or a snapshot could use. */
export const VALUELESS_OPS: ReadonlySet<IROpName> = new Set<IROpName>([
  ...COMPARISON_OPS,
  'ABC',
  'RETF',
  'NOP',
  'LOOP',
  'USE',
  'PHI',
  'GCSTEP',
  'PROF',
  'ASTORE',
  'HSTORE',
  'USTORE',
  'FSTORE',
  'XSTORE',
  'TBAR',
  'OBAR',
  'XBAR',
]);
