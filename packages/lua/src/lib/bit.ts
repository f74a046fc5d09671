// LuaJIT's bit library (lib_bit.c, "BitOp"): 32-bit operations on numbers, each argument
// normalised as lj_num2bit does (the low 32 bits of x + 2^52 + 2^51, so any number wraps
// modulo 2^32) and every result a signed 32-bit number. 64-bit cdata operands are not modelled.
import { LuaCdata, type BuiltinCall, type BuiltinFn, type LuaValue } from '../value';
import { checkNumber } from './args';
import type { Library } from './library';

const view = new DataView(new ArrayBuffer(8));

/** lj_num2bit: the number's low 32 bits after adding 2^52 + 2^51, as a signed integer. */
export function toBit(x: number): number {
  view.setFloat64(0, x + 6755399441055744, true);
  return view.getInt32(0, true);
}

export const bitLibrary: Library = (vm) => {
  const arg = (args: readonly LuaValue[], i: number, call: BuiltinCall): number => {
    if (args[i] instanceof LuaCdata) return vm.notSupported('bit operations on 64-bit cdata');
    return toBit(checkNumber(args, i, call));
  };
  const unary = (op: (x: number) => number): BuiltinFn => (args, call) => op(arg(args, 0, call));
  const shift = (op: (x: number, n: number) => number): BuiltinFn => (args, call) => op(arg(args, 0, call), arg(args, 1, call) & 31);
  const fold = (op: (x: number, y: number) => number): BuiltinFn => (args, call) => {
    let r = arg(args, 0, call);
    for (let i = 1; i < args.length; i++) r = op(r, arg(args, i, call));
    return r;
  };
  return {
    functions: {
      tobit: unary((x) => x),
      bnot: unary((x) => ~x),
      bswap: unary((x) => ((x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0),
      band: fold((x, y) => x & y),
      bor: fold((x, y) => x | y),
      bxor: fold((x, y) => x ^ y),
      lshift: shift((x, n) => x << n),
      rshift: shift((x, n) => (x >>> n) | 0),
      arshift: shift((x, n) => x >> n),
      rol: shift((x, n) => ((x << n) | (x >>> (32 - n))) | 0),
      ror: shift((x, n) => ((x >>> n) | (x << (32 - n))) | 0),
      tohex: (args, call) => {
        const x = arg(args, 0, call);
        let n = args[1] === undefined ? 8 : arg(args, 1, call);
        const upper = n < 0;
        if (upper) n = -n | 0; // -(-2^31) stays -2^31, as in int32_t
        // LuaJIT 2.1 formats the zero-extended value as %.*x with precision ((n + 1) & 255) - 1
        // (none when that is -1), keeping only the low n digits when n < 16 (the shift count
        // taken mod 64, as x86 shifts take it).
        const value = n < 16 ? BigInt(x >>> 0) & ((1n << BigInt((4 * n) & 63)) - 1n) : BigInt(x >>> 0);
        const prec = ((n + 1) & 255) - 1;
        const hex = value.toString(16);
        const digits = prec < 0 ? hex : prec === 0 && value === 0n ? '' : hex.padStart(prec, '0');
        return call.str(upper ? digits.toUpperCase() : digits);
      },
    },
  };
};
