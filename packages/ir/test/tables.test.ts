// The opcode and type tables against LuaJIT's own invariants (lj_ir.h static asserts and the
// documented numbering) and against @tracesim/machine's itype table, which was written apart.

import { ITYPE } from '@tracesim/machine';
import {
  IR_OPCODES,
  IR_TYPES,
  OP_INFO,
  REF_BIAS,
  REF_FALSE,
  REF_FIRST,
  REF_NIL,
  REF_TRUE,
  formatRef,
  itypeOfType,
  opInfo,
  parseSloadMode,
  formatSloadMode,
  SLOAD,
  encodeConv,
  decodeConv,
  formatLiteralOp2,
  parseLiteralOp2,
  type IROpName,
} from '@tracesim/ir';

const n = (op: IROpName) => opInfo(op).number;

describe('IR opcode table', () => {
  test('LuaJIT ORDER IR invariants hold (opposites ^1, unordered ^4, loads/stores aligned)', () => {
    expect(n('LT')).toBe(0);
    expect(n('EQ') ^ 1).toBe(n('NE'));
    expect(n('LT') ^ 1).toBe(n('GE'));
    expect(n('LE') ^ 1).toBe(n('GT'));
    expect(n('LT') ^ 3).toBe(n('GT'));
    expect(n('LT') ^ 4).toBe(n('ULT'));
    const delta = n('ASTORE') - n('ALOAD');
    for (const [load, store] of [['HLOAD', 'HSTORE'], ['ULOAD', 'USTORE'], ['FLOAD', 'FSTORE'], ['XLOAD', 'XSTORE']] as const) {
      expect(n(store) - n(load)).toBe(delta);
    }
  });

  test('every name is unique and the operand modes match IRDEF', () => {
    expect(OP_INFO.size).toBe(IR_OPCODES.length);
    expect(opInfo('SLOAD')).toMatchObject({ op1: 'lit', op2: 'lit', kind: 'L' });
    expect(opInfo('KINT')).toMatchObject({ op1: 'cst', op2: 'none' });
    expect(opInfo('ADDOV')).toMatchObject({ commutative: true, weakGuard: true });
    expect(opInfo('SUB')).toMatchObject({ commutative: false, weakGuard: false });
    expect(opInfo('RETF').kind).toBe('S');
  });
});

describe('IR type table', () => {
  test('tagged types map to the machine package itypes (~IRT)', () => {
    expect(itypeOfType('nil')).toBe(ITYPE.nil);
    expect(itypeOfType('fal')).toBe(ITYPE.false);
    expect(itypeOfType('tru')).toBe(ITYPE.true);
    expect(itypeOfType('str')).toBe(ITYPE.str);
    expect(itypeOfType('fun')).toBe(ITYPE.func);
    expect(itypeOfType('tab')).toBe(ITYPE.tab);
    expect(itypeOfType('udt')).toBe(ITYPE.udata);
    expect(itypeOfType('pro')).toBe(ITYPE.proto);
    expect(itypeOfType('cdt')).toBe(ITYPE.cdata);
  });

  test('dump abbreviations are 3 characters and NUM/INT sit where LuaJIT puts them', () => {
    for (const [, dump] of IR_TYPES) expect(dump).toHaveLength(3);
    expect(IR_TYPES.findIndex(([t]) => t === 'NUM')).toBe(14);
    expect(IR_TYPES.findIndex(([t]) => t === 'INT')).toBe(19);
  });
});

describe('refs and literals', () => {
  test('constants below the bias, instructions from REF_FIRST, %04d relative to the bias', () => {
    expect([REF_NIL, REF_FALSE, REF_TRUE, REF_FIRST]).toEqual([0x7fff, 0x7ffe, 0x7ffd, 0x8001]);
    expect(formatRef(REF_FIRST)).toBe('0001');
    expect(formatRef(REF_BIAS + 42)).toBe('0042');
  });

  test('SLOAD letters in PFTCRIK order', () => {
    expect(formatSloadMode(SLOAD.P | SLOAD.I | SLOAD.K)).toBe('PIK');
    expect(formatSloadMode(SLOAD.C | SLOAD.R | SLOAD.I)).toBe('CRI');
    expect(parseSloadMode('CI')).toBe(SLOAD.C | SLOAD.I);
    expect(parseSloadMode('IC')).toBeUndefined();
  });

  test('CONV dst.src with check modes as -jdump spells them', () => {
    const op2 = encodeConv({ dst: 'int', src: 'num', sext: false, check: 'check' });
    expect(formatLiteralOp2('CONV', op2)).toBe('int.num check');
    expect(decodeConv(op2)).toEqual({ dst: 'int', src: 'num', sext: false, check: 'check' });
    // IRCONV_NUM_INT = (IRT_NUM << 5) | IRT_INT
    expect(encodeConv({ dst: 'num', src: 'int', sext: false, check: '' })).toBe((14 << 5) | 19);
    expect(parseLiteralOp2('CONV', 'int.num none')).toBe((1 << 12) | (19 << 5) | 14);
    expect(formatLiteralOp2('FPMATH', 0)).toBe('floor');
    expect(formatLiteralOp2('RENAME', 32767)).toBe('#32767');
    expect(formatLiteralOp2('VLOAD', 1)).toBe('#1  ');
  });
});
