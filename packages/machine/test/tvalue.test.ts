// Checks the TValue encoding against facts visible in real LuaJIT x64 GC64 listings
// (fixtures/corpus/*.jdump): number guards compare the high word with 0xfff90000, and
// `rorx r, [slot], 0x2f` + `cmp r16, -0x09` / `-0x0c` test for a function / table.
import fc from 'fast-check';
import { ITYPE, NUMBER_HI_LIMIT, gcWords, isNumberWords, itypeOf, numberWords, payloadOf, primitiveWords, wordsToNumber } from '../src';

const asBig = (w: { lo: number; hi: number }) => (BigInt(w.hi >>> 0) << 32n) | BigInt(w.lo >>> 0);
const rorx47Low16 = (v: bigint) => Number((((v >> 47n) | (v << 17n)) & 0xffffn));

describe('GC64 TValue encoding', () => {
  it('uses the number bound LuaJIT guards compile to', () => {
    expect(NUMBER_HI_LIMIT).toBe(0xfff90000);
  });

  it('tags functions and tables so that rorx 47 yields -9 and -12 in the low 16 bits', () => {
    expect(rorx47Low16(asBig(gcWords(ITYPE.func, 0x1234_5678_9abc)))).toBe(0x10000 - 0x09);
    expect(rorx47Low16(asBig(gcWords(ITYPE.tab, 0x42)))).toBe(0x10000 - 0x0c);
  });

  it('encodes nil, false and true as LuaJIT setpriV does: ~((~itype) << 47)', () => {
    expect(asBig(primitiveWords(ITYPE.nil))).toBe(0xffff_ffff_ffff_ffffn);
    expect(asBig(primitiveWords(ITYPE.false))).toBe(0xffff_7fff_ffff_ffffn);
    expect(asBig(primitiveWords(ITYPE.true))).toBe(0xfffe_ffff_ffff_ffffn);
  });

  it('round-trips every double and keeps numbers below the tag bound', () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        const w = numberWords(n);
        expect(isNumberWords(w)).toBe(true);
        expect(Object.is(wordsToNumber(w), n) || (Number.isNaN(n) && Number.isNaN(wordsToNumber(w)))).toBe(true);
      }),
    );
  });

  it('round-trips every itype and 47-bit handle, and never looks like a number', () => {
    const itypes = Object.values(ITYPE).filter((t) => t !== ITYPE.numx);
    fc.assert(
      fc.property(fc.constantFrom(...itypes), fc.integer({ min: 0, max: 2 ** 47 - 1 }), (itype, handle) => {
        const w = gcWords(itype, handle);
        expect(isNumberWords(w)).toBe(false);
        expect(itypeOf(w)).toBe(itype);
        expect(payloadOf(w)).toBe(handle);
      }),
    );
  });
});
