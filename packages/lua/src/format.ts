// string.format as LuaJIT 2.1 runs it (lj_strfmt.c): a specification is any run of flags, a
// width and a precision of at most two digits each, and one of d i u c o x X a A e E f F g G
// q s p. Integers go through C's int64 conversion (an int64 cdata through its bits, %u/%o/%x
// of 2^63 and above wrapped first), %c/%s pad with spaces only, inf/nan never take zeros,
// %a is normalised hex rounded half up, %q uses decimal escapes and takes no width, %p shows
// an address (NULL for nil, booleans and numbers). LuaJIT has no "repeated flags" check.
import { toInt } from './lib/args';
import { formatE, formatF, formatG } from './numfmt';

export interface FormatArgs {
  /** How many arguments follow the format string. */
  readonly count: number;
  /** A float conversion's (or %c's) operand: luaL_checknumber of argument `i`. */
  number(i: number): number;
  /** An integer conversion's operand: a number, or the 64 bits of an int64 cdata. */
  integer(i: number): number | bigint;
  /** %s's and %q's operand as text (tostring). */
  string(i: number): string;
  /** %p's operand: the object's address, or NULL for a value that is no object (absent: always NULL). */
  pointer?(i: number): string;
  /** Raises `invalid option '%…' to 'format'`. */
  invalid(option: string): never;
}

/** Conversions lj_strfmt_parse accepts (the upper-case ones as upper-case variants). */
const CONVERSIONS = 'diucoxXaAeEfFgGqsp';
const INT64_MIN = -(2n ** 63n);

interface Spec {
  readonly left: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly alt: boolean;
  readonly zero: boolean;
  readonly width: number;
  /** -1 when the specification has none. */
  readonly prec: number;
  readonly conv: string;
  /** Index just past the specification. */
  readonly end: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** lj_strfmt_parse for the specification at `pct` (an invalid one is reported up to its bad character, cut at a NUL). */
function parseSpec(fmt: string, pct: number, args: FormatArgs): Spec {
  let i = pct + 1;
  const flags = new Set<string>();
  while (i < fmt.length && '-+ #0'.includes(fmt[i])) flags.add(fmt[i++]);
  const number = (): number => {
    let n = 0;
    for (let k = 0; k < 2 && isDigit(fmt[i]); k++) n = n * 10 + Number(fmt[i++]);
    return n;
  };
  const width = number();
  let prec = -1;
  if (fmt[i] === '.') {
    i++;
    prec = number();
  }
  const conv = fmt[i] ?? '';
  if (conv === '' || !CONVERSIONS.includes(conv)) args.invalid(fmt.slice(pct, i + 1).split('\0')[0]);
  return { left: flags.has('-'), plus: flags.has('+'), space: flags.has(' '), alt: flags.has('#'), zero: flags.has('0'), width, prec, conv, end: i + 1 };
}

export function formatString(fmt: string, args: FormatArgs): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    if (fmt[pct + 1] === '%') {
      out += '%';
      i = pct + 2;
      continue;
    }
    const spec = parseSpec(fmt, pct, args);
    i = spec.end;
    argi++;
    switch (spec.conv) {
      case 'd': case 'i': out += formatInteger(int64Bits(args.integer(argi), false), spec, true); break;
      case 'u': case 'o': case 'x': case 'X': out += formatInteger(int64Bits(args.integer(argi), true), spec, false); break;
      case 'c': out += pad('', String.fromCharCode(toInt(args.number(argi)) & 0xff), spec, false); break;
      case 's': {
        const s = args.string(argi);
        out += pad('', spec.prec < 0 ? s : s.slice(0, spec.prec), spec, false);
        break;
      }
      case 'q': out += quote(args.string(argi)); break;
      case 'p': out += args.pointer ? args.pointer(argi) : 'NULL'; break;
      default: out += formatFloat(args.number(argi), spec);
    }
  }
  return out;
}

/** The 64 bits C's (int64_t) cast gives (x86: NaN and out of range are INT64_MIN); unsigned conversions wrap 2^63 and up first. */
function int64Bits(v: number | bigint, unsigned: boolean): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  const n = unsigned && v >= 2 ** 63 ? v - 2 ** 64 : v;
  return BigInt.asUintN(64, n >= -(2 ** 63) && n < 2 ** 63 ? BigInt(Math.trunc(n)) : INT64_MIN);
}

/** lj_strfmt_putfxint: a precision turns the 0 flag off, and %.0d of 0 prints no digit. */
function formatInteger(bits: bigint, spec: Spec, signed: boolean): string {
  let k = bits;
  let prefix = '';
  if (signed) {
    if (k >= 1n << 63n) {
      k = (1n << 64n) - k;
      prefix = '-';
    } else prefix = spec.plus ? '+' : spec.space ? ' ' : '';
  }
  const hex = spec.conv === 'x' || spec.conv === 'X';
  let digits: string;
  if (k === 0n) digits = spec.prec !== 0 || (spec.conv === 'o' && spec.alt) ? '0' : '';
  else if (spec.conv === 'o') digits = (spec.alt ? '0' : '') + k.toString(8);
  else digits = k.toString(hex ? 16 : 10);
  if (hex && spec.alt && k !== 0n) prefix = '0x';
  if (spec.conv === 'X') {
    digits = digits.toUpperCase();
    prefix = prefix.toUpperCase();
  }
  return pad(prefix, digits.padStart(spec.prec, '0'), spec, spec.prec < 0);
}

/** lj_strfmt_wfnum: %a %e %f %g, with inf and nan spelled as C's and padded with spaces only. */
function formatFloat(n: number, spec: Spec): string {
  const upper = spec.conv === spec.conv.toUpperCase();
  const sign = n < 0 || Object.is(n, -0) ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const caseOf = (s: string): string => (upper ? s.toUpperCase() : s);
  // A NaN shows no sign but the space flag's.
  if (Number.isNaN(n)) return pad(spec.space ? ' ' : '', caseOf('nan'), spec, false);
  if (!Number.isFinite(n)) return pad(sign, caseOf('inf'), spec, false);
  const x = Math.abs(n);
  switch (spec.conv.toLowerCase()) {
    case 'a': return pad(sign + caseOf('0x'), caseOf(hexFloat(x, spec.prec, spec.alt)), spec, true);
    case 'e': return pad(sign, caseOf(alternate(formatE(x, spec.prec < 0 ? 6 : spec.prec), spec.alt)), spec, true);
    case 'f': return pad(sign, alternate(formatF(x, spec.prec < 0 ? 6 : spec.prec), spec.alt), spec, true);
    default: return pad(sign, caseOf(formatG(x, spec.prec < 0 ? 6 : spec.prec, spec.alt)), spec, true);
  }
}

/** Width padding: spaces after (the - flag), zeros between prefix and body (the 0 flag, where allowed) or spaces before. */
function pad(prefix: string, body: string, spec: Spec, zeroAllowed: boolean): string {
  const fill = spec.width - prefix.length - body.length;
  if (fill <= 0) return prefix + body;
  if (spec.left) return prefix + body + ' '.repeat(fill);
  if (spec.zero && zeroAllowed) return prefix + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + prefix + body;
}

/** '#' on %e/%f: the decimal point even with no digits after it. */
function alternate(digits: string, alt: boolean): string {
  if (!alt || digits.includes('.')) return digits;
  const e = digits.indexOf('e');
  return e < 0 ? `${digits}.` : `${digits.slice(0, e)}.${digits.slice(e)}`;
}

/** lj_strfmt_putquoted: control characters as decimal escapes (three digits before a digit), a newline escaped as itself. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\\n';
    else if (c < 32 || c === 127) out += isDigit(s[i + 1]) ? `\\${String(c).padStart(3, '0')}` : `\\${c}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * %a of a finite non-negative double after its "0x": normalised (subnormals too), the shortest
 * exact digits by default, else rounded half up to `prec` hex digits; a carry shows as a
 * leading 2 (0x2p+0), as LuaJIT prints it.
 */
function hexFloat(n: number, prec: number, alt: boolean): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn) - 1023;
  let mant = bits & ((1n << 52n) - 1n);
  if (n === 0) exp = 0;
  else if (exp === -1023) {
    // A subnormal: shift its leading 1 up to the implicit bit.
    exp = -1022;
    while (!(mant & (1n << 52n))) {
      mant <<= 1n;
      exp--;
    }
  }
  let full = (n === 0 ? 0n : 1n << 52n) | (mant & ((1n << 52n) - 1n));
  let digits: number;
  if (prec < 0) {
    digits = 13;
    while (digits > 0 && (full & 0xfn) === 0n) {
      full >>= 4n;
      digits--;
    }
  } else if (prec < 13) {
    const drop = BigInt(4 * (13 - prec));
    full = (full + (1n << (drop - 1n))) >> drop;
    digits = prec;
  } else {
    full <<= BigInt(4 * (prec - 13));
    digits = prec;
  }
  const lead = full >> BigInt(4 * digits);
  const frac = digits === 0 ? '' : (full & ((1n << BigInt(4 * digits)) - 1n)).toString(16).padStart(digits, '0');
  return `${lead}${frac || alt ? '.' : ''}${frac}p${exp >= 0 ? '+' : ''}${exp}`;
}
