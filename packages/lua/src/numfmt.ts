// Numbers as text, the C way: `%.14g` (how Lua 5.1 and LuaJIT print numbers), the other
// printf conversions string.format needs, and Lua's string→number conversion (lua_str2number).

/** tostring(n): `%.14g`, with inf/-inf/nan spelled as glibc prints them. */
export function formatNumber(n: number): string {
  return formatG(n, 14, false);
}

function nonFinite(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  return n > 0 ? 'inf' : '-inf';
}

/**
 * The decimal digits of |x| (finite, non-zero) rounded to `sig` significant digits the way
 * LuaJIT's lj_strfmt does it: from the exact binary value, ties away from zero (glibc, and
 * so PUC Lua, rounds ties to even: 123456789012345 prints …234e+14 there). Returns the digits and the
 * decimal exponent of the first one. `sig` may be 0 or negative (the value rounds to 0 or
 * to one unit in the `sig`-th place).
 */
function roundDigits(x: number, sig: number): { digits: string; exp: number } {
  let digits: string;
  let exp: number;
  if (Math.abs(x) >= 2 ** 53) {
    // An integer: BigInt gives every digit exactly (toExponential stops at 100).
    digits = BigInt(Math.abs(x)).toString();
    exp = digits.length - 1;
  } else {
    const [m, e] = Math.abs(x).toExponential(99).split('e');
    digits = m.replace('.', '');
    exp = Number(e);
  }
  // Work with a leading 0 so rounding up can carry into a new leading digit, and so sig <= 0 works.
  digits = '0' + digits;
  exp += 1;
  const keep = sig + 1;
  if (keep <= 0) return { digits: '0', exp };
  const kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const up = first >= 5;
  let out = up ? (BigInt(kept) + 1n).toString().padStart(kept.length, '0') : kept;
  if (out.length > kept.length) {
    exp += 1;
    out = out.slice(0, kept.length);
  }
  if (out[0] === '0') return { digits: out.slice(1) || '0', exp: exp - 1 };
  return { digits: out.slice(0, sig > 0 ? sig : 1), exp };
}

/** C's %.<precision>g (`alt` = the # flag keeps trailing zeros). */
export function formatG(n: number, precision: number, alt: boolean): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const p = precision === 0 ? 1 : precision;
  const neg = n < 0 || Object.is(n, -0) ? '-' : '';
  if (n === 0) return neg + (alt ? `0.${'0'.repeat(p - 1)}` : '0');
  const { digits, exp } = roundDigits(n, p);
  // '#' keeps trailing zeros and always shows the point.
  const point = (s: string): string => (s.includes('.') ? s : `${s}.`);
  if (exp < -4 || exp >= p) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg}${alt ? point(mant) : stripZeros(mant)}e${exponentText(exp)}`;
  }
  const fixed = placePoint(digits, exp, p - 1 - exp);
  return neg + (alt ? point(fixed) : stripZeros(fixed));
}

/** Digits d0 d1 … with d0 at 10^exp, written with `decimals` digits after the point. */
function placePoint(digits: string, exp: number, decimals: number): string {
  let d = digits;
  if (exp < 0) {
    d = '0'.repeat(-exp) + d;
    exp = 0;
  }
  const intLen = exp + 1;
  d = d.padEnd(intLen + decimals, '0');
  return decimals > 0 ? `${d.slice(0, intLen)}.${d.slice(intLen, intLen + decimals)}` : d.slice(0, intLen);
}

function exponentText(exp: number): string {
  return `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** C's %.<precision>e of |n| (the caller adds the sign). */
export function formatE(n: number, precision: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  if (n === 0) return `${precision > 0 ? `0.${'0'.repeat(precision)}` : '0'}e+00`;
  const { digits, exp } = roundDigits(n, precision + 1);
  const d = digits.padEnd(precision + 1, '0');
  return `${precision > 0 ? `${d[0]}.${d.slice(1)}` : d[0]}e${exponentText(exp)}`;
}

/** C's %.<precision>f of |n| (the caller adds the sign). */
export function formatF(n: number, precision: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  if (n === 0) return placePoint('0', 0, precision);
  const leading = Number(Math.abs(n).toExponential().split('e')[1]);
  const { digits, exp } = roundDigits(n, leading + 1 + precision);
  if (digits === '0') return placePoint('0', 0, precision);
  return placePoint(digits, exp, precision);
}

const DECIMAL = /^[ \t\n\r\f\v]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[ \t\n\r\f\v]*$/;
const HEX = /^[ \t\n\r\f\v]*(-?)0[xX]([0-9a-fA-F]+)[ \t\n\r\f\v]*$/;
const SPECIAL = /^[ \t\n\r\f\v]*([+-]?)(inf|infinity|nan)[ \t\n\r\f\v]*$/i;

/** Lua 5.1's string→number coercion (strtod, plus hex via strtoul); undefined if not a number. */
export function parseNumber(s: string): number | undefined {
  const dec = DECIMAL.exec(s);
  if (dec) return Number(dec[1]);
  const hex = HEX.exec(s);
  if (hex) {
    const v = parseInt(hex[2], 16);
    return hex[1] === '-' ? -v : v;
  }
  const special = SPECIAL.exec(s);
  if (special) {
    const v = special[2].toLowerCase() === 'nan' ? NaN : Infinity;
    return special[1] === '-' ? -v : v;
  }
  return undefined;
}
