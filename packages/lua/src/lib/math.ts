// The math library (lib_math.c), with LuaJIT's choices: log with an optional base (log2(x) ·
// 1/log2(base)), min/max as SSE's minsd/maxsd pick (NaN and ±0 cases),
// frexp/ldexp exact over the whole double range, random from LuaJIT's own generator (prng.ts).
import { luaPow } from '@tracesim/machine';
import { checkNumber } from './args';
import type { Library } from './library';
import { LuaJitRandom } from './prng';

/** One-argument functions: the C library call each stands for. */
const UNARY: Readonly<Record<string, (x: number) => number>> = {
  floor: Math.floor, ceil: Math.ceil, abs: Math.abs, sqrt: Math.sqrt,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, exp: Math.exp, log10: Math.log10,
  deg: (x) => x * (180 / Math.PI), rad: (x) => x * (Math.PI / 180),
};

const view = new DataView(new ArrayBuffer(8));

/** x · 2^e rounded once, as C's ldexp: x as a 53-bit integer m · 2^k, then m · 2^(k+e). */
function ldexp(x: number, e: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let m = bits & ((1n << 52n) - 1n);
  let k = biased - 1075;
  if (biased === 0) k = -1074;
  else m |= 1n << 52n;
  while (m < 1n << 52n) {
    m <<= 1n;
    k--;
  }
  const t = k + e;
  const sign = x < 0 ? -1 : 1;
  if (t > 971) return sign * Infinity;
  if (t >= -1074) return sign * Number(m) * 2 ** t;
  // Below the smallest subnormal step: round m / 2^shift to an integer count of 2^-1074, half to even.
  const shift = BigInt(-1074 - t);
  if (shift > 60n) return sign * 0;
  let q = m >> shift;
  const rest = m & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && q & 1n)) q++;
  return sign * Number(q) * 2 ** -1074;
}

/** C's frexp: m in [0.5, 1) (or 0, ±inf, NaN with exponent 0) and e with x = m · 2^e. */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = ldexp(x, -e);
  // log2 may be off by one near powers of two.
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  return [m, e];
}

export const mathLibrary: Library = () => {
  const random = new LuaJitRandom();
  const functions: Record<string, import('../value').BuiltinFn> = {};
  for (const [name, fn] of Object.entries(UNARY)) functions[name] = (args, call) => fn(checkNumber(args, 0, call));
  Object.assign(functions, {
    min: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        m = m < v ? m : v;
      }
      return m;
    },
    max: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        m = m > v ? m : v;
      }
      return m;
    },
    modf: (args, call) => {
      const x = checkNumber(args, 0, call);
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      // C's modf: the fraction keeps x's sign (-0 for negative integers and -inf).
      const frac = Number.isNaN(x) ? x : Number.isFinite(x) ? x - ip : 0;
      return [ip, frac === 0 && (x < 0 || Object.is(x, -0)) ? -0 : frac];
    },
    fmod: (args, call) => checkNumber(args, 0, call) % checkNumber(args, 1, call),
    pow: (args, call) => luaPow(checkNumber(args, 0, call), checkNumber(args, 1, call)),
    atan2: (args, call) => Math.atan2(checkNumber(args, 0, call), checkNumber(args, 1, call)),
    log: (args, call) => {
      const x = checkNumber(args, 0, call);
      if (args[1] === undefined) return Math.log(x);
      const base = checkNumber(args, 1, call);
      // As LuaJIT: log2(x) times the reciprocal of log2(base), not a quotient.
      return Math.log2(x) * (1 / Math.log2(base));
    },
    frexp: (args, call) => frexp(checkNumber(args, 0, call)),
    // LuaJIT scales by the truncated double exponent (no int conversion): 2^32 overflows to inf.
    ldexp: (args, call) => {
      const x = checkNumber(args, 0, call);
      const e = Math.trunc(checkNumber(args, 1, call));
      if (!Number.isFinite(e)) return Number.isNaN(e) ? NaN : x * (e > 0 ? Infinity : 0);
      return ldexp(x, e);
    },
    random: (args, call) => {
      const d = random.next();
      if (args.length === 0) return d;
      const r1 = checkNumber(args, 0, call);
      if (args.length === 1) return Math.floor(d * r1) + 1;
      const r2 = checkNumber(args, 1, call);
      return Math.floor(d * (r2 - r1 + 1)) + r1;
    },
    randomseed: (args, call) => {
      random.seed(checkNumber(args, 0, call));
      return undefined;
    },
  } satisfies Record<string, import('../value').BuiltinFn>);
  return { functions, values: { huge: Infinity, pi: Math.PI } };
};
