// C-style number formatting as LuaJIT's -jdump uses it: `%+.14g` for numbers, `%+a` for tiny
// positive doubles, and the reverse parse. Also the exact (lossless) number spelling that trace
// files fall back to when `%+.14g` would lose bits.

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function doubleBits(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

export function bitsDouble(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits);
  return f64[0];
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '+';
}

/** printf("%+.Pg", x) for P significant digits. */
export function formatG(x: number, precision = 14): string {
  if (Number.isNaN(x)) return (doubleBits(x) >> 63n ? '-' : '+') + 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : '+inf';
  const sign = signOf(x);
  const a = Math.abs(x);
  if (a === 0) return `${sign}0`;
  const [mant, expText] = a.toExponential(precision - 1).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= precision) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const fixed = a.toFixed(Math.max(0, precision - 1 - exp));
  return sign + (fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed);
}

/** printf("%+a", x) for a finite positive or negative double, mantissa normalized to 1.x. */
export function formatHexFloat(x: number): string {
  const sign = signOf(x);
  const bits = doubleBits(Math.abs(x));
  let frac = bits & ((1n << 52n) - 1n);
  let exp = Number(bits >> 52n);
  if (exp === 0) {
    if (frac === 0n) return `${sign}0x0p+0`;
    // Subnormal: shift the fraction up until the implicit 1 appears.
    exp = 1;
    while (!(frac & (1n << 52n))) {
      frac <<= 1n;
      exp -= 1;
    }
    frac &= (1n << 52n) - 1n;
  }
  const e = exp - 1023;
  const digits = frac.toString(16).padStart(13, '0').replace(/0+$/, '');
  return `${sign}0x1${digits ? '.' + digits : ''}p${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}

/** Parses `[+-]0xH.HHHp[+-]E`. */
export function parseHexFloat(text: string): number | undefined {
  const m = /^([+-]?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(text);
  if (!m) return undefined;
  const fracDigits = m[3] ?? '';
  const mant = BigInt('0x' + m[2] + fracDigits);
  if (mant >= 1n << 53n) return undefined;
  const exp = Number(m[4]) - 4 * fracDigits.length;
  // Scale in two steps so only the last multiplication rounds (subnormals included).
  const value = exp < -900 ? Number(mant) * 2 ** (exp + 600) * 2 ** -600 : Number(mant) * 2 ** exp;
  return m[1] === '-' ? -value : value;
}

/** Parses a `%g`-style number with optional sign, `inf`, `nan`. */
export function parseDecimal(text: string): number | undefined {
  const m = /^([+-]?)(inf|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i.exec(text);
  if (!m) return undefined;
  const body = m[2].toLowerCase();
  const v = body === 'inf' ? Infinity : body === 'nan' ? NaN : Number(body);
  return m[1] === '-' ? -v : v;
}

/**
 * How -jdump prints a number constant: `%+a` for 0 < k < 2^-1026, else `%+.14g`. When that
 * text would not read back as the same double, the shortest exact decimal (with sign) is used
 * instead, so a trace file keeps every bit; LuaJIT dumps never hit that case on re-print.
 */
export function formatNumberConstant(k: number): string {
  if (k > 0 && k < 2 ** -1026) return formatHexFloat(k);
  const g = formatG(k);
  const back = parseDecimal(g);
  if (back === undefined || Object.is(back, k) || (Number.isNaN(back) && Number.isNaN(k))) return g;
  return signOf(k) + String(Math.abs(k));
}

export function parseNumberConstant(text: string): number | undefined {
  return parseHexFloat(text) ?? parseDecimal(text);
}
